package logisticstest_test

import (
	"context"
	"sync"
	"testing"

	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A shop's handler gets add_express_path from the fake whenever the track
// of one of its waybills grows, as it would from WeChat.
func TestExpressPathPushes(t *testing.T) {
	t.Parallel()
	key := logisticstest.NewEncodingAESKey()
	var mu sync.Mutex
	var got []*logistics.ExpressPathEvent
	shop, err := logistics.NewEventHandler(logistics.EventConfig{Token: "shop-token", EncodingAESKey: key, AppID: "wxshop0000000001",
		OnExpressPath: func(_ context.Context, ev *logistics.ExpressPathEvent) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, ev)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	p := &logisticstest.Pusher{Token: "shop-token", EncodingAESKey: key, AppID: "wxshop0000000001", Safe: true, Format: logisticstest.FormatJSON}
	srv := logisticstest.NewServer(logisticstest.WithExpressPathPush(shop, p))
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	added, err := c.AddOrder(ctx, testOrder("P-1"))
	if err != nil {
		t.Fatal(err)
	}
	for i, step := range []struct {
		typ int
		msg string
	}{{logistics.ActionPickedUp, "揽件成功"}, {logistics.ActionInTransit, "运输中"}} {
		req := logistics.TestUpdateOrderRequest{BizID: logistics.TestBizID, OrderID: "P-1", DeliveryID: logistics.TestDeliveryID,
			WaybillID: added.WaybillID, ActionTime: int64(1700000000 + i), ActionType: step.typ, ActionMsg: step.msg}
		if err := c.TestUpdateOrder(ctx, &req); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || srv.PathPushErrors() != nil {
		t.Fatalf("%d pushes, errors %v", len(got), srv.PathPushErrors())
	}
	last := got[1]
	if last.OrderID != "P-1" || last.WayBillID != added.WaybillID || last.Version != 2 || last.Count != 2 ||
		len(last.Actions) != 2 || last.Actions[1].ActionType != logistics.ActionInTransit || last.Actions[1].ActionMsg != "运输中" {
		t.Fatalf("last push %+v", last)
	}
}

// A shop handler that refuses the push (here: another push Token) shows in
// PathPushErrors; the API call that caused it still succeeds.
func TestExpressPathPushRefused(t *testing.T) {
	t.Parallel()
	shop, err := logistics.NewEventHandler(logistics.EventConfig{Token: "shop-token",
		OnExpressPath: func(context.Context, *logistics.ExpressPathEvent) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	srv := logisticstest.NewServer(logisticstest.WithExpressPathPush(shop, &logisticstest.Pusher{Token: "other-token"}))
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	added, err := c.AddOrder(ctx, testOrder("P-2"))
	if err != nil {
		t.Fatal(err)
	}
	req := logistics.TestUpdateOrderRequest{BizID: logistics.TestBizID, OrderID: "P-2", DeliveryID: logistics.TestDeliveryID,
		WaybillID: added.WaybillID, ActionTime: 1700000000, ActionType: logistics.ActionPickedUp, ActionMsg: "揽件成功"}
	if err := c.TestUpdateOrder(ctx, &req); err != nil {
		t.Fatal(err)
	}
	if errs := srv.PathPushErrors(); len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
}
