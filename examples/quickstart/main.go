// Command quickstart is the SDK's main job in one run: it cancels shipments
// at WeChat and at APIUSB through the one waybill.Canceller interface, and
// shows how a shop backend reads the typed errors that come back. Offline
// it also cancels a WeChat 同城配送 order (sealed with WeChat API security,
// and charged a penalty) and a 微信小店 electronic waybill.
//
// By default it starts in-process fakes of both providers, so it needs no
// network and no configuration:
//
//	go run ./examples/quickstart
//
// Environment variables point a provider at the real service instead (see
// the README): WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_ORDER_ID,
// WECHAT_WAYBILL_ID, WECHAT_DELIVERY_ID (and optionally WECHAT_OPENID and
// WECHAT_BASE_URL) for WeChat; APIUSB_ORDER_ID, APIUSB_TASK_ID, APIUSB_CANCEL_MSG and either
// APIUSB_ACCESS_TOKEN or APIUSB_APP_KEY plus APIUSB_APP_SECRET (only for
// accounts with signing on; optionally APIUSB_BASE_URL) for APIUSB. Against
// a real service it cancels just the one order given.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/examples/internal/explain"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// step is one cancellation to try and what it is meant to show.
type step struct {
	title string
	via   waybill.Canceller
	req   waybill.CancelRequest
}

func run(ctx context.Context, getenv func(string) string, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	wechatSteps, closeWeChat, err := wechat(getenv, out)
	if err != nil {
		return err
	}
	defer closeWeChat()
	apiusbSteps, closeAPIUSB, err := apiusbSetup(getenv, out)
	if err != nil {
		return err
	}
	defer closeAPIUSB()

	fmt.Fprintln(out)
	for i, s := range append(wechatSteps, apiusbSteps...) {
		fmt.Fprintf(out, "%d. %s\n", i+1, s.title)
		res, err := s.via.Cancel(ctx, s.req)
		report(out, res, err)
	}
	return nil
}

// report prints what a shop backend would conclude from a Cancel call.
func report(out io.Writer, res *waybill.CancelResult, err error) {
	outcome, says := explain.Cancel(err)
	if err == nil {
		fmt.Fprintf(out, "   -> %s by %s, which said %q\n", says, res.Provider, res.Message)
		if res.DeductFee != 0 {
			fmt.Fprintf(out, "      penalty deducted: ¥%d.%02d (%d fen)\n", res.DeductFee/100, res.DeductFee%100, res.DeductFee)
		}
	} else {
		fmt.Fprintf(out, "   -> %s\n", says)
	}
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) {
		fmt.Fprintf(out, "      %s answered code %d", apiErr.Provider, apiErr.Code)
		if apiErr.RequestID != "" {
			fmt.Fprintf(out, " (request ID %s, for support)", apiErr.RequestID)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "      next: %s\n", outcome.Advice())
}

// wechat returns the WeChat steps: against the real API when WECHAT_APP_ID
// is set, otherwise against a fake seeded to show the common answers.
func wechat(getenv func(string) string, out io.Writer) ([]step, func(), error) {
	if appID := getenv("WECHAT_APP_ID"); appID != "" {
		base := logistics.DefaultBaseURL
		if u := getenv("WECHAT_BASE_URL"); u != "" {
			base = u
		}
		client, err := logistics.NewAppClient(appID, getenv("WECHAT_APP_SECRET"), logistics.WithBaseURL(base))
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(out, "WeChat: the API at", base)
		return []step{{
			title: "Cancel the WeChat waybill from WECHAT_WAYBILL_ID",
			via:   client,
			req: waybill.CancelRequest{
				OrderID: getenv("WECHAT_ORDER_ID"), WaybillID: getenv("WECHAT_WAYBILL_ID"),
				DeliveryID: getenv("WECHAT_DELIVERY_ID"), OpenID: getenv("WECHAT_OPENID"),
			},
		}}, func() {}, nil
	}

	fake := logisticstest.NewServer()
	fake.AddOrder(logisticstest.Order{OrderID: "SHOP-1001", DeliveryID: "SF", WaybillID: "SF1234567890"})
	fake.AddOrder(logisticstest.Order{OrderID: "SHOP-1002", DeliveryID: "YTO", WaybillID: "YT9876543210", State: logisticstest.OrderPickedUp})
	// 同城配送 (same-city delivery): a courier has accepted this one.
	fake.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "2000000000000042007", StoreOrderID: "SHOP-2001", WxStoreID: "4000000000000042001",
		Status: logistics.IntracityOrderAccepted})
	// 微信小店 电子面单: an electronic waybill the shop issued.
	fake.AddEWaybill(logisticstest.EWaybill{EWaybillOrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT3410779063070"})
	// 同城配送 requires WeChat API security: the fake hands out keys that
	// match its own (in production: the console's API security page).
	client, err := fake.Client(logistics.WithAPISecurity(fake.APISecurity()))
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	fmt.Fprintln(out, "WeChat: an in-process fake (set WECHAT_APP_ID and friends to use the real API)")
	open := waybill.CancelRequest{OrderID: "SHOP-1001", WaybillID: "SF1234567890", DeliveryID: "SF"}
	return []step{
		{title: "WeChat: cancel order SHOP-1001 (waybill SF1234567890, not yet collected)", via: client, req: open},
		{title: "WeChat: cancel the same order again (errors.Is ErrDuplicateCancel)", via: client, req: open},
		{title: "WeChat: cancel order SHOP-1002, whose parcel the courier has (errors.Is ErrAlreadyHasTrace)", via: client,
			req: waybill.CancelRequest{OrderID: "SHOP-1002", WaybillID: "YT9876543210", DeliveryID: "YTO"}},
		{title: "WeChat: cancel without a delivery company (checked before sending, ErrInvalidParam)", via: client,
			req: waybill.CancelRequest{OrderID: "SHOP-1003", WaybillID: "SF000"}},
		{title: "WeChat 同城配送: cancel order 2000000000000042007, which a courier accepted (sealed with API security; a penalty)", via: client.Intracity(),
			req: waybill.CancelRequest{OrderID: "SHOP-2001", WaybillID: "2000000000000042007", Reason: "customer changed their mind"}},
		{title: "WeChat 微信小店: cancel electronic waybill YT3410779063070 (ewaybill_order_id 3878012001699676166)", via: client.EWaybill(),
			req: waybill.CancelRequest{OrderID: "3878012001699676166", WaybillID: "YT3410779063070", DeliveryID: "YTO"}},
	}, fake.Close, nil
}

// apiusbSetup returns the APIUSB steps: against the real service when
// APIUSB_ORDER_ID is set, otherwise against a fake.
func apiusbSetup(getenv func(string) string, out io.Writer) ([]step, func(), error) {
	if orderID := getenv("APIUSB_ORDER_ID"); orderID != "" {
		var opts []apiusb.Option
		if u := getenv("APIUSB_BASE_URL"); u != "" {
			opts = append(opts, apiusb.WithBaseURL(u))
		}
		switch {
		case getenv("APIUSB_ACCESS_TOKEN") != "":
			opts = append(opts, apiusb.WithAccessToken(auth.StaticToken(getenv("APIUSB_ACCESS_TOKEN"))))
		case getenv("APIUSB_APP_KEY") != "":
			opts = append(opts, apiusb.WithAppKey(getenv("APIUSB_APP_KEY"), getenv("APIUSB_APP_SECRET")))
		}
		client, err := apiusb.NewClient(opts...)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(out, "APIUSB: the configured service")
		return []step{{
			title: "Cancel the APIUSB order from APIUSB_ORDER_ID",
			via:   client,
			req:   waybill.CancelRequest{OrderID: orderID, WaybillID: getenv("APIUSB_TASK_ID"), Reason: getenv("APIUSB_CANCEL_MSG")},
		}}, func() {}, nil
	}

	fake := apiusbtest.NewServer()
	fake.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769"})
	fake.AddTask(apiusbtest.Task{OrderID: "100012021107634", TaskID: "C1D2E3F4", State: apiusbtest.TaskPickedUp})
	client, err := fake.Client()
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	fmt.Fprintln(out, "APIUSB: an in-process fake (set APIUSB_ORDER_ID and friends to use the real service)")
	return []step{
		{title: "APIUSB: cancel order 100012021107633 (task BAB7EDF0…)", via: client,
			req: waybill.CancelRequest{OrderID: "100012021107633", WaybillID: "BAB7EDF04019A6C7876096B88B611769", Reason: "不要了"}},
		{title: "APIUSB: cancel order 100012021107634, already picked up (the account's code 1001, mapped with apiusb.WithDataCodes)", via: client,
			req: waybill.CancelRequest{OrderID: "100012021107634", WaybillID: "C1D2E3F4", Reason: "不要了"}},
		{title: "APIUSB: cancel without a reason (checked before sending, ErrInvalidParam)", via: client,
			req: waybill.CancelRequest{OrderID: "100012021107633", WaybillID: "BAB7EDF04019A6C7876096B88B611769"}},
	}, fake.Close, nil
}
