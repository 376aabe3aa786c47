package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func TestOfflineRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"WeChat: an in-process fake",
		`-> cancelled by wechat, which said "ok"`,
		"-> already cancelled before: nothing left to do",
		"wechat answered code 9300524",
		"-> too late: the parcel is already with the courier",
		"invalid parameter DeliveryID: is required",
		`-> cancelled by wechat-intracity, which said "ok"`,
		"penalty deducted: ¥2.00 (200 fen)",
		`-> cancelled by wechat-ewaybill, which said "ok"`,
		`-> cancelled by apiusb, which said "取消成功"`,
		"apiusb answered code 1001",
		"invalid parameter Reason: is required",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
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
	var out bytes.Buffer
	if err := run(context.Background(), func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "-> cancelled by"); n != 2 {
		t.Fatalf("%d cancellations, want 2:\n%s", n, out.String())
	}
	if o, _ := wechat.Order("o-9"); o.State != logisticstest.OrderCancelled {
		t.Errorf("WeChat order state %v", o.State)
	}
	if tk, _ := usb.Task("t-9"); tk.State != apiusbtest.TaskCancelled {
		t.Errorf("APIUSB task state %v", tk.State)
	}
	if strings.Contains(out.String(), logisticstest.DefaultAppSecret) || strings.Contains(out.String(), apiusbtest.DefaultAppSecret) {
		t.Error("a secret was printed")
	}
}
