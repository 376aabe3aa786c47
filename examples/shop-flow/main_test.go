package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/examples/internal/usage/usagetest"
)

func TestRunsTheWholeLife(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut.String(), out.String())
	}
	for _, want := range []string{
		"waybill TEST000000000001; print on the label:",
		"TEST_bagAddr = 深圳市",
		"100001  快递员已揽件",
		"200001  到达深圳转运中心",
		"-> too late: the parcel is already with the courier",
		"-> waybill TEST000000000003: cancelled",
		"order_status 1 (cancelled)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func runIt(args []string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// shop-flow needs no input: no arguments runs it (above). -h says so, and
// that it reads no environment variable.
func TestHelp(t *testing.T) {
	usagetest.Help(t, runIt, "whole waybill life", "-timeout", "Environment: none is read.")
}

func TestUsageErrors(t *testing.T) {
	usagetest.Misused(t, runIt, []string{"-nosuchflag"}, "-nosuchflag")
	usagetest.Misused(t, runIt, []string{"extra"}, `unexpected arguments ["extra"]`)
}
