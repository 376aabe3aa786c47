package logisticstest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/safetynet"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func fastRetry() logistics.Option {
	return logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})
}

func newClient(t *testing.T, srv *logisticstest.Server, opts ...logistics.Option) *logistics.Client {
	t.Helper()
	c, err := srv.Client(append([]logistics.Option{fastRetry()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func post(t *testing.T, url string, v any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func stableToken(t *testing.T, srv *logisticstest.Server, appID, secret string, force bool) map[string]any {
	t.Helper()
	return post(t, srv.URL+logisticstest.PathStableToken, map[string]any{"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": force})
}

func TestStableTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	first := stableToken(t, srv, logisticstest.DefaultAppID, logisticstest.DefaultAppSecret, false)
	again := stableToken(t, srv, logisticstest.DefaultAppID, logisticstest.DefaultAppSecret, false)
	if first["access_token"] == nil || first["access_token"] != again["access_token"] || first["expires_in"] != float64(7200) {
		t.Fatalf("normal mode: %v then %v, want the same token", first, again)
	}
	forced := stableToken(t, srv, logisticstest.DefaultAppID, logisticstest.DefaultAppSecret, true)
	if forced["access_token"] == first["access_token"] {
		t.Fatal("force_refresh returned the same token")
	}
	// The forced refresh retired the old token.
	c, err := logistics.NewClient(auth.StaticToken(first["access_token"].(string)), logistics.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: "o", DeliveryID: "SF", WaybillID: "w"})
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 40001 {
		t.Fatalf("old token: err = %v, want 40001", err)
	}
	for _, cs := range []struct {
		app, secret string
		code        float64
	}{
		{"wxunknown", "x", 40013},
		{logisticstest.DefaultAppID, "wrong", 40125},
		{"", "x", 41002},
	} {
		if got := stableToken(t, srv, cs.app, cs.secret, false); got["errcode"] != cs.code {
			t.Errorf("%s/%s: %v, want errcode %v", cs.app, cs.secret, got, cs.code)
		}
	}
}

func TestClassicTokenAndExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := logisticstest.NewServer(logisticstest.WithClock(clock), logisticstest.WithTokenLifetime(time.Hour))
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "o1", DeliveryID: "SF", WaybillID: "w1"})
	tokens, err := srv.TokenSource(auth.WithStableToken(false), auth.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	c, err := logistics.NewClient(tokens, logistics.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokens.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// WeChat's clock moves past expiry while ours lags: the server answers
	// 42001, the client refreshes and re-sends.
	srv.ExpireTokens()
	if _, err := c.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: "o1", DeliveryID: "SF", WaybillID: "w1"}); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	reqs := srv.RequestsTo(logisticstest.PathCancelOrder)
	if len(reqs) != 2 || reqs[0].Query.Get("access_token") != tok || reqs[1].Query.Get("access_token") == tok {
		t.Fatalf("cancel requests: %+v", reqs)
	}
	if got := len(srv.RequestsTo(logisticstest.PathToken)); got != 2 {
		t.Fatalf("%d classic fetches, want 2", got)
	}
}

func TestOrderBook(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "open", DeliveryID: "SF", WaybillID: "w-open"})
	srv.AddOrder(logisticstest.Order{OrderID: "picked", DeliveryID: "SF", WaybillID: "w-picked", State: logisticstest.OrderPickedUp})
	srv.AddOrder(logisticstest.Order{OrderID: "trace", DeliveryID: "YTO", WaybillID: "w-trace", State: logisticstest.OrderHasTrace})
	srv.AddOrder(logisticstest.Order{OrderID: "done", DeliveryID: "SF", WaybillID: "w-done", State: logisticstest.OrderCancelled})
	srv.AddOrder(logisticstest.Order{OrderID: "refuse", DeliveryID: "MYCARRIER", WaybillID: "w-refuse", State: logisticstest.OrderCarrierRefuses, CarrierCode: 1024, CarrierMessage: "courier already on the way"})
	c := newClient(t, srv)
	cases := []struct {
		req      logistics.CancelOrderRequest
		code     int
		want     error
		carrier  int
		newState logisticstest.OrderState
	}{
		{logistics.CancelOrderRequest{OrderID: "open", DeliveryID: "SF", WaybillID: "w-open"}, 0, nil, 0, logisticstest.OrderCancelled},
		{logistics.CancelOrderRequest{OrderID: "picked", DeliveryID: "SF", WaybillID: "w-picked"}, 9300506, werrors.ErrAlreadyHasTrace, 0, logisticstest.OrderPickedUp},
		{logistics.CancelOrderRequest{OrderID: "trace", DeliveryID: "YTO", WaybillID: "w-trace"}, 9300506, werrors.ErrAlreadyHasTrace, 0, logisticstest.OrderHasTrace},
		{logistics.CancelOrderRequest{OrderID: "done", DeliveryID: "SF", WaybillID: "w-done"}, 9300524, werrors.ErrDuplicateCancel, 0, logisticstest.OrderCancelled},
		{logistics.CancelOrderRequest{OrderID: "refuse", DeliveryID: "MYCARRIER", WaybillID: "w-refuse"}, 9300501, werrors.ErrCarrier, 1024, logisticstest.OrderCarrierRefuses},
		{logistics.CancelOrderRequest{OrderID: "open", DeliveryID: "SF", WaybillID: "w-other"}, 40199, werrors.ErrWaybillNotFound, 0, logisticstest.OrderCancelled},
		{logistics.CancelOrderRequest{OrderID: "nope", DeliveryID: "SF", WaybillID: "w"}, 930563, werrors.ErrOrderNotFound, 0, 0},
		{logistics.CancelOrderRequest{OrderID: "open", DeliveryID: "NOSUCH", WaybillID: "w-open"}, 9300503, werrors.ErrDeliveryNotFound, 0, logisticstest.OrderCancelled},
	}
	for _, cs := range cases {
		resp, err := c.CancelOrder(context.Background(), &cs.req)
		if cs.code == 0 {
			if err != nil || resp.ErrCode != 0 {
				t.Errorf("%+v: %v", cs.req, err)
			}
		} else {
			var apiErr *werrors.APIError
			if !errors.Is(err, cs.want) || !errors.As(err, &apiErr) || apiErr.Code != cs.code || apiErr.CarrierCode != cs.carrier || apiErr.RequestID == "" {
				t.Errorf("%+v: err = %v, want %d", cs.req, err, cs.code)
			}
		}
		if o, ok := srv.Order(cs.req.OrderID); ok && o.State != cs.newState {
			t.Errorf("%s: state %v, want %v", cs.req.OrderID, o.State, cs.newState)
		}
	}
	// A missing field, as a client without validation would send it.
	tok, _ := stableTokenValue(t, srv)
	got := post(t, srv.URL+logisticstest.PathCancelOrder+"?access_token="+tok, map[string]string{"order_id": "open"})
	if got["errcode"] != float64(930561) {
		t.Errorf("missing fields: %v", got)
	}
	if !srv.SetOrderState("open", logisticstest.OrderOpen) || srv.SetOrderState("nope", logisticstest.OrderOpen) {
		t.Error("SetOrderState reports existence wrongly")
	}
}

func stableTokenValue(t *testing.T, srv *logisticstest.Server) (string, float64) {
	r := stableToken(t, srv, logisticstest.DefaultAppID, logisticstest.DefaultAppSecret, false)
	return r["access_token"].(string), r["expires_in"].(float64)
}

func TestTokenChecks(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	body := map[string]string{"order_id": "o", "delivery_id": "SF", "waybill_id": "w"}
	for name, cs := range map[string]struct {
		query string
		code  float64
	}{
		"missing": {"", 41001},
		"unknown": {"?access_token=forged", 40001},
	} {
		if got := post(t, srv.URL+logisticstest.PathCancelOrder+cs.query, body); got["errcode"] != cs.code {
			t.Errorf("%s: %v", name, got)
		}
	}
	tok, _ := stableTokenValue(t, srv)
	srv.InvalidateToken(tok)
	if got := post(t, srv.URL+logisticstest.PathCancelOrder+"?access_token="+tok, body); got["errcode"] != float64(40001) {
		t.Errorf("invalidated: %v", got)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "o1", DeliveryID: "SF", WaybillID: "w1"})
	srv.AddOrder(logisticstest.Order{OrderID: "o2", DeliveryID: "SF", WaybillID: "w2"})
	srv.AddOrder(logisticstest.Order{OrderID: "o3", DeliveryID: "SF", WaybillID: "w3"})
	srv.AddOrder(logisticstest.Order{OrderID: "o4", DeliveryID: "SF", WaybillID: "w4"})
	c := newClient(t, srv)
	ctx := context.Background()

	// Two system errors, then the real answer: retried to success.
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, Times: 2, Errcode: -1})
	if _, err := c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o1", DeliveryID: "SF", WaybillID: "w1"}); err != nil {
		t.Fatalf("after two -1: %v", err)
	}
	if n := len(srv.RequestsTo(logisticstest.PathCancelOrder)); n != 3 {
		t.Fatalf("%d cancel requests, want 3", n)
	}

	// A gateway page three times: ErrSystem with the status.
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, Times: 3, Status: 502})
	_, err := c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o2", DeliveryID: "SF", WaybillID: "w2"})
	var apiErr *werrors.APIError
	if !errors.Is(err, werrors.ErrSystem) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != 502 {
		t.Fatalf("502s: err = %v", err)
	}

	// The answer is lost after the order was cancelled: the retry hears
	// 9300524 and the client reports success.
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, DropAfterHandling: true})
	if _, err := c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o2", DeliveryID: "SF", WaybillID: "w2"}); err != nil {
		t.Fatalf("lost answer: %v", err)
	}
	if o, _ := srv.Order("o2"); o.State != logisticstest.OrderCancelled {
		t.Fatalf("o2 state %v", o.State)
	}

	// A dropped connection without handling: retried, and the order
	// cancelled.
	before := len(srv.RequestsTo(logisticstest.PathCancelOrder))
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, Drop: true})
	if _, err := c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o3", DeliveryID: "SF", WaybillID: "w3"}); err != nil {
		t.Fatalf("drop: %v", err)
	}
	if n := len(srv.RequestsTo(logisticstest.PathCancelOrder)) - before; n != 2 {
		t.Fatalf("drop: %d requests, want 2", n)
	}
	if o, _ := srv.Order("o3"); o.State != logisticstest.OrderCancelled {
		t.Fatalf("o3 state %v", o.State)
	}

	// A delay longer than the caller's deadline: an hour, so that only the
	// deadline can end the call.
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, Delay: time.Hour})
	dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	before = len(srv.RequestsTo(logisticstest.PathCancelOrder))
	err = safetynet.Wait(t, "CancelOrder against an hour's delay", func() error {
		_, err := c.CancelOrder(dctx, &logistics.CancelOrderRequest{OrderID: "o4", DeliveryID: "SF", WaybillID: "w4"})
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("delay: err = %v, want the deadline", err)
	}
	// On a busy machine the deadline may pass before the request is out;
	// never is it sent twice.
	if n := len(srv.RequestsTo(logisticstest.PathCancelOrder)) - before; n > 1 {
		t.Fatalf("delay: %d requests, want at most 1", n)
	}
	if o, _ := srv.Order("o4"); o.State != logisticstest.OrderOpen {
		t.Fatalf("o4 state %v: the delayed request was handled", o.State)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "o1", DeliveryID: "SF", WaybillID: "w1"})
	c := newClient(t, srv)
	if _, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o1", WaybillID: "w1", DeliveryID: "SF", OpenID: "oUser"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Path != logisticstest.PathStableToken || reqs[1].Path != logisticstest.PathCancelOrder {
		t.Fatalf("requests: %+v", reqs)
	}
	if r := reqs[1]; r.Method != http.MethodPost || !strings.Contains(string(r.Body), `"openid":"oUser"`) || r.Query.Get("access_token") == "" {
		t.Fatalf("cancel request: %+v", r)
	}
	if srv.TokenFetches() != 1 {
		t.Fatalf("TokenFetches = %d", srv.TokenFetches())
	}
}

func TestOrderStateString(t *testing.T) {
	t.Parallel()
	for st, want := range map[logisticstest.OrderState]string{
		logisticstest.OrderOpen: "open", logisticstest.OrderCancelled: "cancelled", logisticstest.OrderState(99): "OrderState(99)",
	} {
		if got := fmt.Sprint(st); got != want {
			t.Errorf("%d: %q", int(st), got)
		}
	}
}
