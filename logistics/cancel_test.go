package logistics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
)

const cancelURL = "https://api.weixin.qq.com/cgi-bin/express/business/order/cancel"

var validReq = logistics.CancelOrderRequest{OrderID: "01234567890123456789", OpenID: "oABC123456", DeliveryID: "SF", WaybillID: "123456789"}

// tokens hands out tok-1, tok-2, … through a real auth.CachedSource.
type tokens struct {
	*auth.CachedSource
	fetches atomic.Int64
}

func newTokens(t *testing.T) *tokens {
	t.Helper()
	ts := &tokens{}
	src, err := auth.NewCachedSource(auth.CacheConfig{Key: "wechat:test:stable", Fetch: func(context.Context, bool) (auth.Token, error) {
		return auth.NewToken(fmt.Sprintf("tok-%d", ts.fetches.Add(1)), time.Hour, time.Now()), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	ts.CachedSource = src
	return ts
}

func newMockClient(t *testing.T, ts auth.TokenSource, opts ...logistics.Option) (*logistics.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]logistics.Option{
		logistics.WithHTTPClient(&http.Client{Transport: mt}),
		logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
	}, opts...)
	c, err := logistics.NewClient(ts, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

// recorded is one request the mock saw.
type recorded struct {
	method, path, token, contentType string
	body                             []byte
}

// replay answers with the given bodies in turn (the last one repeats) and
// records every request.
func replay(mt *httpmock.MockTransport, bodies ...string) *[]recorded {
	var mu sync.Mutex
	var seen []recorded
	mt.RegisterResponder(http.MethodPost, cancelURL, func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, recorded{r.Method, r.URL.Path, r.URL.Query().Get("access_token"), r.Header.Get("Content-Type"), body})
		b := bodies[min(len(seen), len(bodies))-1]
		return httpmock.NewStringResponse(200, b), nil
	})
	return &seen
}

func TestCancelOrderRequestShape(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.StaticToken("ACCESS_TOKEN"))
	seen := replay(mt, `{"errcode":0,"errmsg":"ok","delivery_resultcode":0,"delivery_resultmsg":""}`)
	req := validReq
	resp, err := c.CancelOrder(context.Background(), &req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ErrCode != 0 || resp.ErrMsg != "ok" {
		t.Fatalf("resp = %+v", resp)
	}
	if len(*seen) != 1 {
		t.Fatalf("%d requests", len(*seen))
	}
	got := (*seen)[0]
	if got.method != http.MethodPost || got.path != "/cgi-bin/express/business/order/cancel" || got.token != "ACCESS_TOKEN" || got.contentType != "application/json" {
		t.Fatalf("request = %+v", got)
	}
	var body map[string]any
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"order_id": "01234567890123456789", "openid": "oABC123456", "delivery_id": "SF", "waybill_id": "123456789"}
	if fmt.Sprint(body) != fmt.Sprint(want) {
		t.Fatalf("body = %v, want %v", body, want)
	}
	// openid is optional and left out when empty.
	req.OpenID = ""
	if _, err := c.CancelOrder(context.Background(), &req); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains((*seen)[1].body, []byte("openid")) {
		t.Fatalf("empty openid sent: %s", (*seen)[1].body)
	}
}

func TestCancelOrderErrcodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code int
		want error
	}{
		{40199, werrors.ErrWaybillNotFound},
		{9300503, werrors.ErrDeliveryNotFound},
		{930563, werrors.ErrOrderNotFound},
		{930561, werrors.ErrInvalidParam},
		{9300506, werrors.ErrAlreadyHasTrace},
		{9300524, werrors.ErrDuplicateCancel},
		{9300501, werrors.ErrCarrier},
		{45009, werrors.ErrRateLimited},
		{45011, werrors.ErrRateLimited},
		{-1, werrors.ErrSystem},
		{-1000, werrors.ErrSystem},
		{41001, werrors.ErrInvalidToken}, // no token sent: never refreshed
		{48001, werrors.ErrUnauthorized},
		{47001, werrors.ErrInvalidParam},
		{9399999, nil},
	}
	for _, cs := range cases {
		t.Run(fmt.Sprint(cs.code), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, auth.StaticToken("T"))
			body := fmt.Sprintf(`{"errcode":%d,"errmsg":"msg %d rid: rid-%d","delivery_resultcode":7001,"delivery_resultmsg":"carrier says no"}`, cs.code, cs.code, cs.code)
			seen := replay(mt, body)
			req := validReq
			resp, err := c.CancelOrder(context.Background(), &req)
			var apiErr *werrors.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.Provider != "wechat" || apiErr.Code != cs.code || apiErr.HTTPStatus != 200 ||
				apiErr.CarrierCode != 7001 || apiErr.CarrierMessage != "carrier says no" ||
				apiErr.RequestID != fmt.Sprintf("rid-%d", cs.code) || !strings.Contains(apiErr.Message, "rid:") {
				t.Fatalf("APIError = %+v", apiErr)
			}
			if cs.want != nil && !errors.Is(err, cs.want) {
				t.Fatalf("errors.Is(%v, %v) = false", err, cs.want)
			}
			if cs.want == nil && apiErr.Sentinel != nil {
				t.Fatalf("unknown code matched %v", apiErr.Sentinel)
			}
			if resp == nil || resp.ErrCode != cs.code || resp.DeliveryResultCode != 7001 {
				t.Fatalf("resp = %+v, want the decoded reply alongside the error", resp)
			}
			wantTries := 1
			if cs.code == -1 || cs.code == -1000 {
				wantTries = 3 // system errors are retried; business errors never
			}
			if len(*seen) != wantTries {
				t.Fatalf("%d requests, want %d", len(*seen), wantTries)
			}
		})
	}
}

func TestTokenRejectedRefreshesOnceWithIdenticalBody(t *testing.T) {
	t.Parallel()
	for _, code := range []int{40001, 40014, 42001} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			ts := newTokens(t)
			c, mt := newMockClient(t, ts)
			seen := replay(mt, fmt.Sprintf(`{"errcode":%d,"errmsg":"invalid credential"}`, code), `{"errcode":0,"errmsg":"ok"}`)
			req := validReq
			if _, err := c.CancelOrder(context.Background(), &req); err != nil {
				t.Fatal(err)
			}
			if len(*seen) != 2 {
				t.Fatalf("%d requests, want 2", len(*seen))
			}
			first, second := (*seen)[0], (*seen)[1]
			if first.token != "tok-1" || second.token != "tok-2" {
				t.Fatalf("tokens sent: %q then %q", first.token, second.token)
			}
			if !bytes.Equal(first.body, second.body) || len(first.body) == 0 {
				t.Fatalf("re-sent body differs:\n%s\n%s", first.body, second.body)
			}
			if n := ts.fetches.Load(); n != 2 {
				t.Fatalf("token fetches = %d", n)
			}
		})
	}
}

func TestTokenRejectedTwiceIsInvalidToken(t *testing.T) {
	t.Parallel()
	ts := newTokens(t)
	c, mt := newMockClient(t, ts)
	seen := replay(mt, `{"errcode":40001,"errmsg":"invalid credential"}`)
	req := validReq
	_, err := c.CancelOrder(context.Background(), &req)
	if !errors.Is(err, werrors.ErrInvalidToken) {
		t.Fatalf("err = %v", err)
	}
	if len(*seen) != 2 || ts.fetches.Load() != 2 {
		t.Fatalf("%d requests and %d fetches, want 2 and 2 (one refresh, no loop)", len(*seen), ts.fetches.Load())
	}
	// A static token cannot be refreshed: one request, then the error.
	c2, mt2 := newMockClient(t, auth.StaticToken("T"))
	seen2 := replay(mt2, `{"errcode":42001,"errmsg":"access_token expired"}`)
	if _, err := c2.CancelOrder(context.Background(), &req); !errors.Is(err, werrors.ErrInvalidToken) || len(*seen2) != 1 {
		t.Fatalf("static: err = %v after %d requests", err, len(*seen2))
	}
}

func TestValidationBeforeNetwork(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.StaticToken("T"))
	ctx := context.Background()
	cases := map[string]func() error{
		"nil": func() error { _, err := c.CancelOrder(ctx, nil); return err },
		"OrderID": func() error {
			r := validReq
			r.OrderID = ""
			_, err := c.CancelOrder(ctx, &r)
			return err
		},
		"DeliveryID": func() error {
			r := validReq
			r.DeliveryID = " "
			_, err := c.CancelOrder(ctx, &r)
			return err
		},
		"WaybillID": func() error {
			_, err := c.Cancel(ctx, waybill.CancelRequest{OrderID: "o", DeliveryID: "SF"})
			return err
		},
	}
	for field, call := range cases {
		err := call()
		if !errors.Is(err, werrors.ErrInvalidParam) {
			t.Errorf("%s: err = %v, want ErrInvalidParam", field, err)
		} else if field != "nil" && !strings.Contains(err.Error(), field) {
			t.Errorf("%s: error %q does not name the field", field, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

func TestCancelAdapter(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.StaticToken("T"))
	seen := replay(mt, `{"errcode":0,"errmsg":"ok"}`)
	var canceller waybill.Canceller = c
	res, err := canceller.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "w-1", DeliveryID: "YTO", OpenID: "oX", Reason: "ignored by WeChat"})
	if err != nil {
		t.Fatal(err)
	}
	if *res != (waybill.CancelResult{Provider: "wechat", OrderID: "o-1", WaybillID: "w-1", Message: "ok"}) {
		t.Fatalf("result = %+v", res)
	}
	var body logistics.CancelOrderRequest
	if err := json.Unmarshal((*seen)[0].body, &body); err != nil {
		t.Fatal(err)
	}
	if body != (logistics.CancelOrderRequest{OrderID: "o-1", OpenID: "oX", DeliveryID: "YTO", WaybillID: "w-1"}) {
		t.Fatalf("body = %+v", body)
	}
	// Errors pass through Cancel unchanged.
	c2, mt2 := newMockClient(t, auth.StaticToken("T"))
	replay(mt2, `{"errcode":9300506,"errmsg":"has trace"}`)
	if _, err := c2.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o", WaybillID: "w", DeliveryID: "SF"}); !errors.Is(err, werrors.ErrAlreadyHasTrace) {
		t.Fatalf("err = %v", err)
	}
}

func TestCloudHostingSendsNoToken(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.NoToken(), logistics.WithBaseURL("https://api.weixin.qq.com"))
	var rawQuery string
	mt.RegisterResponder(http.MethodPost, cancelURL, func(r *http.Request) (*http.Response, error) {
		rawQuery = r.URL.RawQuery
		return httpmock.NewStringResponse(200, `{"errcode":0,"errmsg":"ok"}`), nil
	})
	req := validReq
	if _, err := c.CancelOrder(context.Background(), &req); err != nil {
		t.Fatal(err)
	}
	if rawQuery != "" {
		t.Fatalf("query = %q, want no access_token at all", rawQuery)
	}
	if _, err := logistics.NewClient(nil); err == nil || !strings.Contains(err.Error(), "NoToken") {
		t.Fatalf("NewClient(nil) = %v, want an error pointing at auth.NoToken", err)
	}
}

func TestNewClientValidatesOptions(t *testing.T) {
	t.Parallel()
	bad := map[string]logistics.Option{
		"nil http client": logistics.WithHTTPClient(nil),
		"unparsable url":  logistics.WithBaseURL("http://[::1"),
		"relative url":    logistics.WithBaseURL("/cgi-bin"),
		"nil logger":      logistics.WithLogger(nil),
		"zero attempts":   logistics.WithRetry(waybill.RetryPolicy{}),
		"zero max reply":  logistics.WithMaxReplyBytes(0),
	}
	for name, opt := range bad {
		if c, err := logistics.NewClient(auth.StaticToken("T"), opt); err == nil || c != nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUnusableReplies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		tries  int
	}{
		{"html 502", 502, "<html><body>502 Bad Gateway</body></html>", 3},
		{"html 200", 200, "<html>maintenance</html>", 1},
		{"truncated", 200, `{"errcode":0,"errm`, 1},
		{"empty", 200, "", 1},
		{"no errcode", 200, `{}`, 1},
		{"json 503 ok code", 503, `{"errcode":0,"errmsg":"ok"}`, 3},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, auth.StaticToken("T"))
			mt.RegisterResponder(http.MethodPost, cancelURL, httpmock.NewStringResponder(cs.status, cs.body))
			req := validReq
			resp, err := c.CancelOrder(context.Background(), &req)
			var apiErr *werrors.APIError
			if !errors.Is(err, werrors.ErrSystem) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != cs.status {
				t.Fatalf("err = %v, want ErrSystem with HTTP %d", err, cs.status)
			}
			if resp != nil {
				t.Fatalf("resp = %+v, want nil for an unusable reply", resp)
			}
			if n := mt.GetTotalCallCount(); n != cs.tries {
				t.Fatalf("%d requests, want %d", n, cs.tries)
			}
		})
	}
}

func TestOversizedReplyRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"`))
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for range 1024 { // 64 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithBaseURL(srv.URL), logistics.WithMaxReplyBytes(4096))
	if err != nil {
		t.Fatal(err)
	}
	req := validReq
	if _, err := c.CancelOrder(context.Background(), &req); !errors.Is(err, werrors.ErrSystem) {
		t.Fatalf("err = %v, want ErrSystem", err)
	}
}

func TestRetriesTransientThenSucceeds(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.StaticToken("T"))
	var n atomic.Int64
	mt.RegisterResponder(http.MethodPost, cancelURL, func(*http.Request) (*http.Response, error) {
		switch n.Add(1) {
		case 1:
			return httpmock.NewStringResponse(503, "busy"), nil
		case 2:
			return httpmock.NewStringResponse(200, `{"errcode":-1,"errmsg":"system error"}`), nil
		default:
			return httpmock.NewStringResponse(200, `{"errcode":0,"errmsg":"ok"}`), nil
		}
	})
	req := validReq
	if _, err := c.CancelOrder(context.Background(), &req); err != nil || n.Load() != 3 {
		t.Fatalf("err = %v after %d requests", err, n.Load())
	}
}

// dropFirst is a server that reads the first request and then closes the
// connection without answering, as a crashed proxy would; later requests
// get answer.
func dropFirst(t *testing.T, answer string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if n.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestLostAnswerThenDuplicateCancelIsSuccess(t *testing.T) {
	t.Parallel()
	srv, n := dropFirst(t, `{"errcode":9300524,"errmsg":"cancel order fail"}`)
	c, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithBaseURL(srv.URL),
		logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o", WaybillID: "w", DeliveryID: "SF"})
	if err != nil {
		t.Fatalf("err = %v, want success: the lost first attempt cancelled the order", err)
	}
	if n.Load() != 2 || !strings.Contains(res.Message, "already cancelled") {
		t.Fatalf("%d requests, result %+v", n.Load(), res)
	}
}

func TestFirstAttemptDuplicateCancelIsError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.StaticToken("T"))
	replay(mt, `{"errcode":9300524,"errmsg":"cancel order fail"}`)
	req := validReq
	if _, err := c.CancelOrder(context.Background(), &req); !errors.Is(err, werrors.ErrDuplicateCancel) {
		t.Fatalf("err = %v", err)
	}
}

func TestNoRetryPolicy(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.StaticToken("T"), logistics.WithRetry(waybill.NoRetry))
	replay(mt, `{"errcode":-1,"errmsg":"system error"}`)
	req := validReq
	if _, err := c.CancelOrder(context.Background(), &req); !errors.Is(err, werrors.ErrSystem) || mt.GetTotalCallCount() != 1 {
		t.Fatalf("err = %v after %d requests", err, mt.GetTotalCallCount())
	}
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const secret = "SECRET-ACCESS-TOKEN-42"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { // read the request, then drop the connection
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			_, _ = conn.Read(buf)
			conn.Close()
		}
	}()
	defer ln.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := logistics.NewClient(auth.StaticToken(secret), logistics.WithBaseURL("http://"+ln.Addr().String()),
		logistics.WithLogger(logger), logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	req := validReq
	_, err = c.CancelOrder(context.Background(), &req)
	if err == nil {
		t.Fatal("no error from a dropped connection")
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), secret) {
			t.Fatalf("token in error chain: %q", e)
		}
	}
	if !strings.Contains(logs.String(), "access_token=REDACTED") || strings.Contains(logs.String(), secret) {
		t.Fatalf("debug log:\n%s", logs.String())
	}
	// Two cancel attempts, then two of order/get, which asks whether the
	// lost attempts cancelled the order.
	if c, q := strings.Count(logs.String(), `"op":"order/cancel"`), strings.Count(logs.String(), `"op":"order/get"`); c != 2 || q != 2 {
		t.Fatalf("%d order/cancel and %d order/get log lines, want one per attempt, 2 each:\n%s", c, q, logs.String())
	}
}

func TestServerEchoingTokenIsScrubbed(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, auth.StaticToken("ECHOED-TOKEN"))
	replay(mt, `{"errcode":41001,"errmsg":"access_token missing: ECHOED-TOKEN"}`)
	req := validReq
	_, err := c.CancelOrder(context.Background(), &req)
	if err == nil || strings.Contains(err.Error(), "ECHOED-TOKEN") {
		t.Fatalf("err = %v", err)
	}
}

func TestCallerClientNotMutated(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: 3 * time.Second}
	if _, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithHTTPClient(hc)); err != nil {
		t.Fatal(err)
	}
	if hc.Transport != nil || hc.Jar != nil || hc.Timeout != 3*time.Second {
		t.Fatalf("caller's client modified: %+v", hc)
	}
}

// A server that never answers: the call ends exactly at the caller's
// deadline, with the deadline's error, and sends nothing more. Under
// synctest the clock is fake, so "exactly" is checked as such.
func TestContextDeadlineReturnsPromptly(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, auth.StaticToken("T"))
		mt.RegisterResponder(http.MethodPost, cancelURL, func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done() // hangs until the caller gives up
			return nil, r.Context().Err()
		})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		req := validReq
		_, err := c.CancelOrder(ctx, &req)
		if !errors.Is(err, context.DeadlineExceeded) || werrors.Retryable(err) {
			t.Fatalf("err = %v, want the deadline, not retryable", err)
		}
		if took := time.Since(start); took != 100*time.Millisecond {
			t.Errorf("returned after %v, want at the 100ms deadline", took)
		}
		if n := mt.GetTotalCallCount(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}

func TestClientNeverPrintsItsToken(t *testing.T) {
	t.Parallel()
	c, _ := newMockClient(t, auth.StaticToken("PRINTED-TOKEN"))
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "c", c)
	for _, text := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, *c), fmt.Sprintf("%+v", struct{ C *logistics.Client }{c}), logs.String()} {
		if strings.Contains(text, "PRINTED-TOKEN") {
			t.Fatalf("token printed: %s", text)
		}
	}
}

func TestOptionsThatDoNotApplyAreRefused(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func() error{
		"WithTokenOptions on NewClient": func() error {
			_, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithTokenOptions(auth.WithStableToken(false)))
			return err
		},
		"bad User-Agent": func() error {
			_, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithUserAgent("shop\r\nX-Evil: 1"))
			return err
		},
		"nil tracer": func() error {
			_, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithTracerProvider(nil))
			return err
		},
		"empty app": func() error { _, err := logistics.NewAppClient("", "secret"); return err },
	} {
		if err := f(); err == nil || !strings.HasPrefix(err.Error(), "logistics: ") {
			t.Errorf("%s: err = %v, want an error naming the package", name, err)
		}
	}
}
