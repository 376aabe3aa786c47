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
