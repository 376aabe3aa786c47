package logistics_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// intracityFake starts the fake with a few 同城配送 orders and returns a
// client sealing its calls with the fake's keys.
func intracityFake(t *testing.T, opts ...logistics.Option) (*logisticstest.Server, *logistics.IntracityClient) {
	t.Helper()
	srv := logisticstest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "WX-OPEN", WxStoreID: "S1", StoreOrderID: "shop-1"})
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "WX-RIDER", Status: logistics.IntracityOrderAccepted})
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "WX-DONE", Status: logistics.IntracityOrderDelivered})
	c, err := srv.Client(append([]logistics.Option{logistics.WithAPISecurity(srv.APISecurity()),
		logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c.Intracity()
}

func TestIntracityCancelOrder(t *testing.T) {
	t.Parallel()
	srv, ic := intracityFake(t)
	ctx := context.Background()

	resp, err := ic.CancelOrder(ctx, &logistics.IntracityCancelRequest{WxStoreID: "S1", StoreOrderID: "shop-1", CancelReasonID: logistics.IntracityReasonWrongInfo})
	if err != nil || resp.WxOrderID != "WX-OPEN" || resp.OrderStatus != logistics.IntracityOrderCancelledByShop || resp.DeductFee != 0 || resp.AppID != logisticstest.DefaultAppID {
		t.Fatalf("open order: %+v, %v", resp, err)
	}
	resp, err = ic.CancelOrder(ctx, &logistics.IntracityCancelRequest{WxOrderID: "WX-RIDER", CancelReasonID: logistics.IntracityReasonNoCourier})
	if err != nil || resp.DeductFee != logisticstest.IntracityPenalty {
		t.Fatalf("order with a courier: %+v, %v; want the penalty", resp, err)
	}
	if o, _ := srv.IntracityOrder("WX-RIDER"); o.Status != logistics.IntracityOrderCancelledByShop || o.DeductFee != logisticstest.IntracityPenalty || o.CancelTime == 0 {
		t.Fatalf("fake's order %+v", o)
	}

	for _, c := range []struct {
		id    string
		code  int
		match error
	}{
		{"WX-OPEN", 934018, werrors.ErrDuplicateCancel},
		{"WX-DONE", 934017, werrors.ErrAlreadyHasTrace},
		{"WX-NONE", 934016, werrors.ErrOrderNotFound},
	} {
		resp, err := ic.CancelOrder(ctx, &logistics.IntracityCancelRequest{WxOrderID: c.id, CancelReasonID: 1})
		var apiErr *werrors.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != c.code || !errors.Is(err, c.match) || apiErr.RequestID == "" || resp == nil || resp.ErrCode != c.code {
			t.Errorf("%s: %+v, %v; want errcode %d matching %v", c.id, resp, err, c.code, c.match)
		}
	}
}

func TestIntracityQueryOrder(t *testing.T) {
	t.Parallel()
	_, ic := intracityFake(t)
	ctx := context.Background()
	got, err := ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "WX-RIDER"})
	if err != nil || got.OrderStatus != logistics.IntracityOrderAccepted || got.ServiceTransID != "SFTC" || got.WxOrderID != "WX-RIDER" {
		t.Fatalf("QueryOrder = %+v, %v", got, err)
	}
	if _, err := ic.Cancel(ctx, waybill.CancelRequest{WaybillID: "WX-RIDER"}); err != nil {
		t.Fatal(err)
	}
	got, err = ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "WX-RIDER"})
	if err != nil || !logistics.IntracityCancelled(got.OrderStatus) || got.DeductFee != logisticstest.IntracityPenalty || got.CancelTime == 0 {
		t.Fatalf("after the cancel: %+v, %v", got, err)
	}
	_, err = ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxStoreID: "S1", StoreOrderID: "nope"})
	if !errors.Is(err, werrors.ErrOrderNotFound) {
		t.Fatalf("unknown order: %v", err)
	}
}

// Cancel maps CancelRequest onto 同城配送 and reports the fee.
func TestIntracityCanceller(t *testing.T) {
	t.Parallel()
	srv, ic := intracityFake(t)
	var c waybill.Canceller = ic
	res, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "shop-9", WaybillID: "WX-RIDER", Reason: "顾客不要了"})
	want := waybill.CancelResult{Provider: logistics.ProviderIntracity, OrderID: "shop-9", WaybillID: "WX-RIDER", Message: "ok", DeductFee: 200}
	if err != nil || *res != want {
		t.Fatalf("Cancel = %+v, %v; want %+v", res, err, want)
	}
	if _, err := c.Cancel(context.Background(), waybill.CancelRequest{WaybillID: "WX-OPEN"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.RequestsTo(logisticstest.PathIntracityCancelOrder)
	var sent []logistics.IntracityCancelRequest
	for _, r := range reqs {
		plain, err := srv.Decrypt(r)
		if err != nil {
			t.Fatal(err)
		}
		var req logistics.IntracityCancelRequest
		if err := json.Unmarshal(plain, &req); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, req)
	}
	wantSent := []logistics.IntracityCancelRequest{
		{WxOrderID: "WX-RIDER", CancelReasonID: logistics.IntracityReasonOther, CancelReason: "顾客不要了"},
		{WxOrderID: "WX-OPEN", CancelReasonID: logistics.IntracityReasonNotNeeded},
	}
	if len(sent) != 2 || sent[0] != wantSent[0] || sent[1] != wantSent[1] {
		t.Fatalf("sent %+v, want %+v", sent, wantSent)
	}
	_, err = c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "shop-1"})
	wantFields(t, "no WaybillID", err, "WaybillID")
	if n := len(srv.RequestsTo(logisticstest.PathIntracityCancelOrder)); n != 2 {
		t.Fatalf("%d requests; the invalid one was sent", n)
	}
}

func TestIntracityValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		req  *logistics.IntracityCancelRequest
		want []string
	}{
		{"by wx_order_id", &logistics.IntracityCancelRequest{WxOrderID: "W", CancelReasonID: 1}, nil},
		{"by store order", &logistics.IntracityCancelRequest{WxStoreID: "S", StoreOrderID: "O", CancelReasonID: 99, CancelReason: "x"}, nil},
		{"99 without a text", &logistics.IntracityCancelRequest{WxOrderID: "W", CancelReasonID: 99}, nil},
		{"nothing", &logistics.IntracityCancelRequest{}, []string{"CancelReasonID", "WxOrderID"}},
		{"store without order", &logistics.IntracityCancelRequest{WxStoreID: "S", CancelReasonID: 2}, []string{"StoreOrderID"}},
		{"order without store", &logistics.IntracityCancelRequest{StoreOrderID: "O", WxOrderID: "W", CancelReasonID: 3}, []string{"WxStoreID"}},
		{"undocumented reason", &logistics.IntracityCancelRequest{WxOrderID: "W", CancelReasonID: 6}, []string{"CancelReasonID"}},
		{"nil", nil, []string{"IntracityCancelRequest"}},
	}
	for _, c := range cases {
		wantFields(t, c.name, c.req.Validate(), c.want...)
	}
	var q *logistics.IntracityQueryRequest
	wantFields(t, "nil query", q.Validate(), "IntracityQueryRequest")
	wantFields(t, "empty query", (&logistics.IntracityQueryRequest{}).Validate(), "WxOrderID")

	srv, ic := intracityFake(t)
	_, err := ic.CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX-OPEN"})
	wantFields(t, "sent without a reason", err, "CancelReasonID")
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests for an invalid cancel", n)
	}
}

// Unknown outcomes: a 934018 after a lost answer is a success; when every
// answer is lost, queryorder settles it and the fee comes from there; a
// system error 934999 is retried.
func TestIntracityUnknownOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	req := &logistics.IntracityCancelRequest{WxOrderID: "WX-RIDER", CancelReasonID: 1}

	srv, ic := intracityFake(t)
	if _, err := ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "WX-OPEN"}); err != nil { // a token first
		t.Fatal(err)
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, DropAfterHandling: true})
	resp, err := ic.CancelOrder(ctx, req)
	if err != nil || resp.ErrCode != 934018 || resp.DeductFee != logisticstest.IntracityPenalty || resp.OrderStatus != logistics.IntracityOrderCancelledByShop {
		t.Fatalf("lost answer, then 934018: %+v, %v; want success with the fee queryorder reports", resp, err)
	}
	if n := len(srv.RequestsTo(logisticstest.PathIntracityQueryOrder)); n != 2 {
		t.Fatalf("%d queries, want the token's and the fee's", n)
	}

	// The same, when the query fails too: success, the fee unknown.
	srv, ic = intracityFake(t)
	if _, err := ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "WX-OPEN"}); err != nil {
		t.Fatal(err)
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, DropAfterHandling: true})
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityQueryOrder, Times: 3, Status: 502})
	res, err := ic.Cancel(ctx, waybill.CancelRequest{WaybillID: "WX-RIDER"})
	if err != nil || res.DeductFee != 0 || !strings.Contains(res.Message, "already cancelled (an earlier attempt's answer was lost)") || !strings.Contains(res.Message, "deductfee unknown") {
		t.Fatalf("lost answer, query failing: %+v, %v", res, err)
	}

	srv, ic = intracityFake(t)
	if _, err := ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "WX-OPEN"}); err != nil {
		t.Fatal(err)
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, Times: 3, DropAfterHandling: true})
	res, err = ic.Cancel(ctx, waybill.CancelRequest{WaybillID: "WX-RIDER"})
	if err != nil || res.DeductFee != logisticstest.IntracityPenalty || !strings.Contains(res.Message, "queryorder confirmed") {
		t.Fatalf("every answer lost: %+v, %v; want success settled by queryorder, with the fee", res, err)
	}

	srv, ic = intracityFake(t)
	if _, err := ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "WX-OPEN"}); err != nil {
		t.Fatal(err)
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, Errcode: 934999})
	if _, err := ic.CancelOrder(ctx, req); err != nil {
		t.Fatalf("934999 once: %v; want a retried success", err)
	}
	if n := len(srv.RequestsTo(logisticstest.PathIntracityCancelOrder)); n != 2 {
		t.Fatalf("%d cancel requests, want 2", n)
	}
}

// The fake refuses requests the way WeChat does before its security layer:
// a fault injected as an errcode comes back in plain JSON.
func TestIntracityPlainRefusals(t *testing.T) {
	t.Parallel()
	for _, code := range []int{934011, 40234} {
		srv, ic := intracityFake(t, logistics.WithRetry(waybill.NoRetry))
		srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, Errcode: code})
		_, err := ic.CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX-OPEN", CancelReasonID: 1})
		var apiErr *werrors.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != code || !errors.Is(err, werrors.ErrInvalidCredentials) || werrors.Retryable(err) {
			t.Errorf("%d: err = %v", code, err)
		}
		if o, _ := srv.IntracityOrder("WX-OPEN"); o.Status != logistics.IntracityOrderCreated {
			t.Errorf("%d: order %+v changed", code, o)
		}
	}
}

// A client with other keys than the fake's is refused by the fake's
// platform: the signature does not verify (40234).
func TestIntracityFakeRefusesOtherKeys(t *testing.T) {
	t.Parallel()
	app, _ := testKeys(t)
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "WX1"})
	s := apiSecurity(app)
	s.AppID = logisticstest.DefaultAppID
	c, err := srv.Client(logistics.WithAPISecurity(s), logistics.WithRetry(waybill.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: 1})
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 40234 || !errors.Is(err, werrors.ErrInvalidCredentials) {
		t.Fatalf("err = %v; want 40234", err)
	}
}
