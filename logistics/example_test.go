package logistics_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A shop backend cancels a waybill. The fake stands in for WeChat; in
// production leave out WithBaseURL.
func ExampleClient_CancelOrder() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "01234567890123456789", DeliveryID: "SF", WaybillID: "123456789"})

	client, err := logistics.NewAppClient(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret,
		logistics.WithBaseURL(wechat.URL))
	if err != nil {
		panic(err)
	}

	req := &logistics.CancelOrderRequest{OrderID: "01234567890123456789", DeliveryID: "SF", WaybillID: "123456789"}
	resp, err := client.CancelOrder(context.Background(), req)
	fmt.Println(resp.ErrCode, resp.ErrMsg, err)

	// Cancelling again is refused as a duplicate.
	_, err = client.CancelOrder(context.Background(), req)
	fmt.Println(errors.Is(err, werrors.ErrDuplicateCancel))
	// Output:
	// 0 ok <nil>
	// true
}

// The carrier's own refusal code travels in the *errors.APIError.
func ExampleClient_CancelOrder_carrierRefusal() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{
		OrderID: "o-7", DeliveryID: "SF", WaybillID: "w-7",
		State: logisticstest.OrderCarrierRefuses, CarrierCode: 2001, CarrierMessage: "courier dispatched",
	})
	client, err := wechat.Client()
	if err != nil {
		panic(err)
	}

	_, err = client.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: "o-7", DeliveryID: "SF", WaybillID: "w-7"})
	var apiErr *werrors.APIError
	if errors.Is(err, werrors.ErrCarrier) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, apiErr.CarrierCode, apiErr.CarrierMessage)
	}
	// Output:
	// 9300501 2001 courier dispatched
}

// Client implements waybill.Canceller, so provider-neutral code can use it.
func ExampleClient_Cancel() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "YTO", WaybillID: "w-1"})
	client, err := wechat.Client()
	if err != nil {
		panic(err)
	}

	var c waybill.Canceller = client
	res, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "w-1", DeliveryID: "YTO"})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s cancelled %s: %s\n", res.Provider, res.WaybillID, res.Message)

	// Required fields are checked before anything is sent.
	_, err = c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "w-1"})
	fmt.Println(err)
	// Output:
	// wechat cancelled w-1: ok
	// waybill: invalid parameter DeliveryID: is required
}

// In WeChat Cloud Hosting, calls carry no access token: say so explicitly.
func ExampleNewClient_cloudHosting() {
	client, err := logistics.NewClient(auth.NoToken(), logistics.WithBaseURL("http://api.weixin.qq.com"))
	fmt.Println(client != nil, err)

	// A nil token source is a mistake, not a request for Cloud Hosting.
	_, err = logistics.NewClient(nil)
	fmt.Println(err)
	// Output:
	// true <nil>
	// logistics: NewClient: nil TokenSource (use auth.NoToken() for WeChat Cloud Hosting)
}

// NewAppClient takes the settings once: the HTTP client, logger, retry
// policy and User-Agent reach the token source it builds, and options only
// a token source has go through WithTokenOptions, here the store every
// process of the app shares (a redisstore.Store in production).
func ExampleNewAppClient() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	shared := auth.NewMemoryStore()

	client, err := logistics.NewAppClient(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret,
		logistics.WithBaseURL(wechat.URL),
		logistics.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}),
		logistics.WithUserAgent("myshop/2.1"),
		logistics.WithTokenOptions(auth.WithStore(shared)))
	if err != nil {
		panic(err)
	}
	_, err = client.GetAllDelivery(context.Background())
	fmt.Println(err, wechat.RequestsTo(logisticstest.PathStableToken)[0].Method)

	// A wrong AppSecret is a configuration problem, not a reason to retry.
	bad, _ := logistics.NewAppClient(logisticstest.DefaultAppID, "wrong-secret", logistics.WithBaseURL(wechat.URL))
	_, err = bad.GetAllDelivery(context.Background())
	fmt.Println(errors.Is(err, werrors.ErrInvalidCredentials), werrors.Retryable(err))
	// Output:
	// <nil> POST
	// true false
}
