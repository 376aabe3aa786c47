package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/internal/redistest"
)

func TestSelfTest(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-selftest"}, func(string) string { return "" }, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	for _, want := range []string{
		"URL check passed",
		`check_biz (password xyz123): ResultCode 0 "success", Quota 1500`,
		`check_biz (password wrong): ResultCode 10002`,
		"get_quota: ResultCode 0, Quota 1500",
		"add_waybill: ResultCode 0, WayBillID SF2001, WaybillData ##SF_bagAddr##广州市##",
		`cancel SF1001 (an open waybill, json): ResultCode 0 "success"`,
		"cancel SF1001 (the same waybill again, in a new event, xml): ResultCode 30003",
		"cancel SF1002 (a waybill the courier has collected, json): ResultCode 30002",
		"cancel SF9999 (an unknown waybill, xml): ResultCode 30001",
		"cancel SF2001 and WeChat's retry of the same event: ResultCode 0, then 0 (callback ran 1 time)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// The same self-test with the event store on a real Redis, as a fleet
// would run it.
func TestSelfTestWithRedis(t *testing.T) {
	srv := redistest.Start(t)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-selftest", "-redis", srv.Addr}, func(string) string { return "" }, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "ResultCode 0, then 0 (callback ran 1 time)") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestNeedsToken(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, func(string) string { return "" }, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "WECHAT_PUSH_TOKEN") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	// A key without an AppID is refused by the handler's config check.
	env := map[string]string{"WECHAT_PUSH_TOKEN": "t", "WECHAT_ENCODING_AES_KEY": demoKey}
	errOut.Reset()
	if code := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &out, &errOut); code != 2 {
		t.Fatalf("key without appid: exit %d, stderr %q", code, errOut.String())
	}
}

func TestServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	env := map[string]string{"WECHAT_PUSH_TOKEN": "t"}
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &out, &errOut)
	}()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}
