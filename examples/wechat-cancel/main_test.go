package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunAgainstFake(t *testing.T) {
	t.Setenv("WECHAT_APP_ID", "")
	t.Setenv("WECHAT_APP_SECRET", "")
	var out, errOut bytes.Buffer
	code := run([]string{"-fake", "-order", "o-1", "-waybill", "w-1", "-delivery", "SF"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "waybill w-1 (order o-1): cancelled") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

func TestRunValidationAndUsage(t *testing.T) {
	t.Setenv("WECHAT_APP_ID", "")
	t.Setenv("WECHAT_APP_SECRET", "")
	var out, errOut bytes.Buffer
	if code := run([]string{"-order", "o"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "WECHAT_APP_ID") {
		t.Fatalf("no credentials: exit %d, stderr %q", code, errOut.String())
	}
	out.Reset()
	// Missing waybill: refused before any request, with the field named.
	if code := run([]string{"-fake", "-order", "o", "-delivery", "SF"}, &out, &errOut); code != 1 || !strings.Contains(out.String(), "WaybillID") {
		t.Fatalf("missing waybill: exit %d, stdout %q", code, out.String())
	}
	if code := run([]string{"-nosuchflag"}, &out, &errOut); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
}
