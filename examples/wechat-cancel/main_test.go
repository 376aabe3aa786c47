package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/examples/internal/usage/usagetest"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// clearEnv unsets the credentials for the test.
func clearEnv(t *testing.T) {
	t.Helper()
	t.Setenv("WECHAT_APP_ID", "")
	t.Setenv("WECHAT_APP_SECRET", "")
}

func runIt(args []string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunAgainstFake(t *testing.T) {
	clearEnv(t)
	code, out, errOut := runIt([]string{"-fake", "-order", "o-1", "-waybill", "w-1", "-delivery", "SF"})
	if code != 0 || out != "waybill w-1 (order o-1): cancelled\n  next: mark the order cancelled\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestHelp(t *testing.T) {
	clearEnv(t)
	usagetest.Help(t, runIt, "WECHAT_APP_ID", "WECHAT_APP_SECRET", "-order", "-waybill", "-delivery", "-fake", "Cancels one WeChat express waybill")
}

func TestUsageErrors(t *testing.T) {
	clearEnv(t)
	// No arguments and no environment: everything required is named.
	usagetest.Misused(t, runIt, nil, "missing -order, -waybill, -delivery")
	// IDs without credentials or -fake.
	usagetest.Misused(t, runIt, []string{"-order", "o", "-waybill", "w", "-delivery", "SF"}, "WECHAT_APP_ID", "WECHAT_APP_SECRET")
	// One ID missing, even with -fake: refused before any request.
	usagetest.Misused(t, runIt, []string{"-fake", "-order", "o", "-delivery", "SF"}, "missing -waybill")
	usagetest.Misused(t, runIt, []string{"-nosuchflag"}, "-nosuchflag")
	usagetest.Misused(t, runIt, []string{"-fake", "-order", "o", "-waybill", "w", "-delivery", "SF", "extra"}, `unexpected arguments ["extra"]`)
	t.Setenv("WECHAT_APP_ID", logisticstest.DefaultAppID)
	t.Setenv("WECHAT_APP_SECRET", logisticstest.DefaultAppSecret)
	usagetest.Misused(t, runIt, []string{"-base-url", "::", "-order", "o", "-waybill", "w", "-delivery", "SF"}, "base URL")
}

// With credentials from the environment (a fake standing in for WeChat): an
// order WeChat does not know is a refusal, exit 1, with what to do.
func TestRunWithCredentialsFromEnv(t *testing.T) {
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	t.Setenv("WECHAT_APP_ID", logisticstest.DefaultAppID)
	t.Setenv("WECHAT_APP_SECRET", logisticstest.DefaultAppSecret)
	code, out, errOut := runIt([]string{"-base-url", srv.URL, "-order", "o-1", "-waybill", "w-1", "-delivery", "SF"})
	if code != 0 || !strings.Contains(out, "cancelled") {
		t.Fatalf("known order: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runIt([]string{"-base-url", srv.URL, "-order", "o-2", "-waybill", "w-2", "-delivery", "SF"})
	if code != 1 || !strings.Contains(out, "no such order") || !strings.Contains(out, "next: fix the request") {
		t.Fatalf("unknown order: exit %d, stdout %q", code, out)
	}
	if strings.Contains(out+errOut, logisticstest.DefaultAppSecret) {
		t.Fatal("the AppSecret was printed")
	}
}
