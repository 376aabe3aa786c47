package logistics_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A shop cancels a 同城配送 order after a courier accepted it, and sees the
// penalty. 同城配送 requires WeChat API security: the fake hands out keys
// that match its own; in production they come from the console (开发 → 开发管理
// → 开发设置 → API 安全).
func ExampleIntracityClient_CancelOrder() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "2000000000000042007", Status: logistics.IntracityOrderAccepted})

	client, err := wechat.Client(logistics.WithAPISecurity(wechat.APISecurity()))
	if err != nil {
		panic(err)
	}
	resp, err := client.Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{
		WxOrderID: "2000000000000042007", CancelReasonID: logistics.IntracityReasonOther, CancelReason: "customer changed their mind",
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("status %d, penalty ¥%d.%02d\n", resp.OrderStatus, resp.DeductFee/100, resp.DeductFee%100)

	// Cancelling again is refused as a duplicate.
	_, err = client.Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{
		WxOrderID: "2000000000000042007", CancelReasonID: logistics.IntracityReasonNotNeeded,
	})
	fmt.Println(errors.Is(err, werrors.ErrDuplicateCancel))
	// Output:
	// status 20000, penalty ¥2.00
	// true
}

// A 微信小店 cancels an electronic waybill through the provider-neutral
// Canceller: OrderID carries the ewaybill_order_id.
func ExampleEWaybillClient_Cancel() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddEWaybill(logisticstest.EWaybill{EWaybillOrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT3410779063070"})

	client, err := wechat.Client() // in production: the 微信小店's AppID and AppSecret
	if err != nil {
		panic(err)
	}
	var c waybill.Canceller = client.EWaybill()
	res, err := c.Cancel(context.Background(), waybill.CancelRequest{
		OrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT3410779063070",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Provider, res.WaybillID, res.Message)

	_, err = c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "not-a-number", DeliveryID: "YTO", WaybillID: "YT3410779063070"})
	fmt.Println(errors.Is(err, werrors.ErrInvalidParam))
	// Output:
	// wechat-ewaybill YT3410779063070 ok
	// true
}
