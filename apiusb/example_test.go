package apiusb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	werrors "github.com/waybill-go/waybill/errors"
)

// fakeAPIUSB stands in for https://api.apiusb.com/api/app: it hands out
// the token "demo-token" and cancels any order whose request carries it.
func fakeAPIUSB() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch r.FormValue("s") {
		case "App.Auth.ApplyToken":
			_, _ = io.WriteString(w, `{"ret":200,"data":{"access_token":"demo-token","expires_in":2592000},"msg":""}`)
		case "App.Logistics.CCancelOrder":
			if r.FormValue("access_token") != "demo-token" {
				_, _ = io.WriteString(w, `{"ret":406,"data":null,"msg":"access_token refused"}`)
				return
			}
			if r.FormValue("taskId") == "PICKED-UP" {
				_, _ = io.WriteString(w, `{"ret":200,"data":{"code":601,"message":"已揽收，无法取消","data":""},"msg":""}`)
				return
			}
			_, _ = io.WriteString(w, `{"ret":200,"data":{"code":200,"message":"success","data":"取消成功"},"msg":""}`)
		default:
			_, _ = io.WriteString(w, `{"ret":404,"data":null,"msg":"no such service"}`)
		}
	}))
}

// Cancelling through the provider-neutral waybill.Canceller, on an account
// with signing turned on.
func Example() {
	srv := fakeAPIUSB()
	defer srv.Close()

	tokens, err := apiusb.NewTokenSource("my-app-key", "my-app-secret", apiusb.WithTokenURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	client, err := apiusb.NewClient(apiusb.WithBaseURL(srv.URL), apiusb.WithAccessToken(tokens))
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
// with it.
func ExampleClient_CancelOrder_refused() {
	srv := fakeAPIUSB()
	defer srv.Close()

	tokens, err := apiusb.NewTokenSource("my-app-key", "my-app-secret", apiusb.WithTokenURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	client, err := apiusb.NewClient(apiusb.WithBaseURL(srv.URL), apiusb.WithAccessToken(tokens))
	if err != nil {
		log.Fatal(err)
	}

	resp, err := client.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{
		OrderID: "100012021107633", TaskID: "PICKED-UP", CancelMsg: "不要了",
	})
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("code:", apiErr.Code, "message:", apiErr.Message)
		fmt.Println("ret:", resp.Ret, "data.code:", resp.Data.Code)
		fmt.Println("system error:", errors.Is(err, werrors.ErrSystem))
	}
	// Output:
	// code: 601 message: 已揽收，无法取消
	// ret: 200 data.code: 601
	// system error: false
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
