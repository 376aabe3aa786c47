// Command shop-flow runs a whole life of WeChat 物流助手 waybills offline,
// against an in-process fake of WeChat, the way a shop backend drives it:
//
//  1. order/add creates a waybill and returns the data to print on the label;
//  2. test_update_order plays the carrier: the courier collects the parcel;
//  3. path/get shows the tracking events;
//  4. order/cancel is refused, because the parcel already moved
//     (errors.ErrAlreadyHasTrace);
//  5. a second order is added, cancelled, and order/get shows it cancelled.
//
// Run it with:
//
//	go run ./examples/shop-flow
//
// It reads no environment variable (-h says so, with the one flag). It exits
// 0 when every step behaved as described, 1 otherwise, and 2 for bad usage. The orders use WeChat's sandbox carrier TEST, whose orders
// test_update_order can move.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/examples/internal/explain"
	"github.com/waybill-go/waybill/examples/internal/usage"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("shop-flow", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	cmd := &usage.Command{
		Synopsis: "shop-flow [-timeout d]",
		About: `Runs a shop's whole waybill life against an in-process fake of WeChat's
物流助手: add an order and print its label data, let the carrier report
tracking events, see a cancellation refused because the parcel moved, then
add and cancel a second order. Needs no network, no credentials and no input.

Exit status: 0 when every step behaved as described, 1 otherwise, 2 for bad
usage.`,
		Flags:    fs,
		Examples: []string{"go run ./examples/shop-flow"},
		Stdout:   stdout, Stderr: stderr,
	}
	if code, goOn := cmd.Parse(args); !goOn {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := flow(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, "shop-flow:", err)
		return usage.Failed
	}
	return usage.OK
}

// order is a sandbox order for the carrier TEST.
func order(id string) *logistics.AddOrderRequest {
	return &logistics.AddOrderRequest{
		AddSource: logistics.AddSourceMiniProgram, OrderID: id, OpenID: "oUser123",
		DeliveryID: logistics.TestDeliveryID, BizID: logistics.TestBizID,
		Sender:   logistics.Contact{Name: "张三", Mobile: "18666666666", Province: "广东省", City: "广州市", Area: "海珠区", Address: "XX路1号"},
		Receiver: logistics.Contact{Name: "李四", Mobile: "18610000000", Province: "广东省", City: "深圳市", Area: "南山区", Address: "YY路2号"},
		Cargo:    logistics.Cargo{Count: 1, Weight: 1.2, SpaceX: 20, SpaceY: 15, SpaceZ: 10, DetailList: []logistics.CargoItem{{Name: "抱枕", Count: 1}}},
		Shop:     logistics.Shop{WxaPath: "/pages/order?id=" + id, DetailList: []logistics.ShopItem{{GoodsName: "抱枕", GoodsImgURL: "https://example.com/pillow.png"}}},
		Insured:  logistics.Insured{UseInsured: 1, InsuredValue: 5000},
		Service:  logistics.Service{ServiceType: 1, ServiceName: "test_service_name"},
	}
}

func flow(ctx context.Context, out io.Writer) error {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	client, err := wechat.Client()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "WeChat: an in-process fake")

	fmt.Fprintln(out, "1. Add order SHOP-2001")
	first, err := client.AddOrder(ctx, order("SHOP-2001"))
	if err != nil {
		return fmt.Errorf("adding SHOP-2001: %w", err)
	}
	fmt.Fprintf(out, "   -> waybill %s; print on the label:\n", first.WaybillID)
	for _, d := range first.WaybillData {
		fmt.Fprintf(out, "      %s = %s\n", d.Key, d.Value)
	}

	fmt.Fprintln(out, "2. The carrier reports the parcel collected and in transit")
	for i, ev := range []struct {
		typ int
		msg string
	}{{logistics.ActionPickedUp, "快递员已揽件"}, {logistics.ActionInTransit, "到达深圳转运中心"}} {
		err := client.TestUpdateOrder(ctx, &logistics.TestUpdateOrderRequest{
			BizID: logistics.TestBizID, OrderID: "SHOP-2001", DeliveryID: logistics.TestDeliveryID, WaybillID: first.WaybillID,
			ActionTime: 1700000000 + int64(i)*3600, ActionType: ev.typ, ActionMsg: ev.msg,
		})
		if err != nil {
			return fmt.Errorf("reporting a path event: %w", err)
		}
	}

	fmt.Fprintln(out, "3. Where is it?")
	path, err := client.GetPath(ctx, &logistics.GetPathRequest{OrderID: "SHOP-2001", DeliveryID: logistics.TestDeliveryID, WaybillID: first.WaybillID})
	if err != nil {
		return fmt.Errorf("reading the path: %w", err)
	}
	for _, it := range path.PathItemList {
		fmt.Fprintf(out, "   %s  %d  %s\n", time.Unix(it.ActionTime, 0).UTC().Format("2006-01-02 15:04 UTC"), it.ActionType, it.ActionMsg)
	}

	fmt.Fprintln(out, "4. Cancel SHOP-2001")
	_, err = client.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "SHOP-2001", DeliveryID: logistics.TestDeliveryID, WaybillID: first.WaybillID})
	outcome, says := explain.Cancel(err)
	fmt.Fprintf(out, "   -> %s\n      next: %s\n", says, outcome.Advice())
	if !errors.Is(err, werrors.ErrAlreadyHasTrace) {
		return fmt.Errorf("cancelling a moving parcel: want ErrAlreadyHasTrace, got %v", err)
	}

	fmt.Fprintln(out, "5. Add order SHOP-2002 and cancel it before pickup")
	second, err := client.AddOrder(ctx, order("SHOP-2002"))
	if err != nil {
		return fmt.Errorf("adding SHOP-2002: %w", err)
	}
	_, err = client.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "SHOP-2002", DeliveryID: logistics.TestDeliveryID, WaybillID: second.WaybillID})
	_, says = explain.Cancel(err)
	fmt.Fprintf(out, "   -> waybill %s: %s\n", second.WaybillID, says)
	if err != nil {
		return fmt.Errorf("cancelling SHOP-2002: %w", err)
	}
	got, err := client.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "SHOP-2002", DeliveryID: logistics.TestDeliveryID, WaybillID: second.WaybillID})
	if err != nil {
		return fmt.Errorf("reading SHOP-2002: %w", err)
	}
	if got.OrderStatus != logistics.OrderStatusCancelled {
		return fmt.Errorf("SHOP-2002 has order_status %d after cancelling", got.OrderStatus)
	}
	fmt.Fprintln(out, "   -> order/get confirms: order_status 1 (cancelled)")
	return nil
}
