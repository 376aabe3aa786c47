package logisticstest_test

import (
	"context"
	"errors"
	"fmt"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A shop backend's test seeds the fake's order book and checks how its code
// copes with each answer.
func ExampleServer() {
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	srv.AddOrder(logisticstest.Order{OrderID: "o-2", DeliveryID: "SF", WaybillID: "w-2", State: logisticstest.OrderHasTrace})

	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	for _, id := range []string{"o-1", "o-2"} {
		_, err := client.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: id, DeliveryID: "SF", WaybillID: "w" + id[1:]})
		fmt.Println(id, err == nil, errors.Is(err, werrors.ErrAlreadyHasTrace))
	}
	o, _ := srv.Order("o-1")
	fmt.Println("o-1 is now", o.State)
	fmt.Println(len(srv.RequestsTo(logisticstest.PathCancelOrder)), "cancel requests,", srv.TokenFetches(), "token fetch")
	// Output:
	// o-1 true false
	// o-2 false true
	// o-1 is now cancelled
	// 2 cancel requests, 1 token fetch
}

// Faults make the fake misbehave: here two system errors, which the client
// retries through.
func ExampleServer_Inject() {
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, Times: 2, Errcode: -1})

	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	_, err = client.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	fmt.Println(err, len(srv.RequestsTo(logisticstest.PathCancelOrder)))
	// Output: <nil> 3
}
