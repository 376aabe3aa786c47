package faulttest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func wechatClient(t *testing.T, baseURL string, tokens auth.TokenSource, opts ...logistics.Option) *logistics.Client {
	t.Helper()
	c, err := logistics.NewClient(tokens, append([]logistics.Option{
		logistics.WithBaseURL(baseURL), logistics.WithHTTPClient(transport(t)), logistics.WithRetry(fastRetry),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cancelReq() *logistics.CancelOrderRequest {
	return &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"}
}

func TestWeChatResetBeforeRequestIsRetried(t *testing.T) {
	url, conns := resetServer(t, true, 1, `{"errcode":0,"errmsg":"ok"}`)
	c := wechatClient(t, url, auth.StaticToken("T"))
	if _, err := c.CancelOrder(context.Background(), cancelReq()); err != nil {
		t.Fatalf("err = %v, want success on the retry", err)
	}
	if conns.Load() != 2 {
		t.Fatalf("%d connections, want 2", conns.Load())
	}
}

func TestWeChatResetAfterRequestThenDuplicateIsSuccess(t *testing.T) {
	// The first request reached the server (which we treat as having
	// cancelled the order); the retry is told "already cancelled".
	url, conns := resetServer(t, false, 1, `{"errcode":9300524,"errmsg":"cancel order fail"}`)
	c := wechatClient(t, url, auth.StaticToken("T"))
	if _, err := c.CancelOrder(context.Background(), cancelReq()); err != nil {
		t.Fatalf("err = %v, want success: the lost attempt cancelled the order", err)
	}
	if conns.Load() != 2 {
		t.Fatalf("%d connections, want 2", conns.Load())
	}
}

func TestWeChatResetEveryTimeIsTransportError(t *testing.T) {
	url, _ := resetServer(t, true, 1000, "")
	c := wechatClient(t, url, auth.StaticToken("SECRET-T"))
	_, err := c.CancelOrder(context.Background(), cancelReq())
	if err == nil || errors.Is(err, werrors.ErrDuplicateCancel) || strings.Contains(err.Error(), "SECRET-T") {
		t.Fatalf("err = %v", err)
	}
}

func TestWeChatHangingServerHonoursDeadline(t *testing.T) {
	url, hits := hangingServer(t)
	c := wechatClient(t, url, auth.StaticToken("T"))
	endsAtDeadline(t, hits, func(ctx context.Context) error {
		_, err := c.CancelOrder(ctx, cancelReq())
		return err
	})
}

func TestWeChatTruncatedAndHTMLReplies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
	}{
		{"truncated JSON", 200, `{"errcode":0,"errmsg":"o`},
		{"HTML 502", 502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			url, _ := fixedServer(t, cs.status, cs.body)
			c := wechatClient(t, url, auth.StaticToken("T"))
			_, err := c.CancelOrder(context.Background(), cancelReq())
			var apiErr *werrors.APIError
			if !errors.Is(err, werrors.ErrSystem) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != cs.status {
				t.Fatalf("err = %v, want ErrSystem with HTTP %d", err, cs.status)
			}
		})
	}
}

func TestWeChatHugeReplyRefusedEarly(t *testing.T) {
	srv, written, hits := hugeServer(t, false)
	c := wechatClient(t, srv.URL, auth.StaticToken("T"))
	if _, err := c.CancelOrder(context.Background(), cancelReq()); !errors.Is(err, werrors.ErrSystem) {
		t.Fatalf("err = %v, want ErrSystem", err)
	}
	srv.CloseClientConnections()
	if w := written.Load(); w >= 32<<20 {
		t.Fatalf("the server got %d bytes out: the reply was read far past the cap", w)
	}
	// The cancel is not retried; its outcome unknown (WeChat answered,
	// unreadably), CancelOrder asks order/get once, which is refused early
	// too.
	if n := hits.Load(); n != 2 {
		t.Fatalf("%d requests, want 2: order/cancel once, then order/get once", n)
	}
}

func TestWeChatSlowTokenEndpointUnderLoad(t *testing.T) {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	for i := range 200 {
		wechat.AddOrder(logisticstest.Order{OrderID: orderID(i), DeliveryID: "SF", WaybillID: "w"})
	}
	wechat.Inject(logisticstest.Fault{Path: logisticstest.PathStableToken, Delay: 300 * time.Millisecond})
	tokens, err := wechat.TokenSource(auth.WithHTTPClient(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := wechatClient(t, wechat.URL, tokens)
	concurrently(200, func(i int) {
		if _, err := c.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: orderID(i), DeliveryID: "SF", WaybillID: "w"}); err != nil {
			t.Error(err)
		}
	})
	if n := wechat.TokenFetches(); n != 1 {
		t.Fatalf("%d token fetches for 200 callers, want 1", n)
	}
}

func TestWeChatTokenEndpointDownThenRecovers(t *testing.T) {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	// Three 503s: the token source's retries are spent on them.
	wechat.Inject(logisticstest.Fault{Path: logisticstest.PathStableToken, Times: 3, Status: 503})
	tokens, err := wechat.TokenSource(auth.WithHTTPClient(transport(t)), auth.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	c := wechatClient(t, wechat.URL, tokens)
	_, err = c.CancelOrder(context.Background(), cancelReq())
	if !errors.Is(err, werrors.ErrSystem) || strings.Contains(err.Error(), logisticstest.DefaultAppSecret) {
		t.Fatalf("while down: err = %v, want ErrSystem without the secret", err)
	}
	if _, err := c.CancelOrder(context.Background(), cancelReq()); err != nil {
		t.Fatalf("after recovery: %v (a failed fetch must not be cached)", err)
	}
}

func TestWeChatStormOf40001(t *testing.T) {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	for i := range 100 {
		wechat.AddOrder(logisticstest.Order{OrderID: orderID(i), DeliveryID: "SF", WaybillID: "w"})
	}
	tokens, err := wechat.TokenSource(auth.WithHTTPClient(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := wechatClient(t, wechat.URL, tokens)
	old, err := tokens.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wechat.InvalidateToken(old) // every caller holding it now gets 40001
	concurrently(100, func(i int) {
		if _, err := c.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: orderID(i), DeliveryID: "SF", WaybillID: "w"}); err != nil {
			t.Error(err)
		}
	})
	if n := wechat.TokenFetches(); n != 2 {
		t.Fatalf("%d token fetches, want 2: the first and one refresh for the whole storm", n)
	}
}

func TestWeChatContextCancelledMidBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hc, hits := inProcess(http.StatusOK, `{"errcode":-1,"errmsg":"system error"}`)
		c := wechatClient(t, "http://wechat.invalid", auth.StaticToken("T"), logistics.WithHTTPClient(hc),
			logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}))
		ctx, cancel := context.WithCancel(context.Background())
		err := cancelMidBackoff(t, cancel, func() error {
			_, err := c.CancelOrder(ctx, cancelReq())
			return err
		})
		if !errors.Is(err, context.Canceled) || !errors.Is(err, werrors.ErrSystem) || werrors.Retryable(err) || hits.Load() != 1 {
			t.Fatalf("err = %v after %d requests; want context.Canceled and the first attempt's ErrSystem, not retryable, after 1", err, hits.Load())
		}
	})
}
