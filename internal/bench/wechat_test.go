package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/logistics"
)

const (
	wechatCancelPath  = "/cgi-bin/express/business/order/cancel"
	wechatCancelReply = `{"errcode":0,"errmsg":"ok","delivery_resultcode":0,"delivery_resultmsg":""}`
	benchToken        = "ACCESS_TOKEN"
)

var wechatReq = logistics.CancelOrderRequest{OrderID: "01234567890123456789", OpenID: "oABC123456", DeliveryID: "SF", WaybillID: "123456789"}

// checkWeChatCancel is what the server insists on in strict mode.
func checkWeChatCancel(r *http.Request, body []byte) error {
	if r.Method != http.MethodPost || r.URL.Path != wechatCancelPath {
		return fmt.Errorf("got %s %s", r.Method, r.URL.Path)
	}
	if got := r.URL.Query().Get("access_token"); got != benchToken {
		return fmt.Errorf("access_token %q", got)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return fmt.Errorf("Content-Type %q", ct)
	}
	var got logistics.CancelOrderRequest
	if err := json.Unmarshal(body, &got); err != nil {
		return err
	}
	if got != wechatReq {
		return fmt.Errorf("body %s", body)
	}
	return nil
}

func newWeChatServer(tb testing.TB) *benchServer {
	return newBenchServer(tb, "application/json", wechatCancelReply, checkWeChatCancel)
}

// baselineWeChatCancel is the hand-written call the SDK competes with: the
// standard library only, no retries, no redaction, no size cap.
func baselineWeChatCancel(ctx context.Context, hc *http.Client, endpoint, token string, req *logistics.CancelOrderRequest) (*logistics.CancelOrderResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"?access_token="+url.QueryEscape(token), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out logistics.CancelOrderResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if out.ErrCode != 0 {
		return &out, fmt.Errorf("errcode %d: %s", out.ErrCode, out.ErrMsg)
	}
	return &out, nil
}

// wechatCallers returns the two implementations under test, each with its own
// client and transport, against srv.
func wechatCallers(tb testing.TB, srv *benchServer) (baseline, sdk func(context.Context) error) {
	hc := newHTTPClient()
	endpoint := srv.URL + wechatCancelPath
	baseline = func(ctx context.Context) error {
		req := wechatReq
		_, err := baselineWeChatCancel(ctx, hc, endpoint, benchToken, &req)
		return err
	}
	c, err := logistics.NewClient(auth.StaticToken(benchToken), logistics.WithBaseURL(srv.URL), logistics.WithHTTPClient(newHTTPClient()))
	if err != nil {
		tb.Fatal(err)
	}
	sdk = func(ctx context.Context) error {
		req := wechatReq
		_, err := c.CancelOrder(ctx, &req)
		return err
	}
	return baseline, sdk
}

// BenchmarkWeChatCancelOrder compares logistics.Client.CancelOrder (default
// retry policy, static token) with the hand-written call, one call at a time
// against the same loopback server.
func BenchmarkWeChatCancelOrder(b *testing.B) {
	srv := newWeChatServer(b)
	baseline, sdk := wechatCallers(b, srv)
	for _, impl := range []struct {
		name string
		call func(context.Context) error
	}{{"impl=baseline", baseline}, {"impl=sdk", sdk}} {
		b.Run(impl.name, func(b *testing.B) {
			ctx := context.Background()
			srv.preflight(b, func() error { return impl.call(ctx) })
			b.ReportAllocs()
			for b.Loop() {
				if err := impl.call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWeChatCancelOrderConcurrent runs the same two calls from 1, 8, 64
// and 512 goroutines at once against one server. ns/op is wall time divided
// by calls: how throughput holds up as calls overlap.
func BenchmarkWeChatCancelOrderConcurrent(b *testing.B) {
	srv := newWeChatServer(b)
	baseline, sdk := wechatCallers(b, srv)
	for _, g := range goroutineCounts {
		for _, impl := range []struct {
			name string
			call func(context.Context) error
		}{{"impl=baseline", baseline}, {"impl=sdk", sdk}} {
			b.Run(goroutinesName(g)+"/"+impl.name, func(b *testing.B) {
				ctx := context.Background()
				srv.preflight(b, func() error { return impl.call(ctx) })
				runConcurrent(b, g, func() error { return impl.call(ctx) })
			})
		}
	}
}

// TestBenchServerReusesConnections checks the harness: one caller making
// calls one after another uses a single connection, for both
// implementations, so the benchmarks measure calls rather than dials.
func TestBenchServerReusesConnections(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"baseline", "sdk"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newWeChatServer(t)
			baseline, sdk := wechatCallers(t, srv)
			call := baseline
			if name == "sdk" {
				call = sdk
			}
			srv.strict.Store(true) // check every request in full
			for i := range 20 {
				if err := call(context.Background()); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if n := srv.conns.Load(); n != 1 {
				t.Errorf("20 sequential calls opened %d connections, want 1", n)
			}
		})
	}
}

// fixedTransport answers every request in memory with one reply.
type fixedTransport string

func (t fixedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(t))), ContentLength: int64(len(t)), Request: r}, nil
}

// BenchmarkWeChatCancelOrderInMemory is BenchmarkWeChatCancelOrder without
// the network: both sides get the reply from an in-memory transport, so
// that what differs is the clients' own work, which the loopback numbers
// bury in the kernel's and the server's.
func BenchmarkWeChatCancelOrderInMemory(b *testing.B) {
	hc := &http.Client{Transport: fixedTransport(wechatCancelReply)}
	c, err := logistics.NewClient(auth.StaticToken(benchToken), logistics.WithHTTPClient(&http.Client{Transport: fixedTransport(wechatCancelReply)}))
	if err != nil {
		b.Fatal(err)
	}
	endpoint := logistics.DefaultBaseURL + wechatCancelPath
	for _, impl := range []struct {
		name string
		call func(context.Context) error
	}{
		{"impl=baseline", func(ctx context.Context) error {
			req := wechatReq
			_, err := baselineWeChatCancel(ctx, hc, endpoint, benchToken, &req)
			return err
		}},
		{"impl=sdk", func(ctx context.Context) error {
			req := wechatReq
			_, err := c.CancelOrder(ctx, &req)
			return err
		}},
	} {
		b.Run(impl.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := impl.call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
