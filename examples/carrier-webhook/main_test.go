package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/examples/internal/usage/usagetest"
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

// runWith returns a Run for usagetest with the environment env.
func runWith(env map[string]string) usagetest.Run {
	return func(args []string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
		return code, out.String(), errOut.String()
	}
}

func TestHelp(t *testing.T) {
	usagetest.Help(t, runWith(nil), "WECHAT_PUSH_TOKEN", "WECHAT_ENCODING_AES_KEY", "-appid", "-selftest", "cancel_waybill")
}

func TestUsageErrors(t *testing.T) {
	// No arguments and no environment.
	usagetest.Misused(t, runWith(nil), nil, "WECHAT_PUSH_TOKEN", "-selftest")
	// A key without an AppID: safe mode needs it.
	usagetest.Misused(t, runWith(map[string]string{"WECHAT_PUSH_TOKEN": "t", "WECHAT_ENCODING_AES_KEY": demoKey}),
		[]string{"-addr", "127.0.0.1:0"}, "-appid is required")
	// A key the handler refuses.
	usagetest.Misused(t, runWith(map[string]string{"WECHAT_PUSH_TOKEN": "t", "WECHAT_ENCODING_AES_KEY": "short"}),
		[]string{"-addr", "127.0.0.1:0", "-appid", demoAppID})
	usagetest.Misused(t, runWith(nil), []string{"-nosuchflag"}, "-nosuchflag")
	usagetest.Misused(t, runWith(nil), []string{"-selftest", "extra"}, "unexpected arguments")
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
