package logistics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func ewaybillFake(t *testing.T) (*logisticstest.Server, *logistics.EWaybillClient) {
	t.Helper()
	srv := logisticstest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddEWaybill(logisticstest.EWaybill{EWaybillOrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT1"})
	srv.AddEWaybill(logisticstest.EWaybill{EWaybillOrderID: "3878012001699676167", DeliveryID: "SF", WaybillID: "SF1",
		State: logisticstest.EWaybillCarrierRefuses, CarrierMessage: "快件已揽收"})
	c, err := srv.Client(logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c.EWaybill()
}

func TestEWaybillCancel(t *testing.T) {
	t.Parallel()
	srv, ec := ewaybillFake(t)
	ctx := context.Background()
	var c waybill.Canceller = ec
	res, err := c.Cancel(ctx, waybill.CancelRequest{OrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT1"})
	want := waybill.CancelResult{Provider: logistics.ProviderEWaybill, OrderID: "3878012001699676166", WaybillID: "YT1", Message: "ok"}
	if err != nil || *res != want {
		t.Fatalf("Cancel = %+v, %v; want %+v", res, err, want)
	}
	if e, _ := srv.EWaybill("3878012001699676166"); e.State != logisticstest.EWaybillCancelled {
		t.Fatalf("fake's waybill %+v", e)
	}

	for _, c := range []struct {
		name    string
		req     logistics.EWaybillCancelRequest
		code    int
		match   error
		carrier string
	}{
		{"carrier refuses", logistics.EWaybillCancelRequest{EWaybillOrderID: "3878012001699676167", DeliveryID: "SF", WaybillID: "SF1"}, 10025006, werrors.ErrCarrier, "快件已揽收"},
		{"cancelled before", logistics.EWaybillCancelRequest{EWaybillOrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT1"}, 10025006, werrors.ErrCarrier, "the waybill is already cancelled"},
		{"unknown", logistics.EWaybillCancelRequest{EWaybillOrderID: "1", DeliveryID: "YTO", WaybillID: "YT1"}, 10025010, werrors.ErrOrderNotFound, ""},
		{"wrong delivery_id", logistics.EWaybillCancelRequest{EWaybillOrderID: "3878012001699676167", DeliveryID: "YTO", WaybillID: "SF1"}, 10025012, werrors.ErrDeliveryNotFound, ""},
	} {
		resp, err := ec.CancelOrder(ctx, &c.req)
		var apiErr *werrors.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != c.code || !errors.Is(err, c.match) || apiErr.CarrierMessage != c.carrier || apiErr.Provider != logistics.Provider {
			t.Errorf("%s: err = %#v; want %d matching %v", c.name, err, c.code, c.match)
			continue
		}
		if resp == nil || resp.ErrCode != c.code || resp.DeliveryErrorMsg != c.carrier {
			t.Errorf("%s: response %+v", c.name, resp)
		}
	}
}

// 10025011 (update conflict) and 10025030 (carrier timeout) are transient:
// retried, then reported as system errors; 10025021, whose meaning WeChat
// has not published, is a plain refusal.
func TestEWaybillTransientCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	req := &logistics.EWaybillCancelRequest{EWaybillOrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT1"}
	for _, code := range []int{10025011, 10025030} {
		srv, ec := ewaybillFake(t)
		srv.Inject(logisticstest.Fault{Path: logisticstest.PathEWaybillCancelOrder, Errcode: code})
		if _, err := ec.CancelOrder(ctx, req); err != nil {
			t.Errorf("%d once: %v; want the retry's success", code, err)
		}
		srv.AddEWaybill(logisticstest.EWaybill{EWaybillOrderID: req.EWaybillOrderID, DeliveryID: "YTO", WaybillID: "YT1"})
		srv.Inject(logisticstest.Fault{Path: logisticstest.PathEWaybillCancelOrder, Errcode: code, Times: 3})
		_, err := ec.CancelOrder(ctx, req)
		if !errors.Is(err, werrors.ErrSystem) || !werrors.Retryable(err) {
			t.Errorf("%d every time: %v", code, err)
		}
		if n := len(srv.RequestsTo(logisticstest.PathEWaybillCancelOrder)); n != 5 {
			t.Errorf("%d: %d requests, want 2 + 3", code, n)
		}
	}
	srv, ec := ewaybillFake(t)
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathEWaybillCancelOrder, Errcode: 10025021})
	_, err := ec.CancelOrder(ctx, req)
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 10025021 || apiErr.Sentinel != nil || werrors.Retryable(err) {
		t.Fatalf("10025021: %v", err)
	}
}

func TestEWaybillValidation(t *testing.T) {
	t.Parallel()
	ok := logistics.EWaybillCancelRequest{EWaybillOrderID: "18446744073709551615", DeliveryID: "SF", WaybillID: "SF1"}
	cases := []struct {
		name string
		edit func(*logistics.EWaybillCancelRequest)
		want []string
	}{
		{"max uint64", func(*logistics.EWaybillCancelRequest) {}, nil},
		{"empty", func(r *logistics.EWaybillCancelRequest) { *r = logistics.EWaybillCancelRequest{} }, []string{"DeliveryID", "EWaybillOrderID", "WaybillID"}},
		{"overflow", func(r *logistics.EWaybillCancelRequest) { r.EWaybillOrderID = "18446744073709551616" }, []string{"EWaybillOrderID"}},
		{"letters", func(r *logistics.EWaybillCancelRequest) { r.EWaybillOrderID = "12ab" }, []string{"EWaybillOrderID"}},
		{"sign", func(r *logistics.EWaybillCancelRequest) { r.EWaybillOrderID = "+12" }, []string{"EWaybillOrderID"}},
		{"space", func(r *logistics.EWaybillCancelRequest) { r.EWaybillOrderID = " 12" }, []string{"EWaybillOrderID"}},
	}
	for _, c := range cases {
		r := ok
		c.edit(&r)
		wantFields(t, c.name, r.Validate(), c.want...)
	}
	var nilReq *logistics.EWaybillCancelRequest
	wantFields(t, "nil", nilReq.Validate(), "EWaybillCancelRequest")

	srv, ec := ewaybillFake(t)
	_, err := ec.Cancel(context.Background(), waybill.CancelRequest{OrderID: "E-1", WaybillID: "YT1"})
	wantFields(t, "Cancel names CancelRequest's fields", err, "DeliveryID", "OrderID")
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests for invalid input", n)
	}
}
