package apiusb_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	werrors "github.com/waybill-go/waybill/errors"
)

// Cancelling through the provider-neutral waybill.Canceller, on an account
// with signing turned on. An apiusbtest fake stands in for
// https://api.apiusb.com/api/app: it knows the app key and the task, and
// refuses calls without a token it issued.
func Example() {
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired(), apiusbtest.WithApp("my-app-key", "my-app-secret"))
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769"})

	// WithAppKey: the client gets its access tokens itself, with the same
	// base URL, HTTP client, logger and retry policy as its calls.
	client, err := apiusb.NewClient(apiusb.WithBaseURL(srv.URL), apiusb.WithAppKey("my-app-key", "my-app-secret"))
	if err != nil {
		log.Fatal(err)
	}

	var c waybill.Canceller = client
	res, err := c.Cancel(context.Background(), waybill.CancelRequest{
		OrderID:   "100012021107633",
		WaybillID: "BAB7EDF04019A6C7876096B88B611769",
		Reason:    "不要了",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Provider, res.OrderID, res.Message)
	// Output: apiusb 100012021107633 取消成功
}

// A refusal is an *errors.APIError: errors.Is matches its meaning,
// errors.As gives APIUSB's code and message, and the decoded reply comes
// with it. APIUSB documents no business codes; WithDataCodes maps the
// account's own (here the fake's 1001, "picked up") to the SDK's sentinels,
// so that provider-neutral code branches on them as it does for WeChat.
func ExampleWithDataCodes() {
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "PICKED-UP", State: apiusbtest.TaskPickedUp})

	client, err := apiusb.NewClient(apiusb.WithBaseURL(srv.URL), apiusb.WithDataCodes(map[int]error{
		1001: werrors.ErrAlreadyHasTrace, // picked up: too late
		1002: werrors.ErrDuplicateCancel, // cancelled before
	}))
	if err != nil {
		log.Fatal(err)
	}

	resp, err := client.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{
		OrderID: "100012021107633", TaskID: "PICKED-UP", CancelMsg: "不要了",
	})
	fmt.Println("too late:", errors.Is(err, werrors.ErrAlreadyHasTrace))
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("code:", apiErr.Code, "message:", apiErr.Message)
		fmt.Println("ret:", resp.Ret, "data.code:", resp.Data.Code)
		fmt.Println("retry later:", werrors.Retryable(err))
	}
	// Output:
	// too late: true
	// code: 1001 message: task already picked up, cannot cancel
	// ret: 200 data.code: 1001
	// retry later: false
}

// Without an access token (accounts without signing) a missing field is
// refused before anything is sent.
func ExampleClient_Cancel_validation() {
	client, err := apiusb.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Cancel(context.Background(), waybill.CancelRequest{OrderID: "100012021107633", WaybillID: "BAB7"})
	fmt.Println(errors.Is(err, werrors.ErrInvalidParam))
	fmt.Println(err)
	// Output:
	// true
	// waybill: invalid parameter Reason: is required (APIUSB parameter cancelMsg)
}
