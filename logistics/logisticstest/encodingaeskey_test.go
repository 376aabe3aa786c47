package logisticstest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func TestNewEncodingAESKey(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 20 {
		key := logisticstest.NewEncodingAESKey()
		if len(key) != 43 || seen[key] {
			t.Fatalf("key %q: length %d, seen before %v", key, len(key), seen[key])
		}
		seen[key] = true
		h, err := logistics.NewEventHandler(logistics.EventConfig{Token: "token", EncodingAESKey: key, AppID: "wxcarrier0000001",
			OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { return nil }})
		if err != nil {
			t.Fatalf("the handler refuses %q: %v", key, err)
		}
		p := &logisticstest.Pusher{Token: "token", EncodingAESKey: key, AppID: "wxcarrier0000001", Safe: true}
		if reply, err := p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent()); err != nil || reply.ResultCode != 0 {
			t.Fatalf("push with %q: %+v, %v", key, reply, err)
		}
	}
}

// A carrier's test of its own handler needs no key typed by hand.
func ExampleNewEncodingAESKey() {
	key := logisticstest.NewEncodingAESKey()
	h, err := logistics.NewEventHandler(logistics.EventConfig{Token: "token", EncodingAESKey: key, AppID: "wxcarrier0000001",
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { return nil }})
	if err != nil {
		panic(err)
	}
	p := &logisticstest.Pusher{Token: "token", EncodingAESKey: key, AppID: "wxcarrier0000001", Safe: true}
	reply, err := p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
	fmt.Println(len(key), reply.ResultCode, err)
	// Output: 43 0 <nil>
}
