package apiusbtest_test

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

// A test seeds a task, cancels it through a client the fake configures, and
// checks both the answer and what the fake saw.
func ExampleServer() {
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769"})

	client, err := srv.Client() // base URL and a token source for DefaultAppKey
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{
		OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769", CancelMsg: "不要了",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Ret, resp.Data.Code, resp.Data.Data)

	task, _ := srv.Task("BAB7EDF04019A6C7876096B88B611769")
	fmt.Println("task:", task.State)
	cancels := srv.RequestsTo(apiusbtest.ServiceCancelOrder)
	fmt.Println("requests:", len(cancels), "cancelMsg:", cancels[0].Params.Get("cancelMsg"), "token fetches:", srv.TokenFetches())
	// Output:
	// 200 200 取消成功
	// task: cancelled
	// requests: 1 cancelMsg: 不要了 token fetches: 1
}

// The task book answers with the fake's own data.code for tasks that cannot
// be cancelled any more.
func ExampleServer_SetTaskState() {
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o-1", TaskID: "t-1"})
	srv.SetTaskState("t-1", apiusbtest.TaskPickedUp) // the courier has it now

	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "t-1", Reason: "changed my mind"})
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) && apiErr.Code == apiusbtest.CodePickedUp {
		fmt.Println("too late:", apiErr.Message)
	}
	// Output: too late: task already picked up, cannot cancel
}

// Injected faults test a caller's error handling: here APIUSB has a system
// error twice, which the client retries.
func ExampleServer_Inject() {
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o-1", TaskID: "t-1"})
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceCancelOrder, Times: 2, Ret: 503, Msg: "Service Unavailable"})

	client, err := srv.Client(apiusb.WithRetry(waybill.RetryPolicy{MaxAttempts: 3}))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "t-1", Reason: "不要了"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Message, "after", len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)), "attempts")
	// Output: 取消成功 after 3 attempts
}
