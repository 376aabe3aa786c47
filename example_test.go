package waybill_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A shop backend holds one Canceller per provider and writes its
// cancellation logic once. Here both providers are the SDK's fakes.
func ExampleCanceller() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "SF100"})
	usb := apiusbtest.NewServer()
	defer usb.Close()
	usb.AddTask(apiusbtest.Task{OrderID: "o-2", TaskID: "T200"})

	wechatClient, err := wechat.Client()
	if err != nil {
		panic(err)
	}
	usbClient, err := usb.Client()
	if err != nil {
		panic(err)
	}
	providers := map[string]waybill.Canceller{"wechat": wechatClient, "apiusb": usbClient}

	cancel := func(provider string, req waybill.CancelRequest) {
		res, err := providers[provider].Cancel(context.Background(), req)
		switch {
		case errors.Is(err, werrors.ErrDuplicateCancel):
			fmt.Println(provider, req.OrderID, "was already cancelled")
		case err != nil:
			fmt.Println(provider, req.OrderID, "failed:", err)
		default:
			fmt.Println(res.Provider, res.OrderID, "cancelled:", res.Message)
		}
	}
	cancel("wechat", waybill.CancelRequest{OrderID: "o-1", WaybillID: "SF100", DeliveryID: "SF"})
	cancel("wechat", waybill.CancelRequest{OrderID: "o-1", WaybillID: "SF100", DeliveryID: "SF"})
	cancel("apiusb", waybill.CancelRequest{OrderID: "o-2", WaybillID: "T200", Reason: "customer changed their mind"})
	cancel("apiusb", waybill.CancelRequest{OrderID: "o-2", WaybillID: "T200"})
	// Output:
	// wechat o-1 cancelled: ok
	// wechat o-1 was already cancelled
	// apiusb o-2 cancelled: 取消成功
	// apiusb o-2 failed: waybill: invalid parameter Reason: is required (APIUSB parameter cancelMsg)
}

func ExampleRetryPolicy() {
	p := waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: 50e6, MaxDelay: 1e9}
	fmt.Println(p.Validate())
	fmt.Println(waybill.RetryPolicy{}.Validate())
	fmt.Println(waybill.NoRetry.MaxAttempts, waybill.DefaultRetryPolicy.MaxAttempts)
	// Output:
	// <nil>
	// retry policy: MaxAttempts must be at least 1, got 0
	// 1 3
}
