package apiusb

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
)

func TestNewClientRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  Option
		want string
	}{
		{"nil http client", WithHTTPClient(nil), "nil *http.Client"},
		{"unparsable URL", WithBaseURL("http://[::1"), "does not parse"},
		{"relative URL", WithBaseURL("/api/app"), "scheme"},
		{"ftp URL", WithBaseURL("ftp://api.apiusb.com/api/app"), "scheme"},
		{"URL with query", WithBaseURL("https://api.apiusb.com/api/app?s=x"), "query"},
		{"nil token source", WithAccessToken(nil), "nil auth.TokenSource"},
		{"PUT", WithMethod(http.MethodPut), "neither GET nor POST"},
		{"empty method", WithMethod(""), "neither GET nor POST"},
		{"nil logger", WithLogger(nil), "nil *slog.Logger"},
		{"no attempts", WithRetry(waybill.RetryPolicy{}), "MaxAttempts"},
		{"negative delay", WithRetry(waybill.RetryPolicy{MaxAttempts: 2, BaseDelay: -time.Second}), "negative"},
		{"zero reply cap", WithMaxReplyBytes(0), "not positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.opt)
			if err == nil || c != nil {
				t.Fatalf("NewClient = %v, %v; want an error", c, err)
			}
			if !strings.HasPrefix(err.Error(), "apiusb: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q should start with apiusb: and mention %q", err, tc.want)
			}
		})
	}
}

func TestNewClientAcceptsGoodOptions(t *testing.T) {
	t.Parallel()
	c, err := NewClient(nil, WithBaseURL("http://127.0.0.1:9/api/app/"), WithMethod("get"), WithHTTPClient(&http.Client{}),
		WithLogger(slog.Default()), WithRetry(waybill.NoRetry), WithMaxReplyBytes(10), WithAccessToken(auth.NoToken()))
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != "http://127.0.0.1:9/api/app" || c.method != http.MethodGet || c.tokens != nil {
		t.Errorf("client = %+v", c)
	}
}

// The default entry point is APIUSB's, reached with a form POST.
func TestDefaultBaseURL(t *testing.T) {
	t.Parallel()
	mt, hc := newMock(t)
	mt.RegisterResponder(http.MethodPost, DefaultBaseURL, httpmock.NewStringResponder(200, okReply))
	c, err := NewClient(WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CancelOrder(context.Background(), &CancelOrderRequest{OrderID: "o", TaskID: "t", CancelMsg: "m"}); err != nil {
		t.Fatal(err)
	}
	if n := mt.GetCallCountInfo()["POST "+DefaultBaseURL]; n != 1 {
		t.Errorf("calls to POST %s = %d, want 1 (%v)", DefaultBaseURL, n, mt.GetCallCountInfo())
	}
}

// The caller's *http.Client is used but never modified.
func TestHTTPClientNotModified(t *testing.T) {
	t.Parallel()
	mt, hc := newMock(t)
	mt.RegisterResponder(http.MethodPost, "https://example.test/api/app", httpmock.NewStringResponder(200, okReply))
	before := *hc
	c := newTestClient(t, "https://example.test/api/app", WithHTTPClient(hc))
	if _, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o", WaybillID: "w", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	if hc.Transport != before.Transport || hc.Timeout != before.Timeout || hc.Jar != before.Jar || hc.CheckRedirect != nil {
		t.Errorf("http.Client was modified: %+v, was %+v", *hc, before)
	}
	if mt.GetTotalCallCount() != 1 {
		t.Errorf("calls = %d, want 1", mt.GetTotalCallCount())
	}
}

var sampleReq = &CancelOrderRequest{OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769", CancelMsg: "不要了"}

func sampleParams(token string) url.Values {
	v := url.Values{
		"s":         {"App.Logistics.CCancelOrder"},
		"orderId":   {"100012021107633"},
		"taskId":    {"BAB7EDF04019A6C7876096B88B611769"},
		"cancelMsg": {"不要了"},
	}
	if token != "" {
		v.Set("access_token", token)
	}
	return v
}

func TestRequestShape(t *testing.T) {
	t.Parallel()
	const token = "tok+en/with=odd&chars"
	for _, tc := range []struct {
		name   string
		method string
		token  string
	}{
		{"POST without token", http.MethodPost, ""},
		{"POST with token", http.MethodPost, token},
		{"GET without token", http.MethodGet, ""},
		{"GET with token", http.MethodGet, token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, replyWith(200, okReply))
			opts := []Option{WithMethod(tc.method)}
			if tc.token != "" {
				opts = append(opts, WithAccessToken(auth.StaticToken(tc.token)))
			}
			c := newTestClient(t, srv.base(), opts...)
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			if err != nil {
				t.Fatal(err)
			}
			want := &CancelOrderResponse{Ret: 200, Data: CancelOrderData{Code: 200, Message: "success", Data: "取消成功"}}
			if !reflect.DeepEqual(resp, want) {
				t.Errorf("response = %+v, want %+v", resp, want)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tc.method || r.Path != "/api/app" {
				t.Errorf("request = %s %s, want %s /api/app", r.Method, r.Path, tc.method)
			}
			// Decoded on the server side: every parameter, UTF-8 intact,
			// and access_token only when configured.
			if !reflect.DeepEqual(r.Params, sampleParams(tc.token)) {
				t.Errorf("params = %v, want %v", r.Params, sampleParams(tc.token))
			}
			if _, ok := r.Params["access_token"]; ok != (tc.token != "") {
				t.Errorf("access_token present = %v, want %v", ok, tc.token != "")
			}
			switch tc.method {
			case http.MethodPost:
				if r.RawQuery != "" {
					t.Errorf("POST URL has a query %q; parameters belong in the body", r.RawQuery)
				}
				if r.ContentType != "application/x-www-form-urlencoded" {
					t.Errorf("Content-Type = %q", r.ContentType)
				}
			case http.MethodGet:
				if r.Body != "" {
					t.Errorf("GET has a body %q", r.Body)
				}
			}
		})
	}
}

// A PHP server reading $_REQUEST sees the same fields whichever way they
// came, and a Go server's FormValue sees them too.
func TestRequestFormValues(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		got <- r.FormValue("s") + "|" + r.FormValue("cancelMsg")
		replyWith(200, okReply)(w, r, 0)
	})
	c := newTestClient(t, srv.base())
	if _, err := c.CancelOrder(context.Background(), sampleReq); err != nil {
		t.Fatal(err)
	}
	if v := <-got; v != "App.Logistics.CCancelOrder|不要了" {
		t.Errorf("FormValue = %q", v)
	}
}

func TestDebugLogRedactsToken(t *testing.T) {
	t.Parallel()
	const token = "ACCESS-TOKEN-ABC123"
	var logs syncBuffer
	srv := newServer(t, replyWith(200, okReply))
	c := newTestClient(t, srv.base(), WithMethod(http.MethodGet), WithAccessToken(auth.StaticToken(token)),
		WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if _, err := c.CancelOrder(context.Background(), sampleReq); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "App.Logistics.CCancelOrder") || !strings.Contains(out, "access_token=REDACTED") {
		t.Errorf("debug log lacks the exchange: %s", out)
	}
	if strings.Contains(out, token) {
		t.Errorf("debug log leaks the token: %s", out)
	}
}

// Many goroutines can share one client.
func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, okReply))
	c := newTestClient(t, srv.base(), WithAccessToken(auth.StaticToken("t")))
	errs := make(chan error, 20)
	for range 20 {
		go func() {
			_, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o", WaybillID: "w", Reason: "r"})
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := srv.count(); n != 20 {
		t.Errorf("requests = %d, want 20", n)
	}
}

func TestContextCancelledBeforeCall(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, okReply))
	c := newTestClient(t, srv.base())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CancelOrder(ctx, sampleReq)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := srv.count(); n != 0 {
		t.Errorf("requests = %d, want 0", n)
	}
}

// A context deadline shorter than the backoff ends the call at once with
// the last error rather than waiting. The waits are random (up to a minute
// here): one that fits before the deadline is taken, one that does not ends
// the call. Under synctest the clock is fake and the mock answers in no
// time, so the test can say exactly when the call ended: before the
// deadline, and at once when only one request was made.
func TestDeadlineCutsBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mt, hc := newMock(t)
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"ret":503,"data":null,"msg":"busy"}`))
		c := newTestClient(t, "https://api.example.test/api/app", WithHTTPClient(hc),
			WithRetry(waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Minute, MaxDelay: time.Minute}))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.CancelOrder(ctx, sampleReq)
		took, n := time.Since(start), mt.GetTotalCallCount()
		if !errors.Is(err, werrors.ErrSystem) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the last attempt's ErrSystem, not the deadline", err)
		}
		if took >= 2*time.Second || (n == 1 && took != 0) {
			t.Errorf("returned after %v and %d requests; a wait past the deadline must be skipped", took, n)
		}
	})
}

// A context cancelled while the client waits to retry ends the wait: the
// call returns at once instead of after the hour-long backoff.
func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mt, hc := newMock(t)
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"ret":500,"data":null,"msg":"oops"}`))
		c := newTestClient(t, "https://api.example.test/api/app", WithHTTPClient(hc),
			WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Hour, MaxDelay: time.Hour}))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := c.CancelOrder(ctx, sampleReq)
			done <- err
		}()
		synctest.Wait() // every goroutine is blocked: the call waits to retry
		if n := mt.GetTotalCallCount(); n != 1 {
			t.Fatalf("requests = %d before the cancellation, want 1", n)
		}
		start := time.Now()
		cancel()
		err := <-done
		// Both the context's error and the ret 500 refusal match; no time
		// passes on the bubble's clock, and nothing more is sent.
		if !errors.Is(err, context.Canceled) || !errors.Is(err, werrors.ErrSystem) || time.Since(start) != 0 {
			t.Errorf("err = %v after %v, want context.Canceled and ErrSystem at once", err, time.Since(start))
		}
		if n := mt.GetTotalCallCount(); n != 1 {
			t.Errorf("requests = %d, want 1", n)
		}
	})
}

func TestOptionsApplyWhereTheyMean(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{[]Option{WithStore(auth.NewMemoryStore())}, "WithStore applies to the token source"},
		{[]Option{WithClock(time.Now)}, "WithClock applies to the token source"},
		{[]Option{WithTokenLifetime(time.Hour)}, "WithTokenLifetime applies to the token source"},
		{[]Option{WithAppKey("k", "s"), WithAccessToken(auth.StaticToken("t"))}, "exclude each other"},
		{[]Option{WithAppKey("", "s")}, "appKey and appSecret are required"},
		{[]Option{WithDataCodes(map[int]error{200: werrors.ErrSystem})}, "200 means success"},
		{[]Option{WithDataCodes(map[int]error{1: nil})}, "nil error"},
	} {
		if c, err := NewClient(tc.opts...); err == nil || c != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewClient(%d options) = %v, %v; want an error with %q", len(tc.opts), c, err, tc.want)
		}
	}
	// With WithAppKey, the token source's options reach it.
	c, err := NewClient(WithAppKey("k", "s"), WithStore(auth.NewMemoryStore()), WithTokenLifetime(time.Hour))
	if err != nil || c.TokenSource() == nil {
		t.Fatalf("NewClient = %v, %v", c, err)
	}
}
