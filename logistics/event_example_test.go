package logistics_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A carrier mounts the handler at the URL it configured for message push,
// then checks it the way WeChat will call it.
func ExampleNewEventHandler() {
	const (
		token = "push-token"                                  // the console's Token
		key   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // its EncodingAESKey
		appID = "wxcarrier00000001"                           // the carrier mini program
	)
	pickedUp := map[string]bool{"555000111": true}

	handler, err := logistics.NewEventHandler(logistics.EventConfig{
		Token:          token,
		EncodingAESKey: key,
		AppID:          appID,
		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
			// Check ev.BizID and ev.BizPwd against the shop's account here.
			if pickedUp[ev.WayBillID] {
				return fmt.Errorf("waybill %s: %w", ev.WayBillID, werrors.ErrAlreadyPickedUp)
			}
			return nil // cancelled: ResultCode 0
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/wechat/push", handler)
	// In production: http.ListenAndServe(addr, mux) behind TLS.

	// In a test, play WeChat's part: a safe-mode JSON push, signed and
	// encrypted; the answer is verified and decrypted.
	wechat := &logisticstest.Pusher{
		Token: token, EncodingAESKey: key, AppID: appID,
		Format: logisticstest.FormatJSON, Safe: true, Path: "/wechat/push",
	}
	ctx := context.Background()
	if err := wechat.Check(ctx, mux); err != nil { // the console's URL check
		log.Fatal(err)
	}
	ev := logisticstest.SampleCancelWaybillEvent()
	for _, waybill := range []string{"123456789", "555000111"} {
		ev.WayBillID = waybill
		reply, err := wechat.Push(ctx, mux, ev)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(reply.WayBillID, reply.ResultCode, reply.ResultMsg)
	}
	// Output:
	// 123456789 0 success
	// 555000111 30002 already picked up
}

// The same push over HTTP, as a self-test of a running server would send it.
func ExampleEventHandler_overHTTP() {
	handler, err := logistics.NewEventHandler(logistics.EventConfig{
		Token: "push-token", // plain mode: no EncodingAESKey
		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
			return werrors.ErrCancelNotSupported
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()

	wechat := &logisticstest.Pusher{Token: "push-token", Format: logisticstest.FormatXML, Client: srv.Client()}
	reply, err := wechat.PushURL(context.Background(), srv.URL, logisticstest.SampleCancelWaybillEvent())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(reply.ToUserName, reply.ResultCode, reply.ResultMsg)
	// Output: oABCD 30004 cancellation not supported
}

func ExampleResultCode() {
	err := fmt.Errorf("waybill 123: %w", werrors.ErrInvalidWaybill)
	code := logistics.ResultCode(err)
	fmt.Println(code, logistics.ResultMessage(code))
	fmt.Println(logistics.ResultCode(nil), logistics.ResultCode(fmt.Errorf("db down")))
	// Output:
	// 30003 invalid waybill
	// 0 -1
}

// A carrier answers every event of 物流助手 on one URL: accounts checked,
// balances, new waybills and cancellations.
func ExampleEventConfig() {
	const token, key, appID = "push-token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxcarrier00000001"
	login := func(bizID, bizPwd string) error {
		if bizID != "xyz" {
			return &logistics.ResultError{Code: logistics.ResultBizNotFound}
		}
		if bizPwd != "xyz123" {
			return &logistics.ResultError{Code: logistics.ResultWrongPassword}
		}
		return nil
	}
	handler, err := logistics.NewEventHandler(logistics.EventConfig{
		Token: token, EncodingAESKey: key, AppID: appID,
		OnCheckBiz: func(ctx context.Context, ev *logistics.CheckBizEvent) error {
			return login(ev.BizID, ev.BizPwd)
		},
		OnGetQuota: func(ctx context.Context, ev *logistics.GetQuotaEvent) (int, error) {
			return 1500, login(ev.BizID, ev.BizPwd)
		},
		OnAddWaybill: func(ctx context.Context, ev *logistics.AddWaybillEvent) (*logistics.AddWaybillResult, error) {
			if err := login(ev.BizID, ev.BizPwd); err != nil {
				return nil, err
			}
			// Keep ev.Token for path/update; make the waybill.
			return &logistics.AddWaybillResult{WayBillID: "SF0000000001", WaybillData: "##SF_bagAddr##" + ev.Receiver.City + "##"}, nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	wechat := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID, Safe: true}
	ctx := context.Background()
	r, err := wechat.PushEvent(ctx, handler, logisticstest.SampleCheckBizEvent())
	if err != nil {
		log.Fatal(err)
	}
	check, _ := r.Quota()
	fmt.Println("check_biz:", check.ResultCode, check.Quota)

	wrong := logisticstest.SampleGetQuotaEvent()
	wrong.BizPwd = "guess"
	r, err = wechat.PushEvent(ctx, handler, wrong)
	if err != nil {
		log.Fatal(err)
	}
	quota, _ := r.Quota()
	fmt.Println("get_quota:", quota.ResultCode, quota.ResultMsg)

	r, err = wechat.PushEvent(ctx, handler, logisticstest.SampleAddWaybillEvent())
	if err != nil {
		log.Fatal(err)
	}
	add, _ := r.AddWaybill()
	fmt.Println("add_waybill:", add.ResultCode, add.WayBillID, add.WaybillData)
	// Output:
	// check_biz: 0 1500
	// get_quota: 10002 wrong business password
	// add_waybill: 0 SF0000000001 ##SF_bagAddr##广州市##
}

// WeChat retries an event it got no timely answer to. The handler's store
// answers the retry with the first answer, without calling back again.
func ExampleEventHandler_retry() {
	calls := 0
	handler, err := logistics.NewEventHandler(logistics.EventConfig{
		Token: "push-token", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AppID: "wxcarrier00000001",
		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
			calls++
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	wechat := &logisticstest.Pusher{Token: "push-token", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AppID: "wxcarrier00000001", Safe: true}
	for range 3 { // the push and two retries, each signed anew
		reply, err := wechat.Push(context.Background(), handler, logisticstest.SampleCancelWaybillEvent())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(reply.ResultCode, " ")
	}
	fmt.Println("callback ran", calls, "time")
	// Output: 0 0 0 callback ran 1 time
}
