package main

import (
	"bytes"
	"strings"
	"testing"
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

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-h"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "whole waybill life") {
		t.Fatalf("-h: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"-nosuchflag"}, &out, &errOut); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
	if code := run([]string{"extra"}, &out, &errOut); code != 2 {
		t.Fatalf("extra argument: exit %d", code)
	}
}
