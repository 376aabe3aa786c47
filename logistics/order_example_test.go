package logistics_test

import (
	"context"
	"fmt"

	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// exampleOrder is a sandbox order (carrier TEST) for the examples.
func exampleOrder(orderID string) *logistics.AddOrderRequest {
	return &logistics.AddOrderRequest{
		AddSource: logistics.AddSourceMiniProgram, OrderID: orderID, OpenID: "oUser123",
		DeliveryID: logistics.TestDeliveryID, BizID: logistics.TestBizID,
		Sender:   logistics.Contact{Name: "张三", Mobile: "18666666666", Province: "广东省", City: "广州市", Area: "海珠区", Address: "XX路1号"},
		Receiver: logistics.Contact{Name: "李四", Mobile: "18610000000", Province: "广东省", City: "深圳市", Area: "南山区", Address: "YY路2号"},
		Cargo:    logistics.Cargo{Count: 1, Weight: 1.2, SpaceX: 20, SpaceY: 15, SpaceZ: 10, DetailList: []logistics.CargoItem{{Name: "抱枕", Count: 1}}},
		Shop:     logistics.Shop{WxaPath: "/pages/order?id=" + orderID, DetailList: []logistics.ShopItem{{GoodsName: "抱枕", GoodsImgURL: "https://example.com/pillow.png"}}},
		Service:  logistics.Service{ServiceType: 1, ServiceName: "test_service_name"},
	}
}

// A shop creates a waybill and keeps its ID and the data to print on the
// label. The fake stands in for WeChat; in production build the client with
// logistics.NewClient and an auth.WeChatTokenSource.
func ExampleClient_AddOrder() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	client, err := wechat.Client()
	if err != nil {
		panic(err)
	}

	resp, err := client.AddOrder(context.Background(), exampleOrder("SHOP-1001"))
	if err != nil {
		panic(err) // *errors.APIError: resp.DeliveryResultCode says why a carrier refused
	}
	fmt.Println(resp.OrderID, resp.WaybillID)
	for _, d := range resp.WaybillData {
		fmt.Printf("%s=%s\n", d.Key, d.Value)
	}
	// Output:
	// SHOP-1001 TEST000000000001
	// TEST_mark=002-02
	// TEST_bagAddr=深圳市
}

// A shop reads a waybill back: its label (base64 HTML) and whether it was
// cancelled.
func ExampleClient_GetOrder() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	client, err := wechat.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	added, err := client.AddOrder(ctx, exampleOrder("SHOP-1002"))
	if err != nil {
		panic(err)
	}

	got, err := client.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "SHOP-1002", DeliveryID: "TEST", WaybillID: added.WaybillID})
	if err != nil {
		panic(err)
	}
	fmt.Println(got.WaybillID, got.OrderStatus == logistics.OrderStatusCancelled, got.PrintHTML != "")
	// Output:
	// TEST000000000001 false true
}

// A shop shows the user where the parcel is. On a test order,
// TestUpdateOrder plays the carrier.
func ExampleClient_GetPath() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	client, err := wechat.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	added, err := client.AddOrder(ctx, exampleOrder("SHOP-1003"))
	if err != nil {
		panic(err)
	}
	err = client.TestUpdateOrder(ctx, &logistics.TestUpdateOrderRequest{
		BizID: logistics.TestBizID, OrderID: "SHOP-1003", DeliveryID: logistics.TestDeliveryID, WaybillID: added.WaybillID,
		ActionTime: 1700000000, ActionType: logistics.ActionPickedUp, ActionMsg: "快递员已揽件",
	})
	if err != nil {
		panic(err)
	}

	path, err := client.GetPath(ctx, &logistics.GetPathRequest{DeliveryID: "TEST", WaybillID: added.WaybillID})
	if err != nil {
		panic(err)
	}
	fmt.Println(path.PathItemNum)
	for _, it := range path.PathItemList {
		fmt.Println(it.ActionTime, it.ActionType, it.ActionMsg)
	}
	// Output:
	// 1
	// 1700000000 100001 快递员已揽件
}

// A carrier reports a tracking event of a waybill it created in answer to
// add_waybill, with the Token that event carried.
func ExampleClient_UpdatePath() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "SHOP-1004", DeliveryID: "YTO", WaybillID: "YT0001"})
	token, _ := wechat.OrderToken("SHOP-1004") // in production: AddWaybillEvent.Token
	client, err := wechat.Client()
	if err != nil {
		panic(err)
	}

	err = client.UpdatePath(context.Background(), &logistics.UpdatePathRequest{
		Token: token, WaybillID: "YT0001",
		ActionTime: 1700003600, ActionType: logistics.ActionOutForDelivery, ActionMsg: "派件员18666666666正在派件",
	})
	fmt.Println(err, len(wechat.Path("SHOP-1004")))
	// Output:
	// <nil> 1
}
