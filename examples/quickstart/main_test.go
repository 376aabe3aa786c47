package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/examples/internal/usage/usagetest"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// runWith returns a Run for usagetest with the environment env.
func runWith(env map[string]string) usagetest.Run {
	return func(args []string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
		return code, out.String(), errOut.String()
	}
}

// The offline tour needs nothing: no arguments, no environment. Each
// outcome comes with the advice that fits it, and the run ends with where
// to go next.
func TestOfflineRun(t *testing.T) {
	code, out, errOut := runWith(nil)(nil)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"WeChat: an in-process fake",
		"-> cancelled by wechat, which said \"ok\"\n      next: mark the order cancelled",
		"-> already cancelled before: nothing left to do\n      wechat answered code 9300524",
		"-> too late: the parcel is already with the courier\n      wechat answered code 9300506",
		"next: tell the customer the parcel is already on its way",
		"invalid parameter DeliveryID: is required\n      next: fix the request or the configuration",
		"-> cancelled by apiusb, which said \"取消成功\"",
		"apiusb answered code 1001\n      next: tell the customer the parcel is already on its way",
		"invalid parameter Reason: is required (APIUSB parameter cancelMsg)\n      next: fix the request",
		"Next steps:",
		"go run ./examples/shop-flow",
		"go run ./examples/wechat-cancel -h",
		"go run ./examples/apiusb-cancel -h",
		"go run ./examples/carrier-webhook -selftest",
		"README.md",
		"go doc github.com/waybill-go/waybill",
		`-> cancelled by wechat-intracity, which said "ok"`,
		"penalty deducted: ¥2.00 (200 fen)",
		`-> cancelled by wechat-ewaybill, which said "ok"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "next: ") != 9 {
		t.Errorf("%d pieces of advice for 9 steps:\n%s", strings.Count(out, "next: "), out)
	}
}

func TestHelp(t *testing.T) {
	var names []string
	for _, v := range append(wechatEnv, apiusbEnv...) {
		names = append(names, v.Name)
	}
	usagetest.Help(t, runWith(nil), append(names, "-timeout", "waybill.Canceller", "offline")...)
}

func TestUsageErrors(t *testing.T) {
	usagetest.Misused(t, runWith(nil), []string{"-nosuchflag"}, "-nosuchflag")
	usagetest.Misused(t, runWith(nil), []string{"extra"}, "unexpected arguments")
	// A provider switched to the real service without all it needs.
	usagetest.Misused(t, runWith(map[string]string{"WECHAT_APP_ID": "wx1"}), nil,
		"WECHAT_APP_ID is set", "WECHAT_APP_SECRET, WECHAT_ORDER_ID, WECHAT_WAYBILL_ID, WECHAT_DELIVERY_ID")
	usagetest.Misused(t, runWith(map[string]string{"WECHAT_ORDER_ID": "o"}), nil, "WECHAT_APP_ID, WECHAT_APP_SECRET")
	usagetest.Misused(t, runWith(map[string]string{"APIUSB_ACCESS_TOKEN": "tok"}), nil,
		"APIUSB_ORDER_ID, APIUSB_TASK_ID, APIUSB_CANCEL_MSG")
	full := map[string]string{"APIUSB_ORDER_ID": "o", "APIUSB_TASK_ID": "t", "APIUSB_CANCEL_MSG": "m"}
	full["APIUSB_APP_KEY"] = "k"
	usagetest.Misused(t, runWith(full), nil, "APIUSB_APP_SECRET")
	full["APIUSB_APP_SECRET"], full["APIUSB_ACCESS_TOKEN"] = "s", "tok"
	usagetest.Misused(t, runWith(full), nil, "not both")
}

// With the environment set, the quickstart cancels just the given orders at
// the configured services (fakes standing in for the real ones here).
func TestConfiguredRun(t *testing.T) {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "o-9", DeliveryID: "SF", WaybillID: "w-9"})
	usb := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer usb.Close()
	usb.AddTask(apiusbtest.Task{OrderID: "u-9", TaskID: "t-9"})
	env := map[string]string{
		"WECHAT_APP_ID": logisticstest.DefaultAppID, "WECHAT_APP_SECRET": logisticstest.DefaultAppSecret,
		"WECHAT_BASE_URL": wechat.URL, "WECHAT_ORDER_ID": "o-9", "WECHAT_WAYBILL_ID": "w-9", "WECHAT_DELIVERY_ID": "SF",
		"APIUSB_BASE_URL": usb.URL, "APIUSB_APP_KEY": apiusbtest.DefaultAppKey, "APIUSB_APP_SECRET": apiusbtest.DefaultAppSecret,
		"APIUSB_ORDER_ID": "u-9", "APIUSB_TASK_ID": "t-9", "APIUSB_CANCEL_MSG": "changed my mind",
	}
	code, out, errOut := runWith(env)(nil)
	if code != 0 || strings.Count(out, "-> cancelled by") != 2 {
		t.Fatalf("exit %d, stderr %q, want 2 cancellations:\n%s", code, errOut, out)
	}
	if o, _ := wechat.Order("o-9"); o.State != logisticstest.OrderCancelled {
		t.Errorf("WeChat order state %v", o.State)
	}
	if tk, _ := usb.Task("t-9"); tk.State != apiusbtest.TaskCancelled {
		t.Errorf("APIUSB task state %v", tk.State)
	}
	if strings.Contains(out, logisticstest.DefaultAppSecret) || strings.Contains(out, apiusbtest.DefaultAppSecret) {
		t.Error("a secret was printed")
	}
}

// A real APIUSB account's codes are its own: the quickstart does not map
// them, so a task the courier has is a refusal whose reason must be read,
// not a request to fix.
func TestConfiguredRunPickedUpAtAPIUSB(t *testing.T) {
	usb := apiusbtest.NewServer()
	defer usb.Close()
	usb.AddTask(apiusbtest.Task{OrderID: "u-9", TaskID: "t-9", State: apiusbtest.TaskPickedUp})
	env := map[string]string{"APIUSB_BASE_URL": usb.URL, "APIUSB_ORDER_ID": "u-9", "APIUSB_TASK_ID": "t-9", "APIUSB_CANCEL_MSG": "x"}
	code, out, errOut := runWith(env)(nil)
	_, step, _ := strings.Cut(out, "Cancel the APIUSB order from APIUSB_ORDER_ID")
	step, _, _ = strings.Cut(step, "Next steps:")
	if code != 0 || !strings.Contains(step, "refused with code 1001: task already picked up") ||
		!strings.Contains(step, "next: read the reason above") || strings.Contains(step, "next: fix") {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
}
