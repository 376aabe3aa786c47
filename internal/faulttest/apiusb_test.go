package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
)

// The APIUSB half of the matrix. APIUSB's policy: transport errors, ret 5xx
// and HTTP 5xx without an envelope are retried; ret 4xx and HTTP 4xx never
// are. Unlike WeChat it has no documented "already cancelled" code, so
// nothing turns a refusal after a lost answer into success.

// apiusbOK is a CCancelOrder success.
const apiusbOK = `{"ret":200,"data":{"code":200,"message":"success","data":"取消成功"},"msg":""}`

func apiusbClient(t *testing.T, baseURL string, opts ...apiusb.Option) *apiusb.Client {
	t.Helper()
	c, err := apiusb.NewClient(append([]apiusb.Option{
		apiusb.WithBaseURL(baseURL), apiusb.WithHTTPClient(transport(t)), apiusb.WithRetry(fastRetry),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func apiusbReq() *apiusb.CancelOrderRequest {
	return &apiusb.CancelOrderRequest{OrderID: "o-1", TaskID: "t-1", CancelMsg: "no longer needed"}
}

// apiusbFake starts the fake with token checks on, seeded with tasks
// orderID(0) … orderID(n-1) (as both order and task ID), and a client whose
// ApplyToken source and calls go through per-test connection pools.
func apiusbFake(t *testing.T, n int, tokenOpts ...apiusb.TokenOption) (*apiusbtest.Server, *apiusb.TokenSource, *apiusb.Client) {
	t.Helper()
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	t.Cleanup(srv.Close)
	for i := range n {
		srv.AddTask(apiusbtest.Task{OrderID: orderID(i), TaskID: orderID(i)})
	}
	tokens, err := srv.TokenSource(append([]apiusb.TokenOption{apiusb.WithHTTPClient(transport(t))}, tokenOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, tokens, apiusbClient(t, srv.URL, apiusb.WithAccessToken(tokens))
}

func cancelTask(c *apiusb.Client, i int) error {
	_, err := c.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: orderID(i), TaskID: orderID(i), CancelMsg: "no longer needed"})
	return err
}

func TestAPIUSBResetBeforeRequestIsRetried(t *testing.T) {
	base, conns := resetServer(t, true, 1, apiusbOK)
	c := apiusbClient(t, base)
	if _, err := c.CancelOrder(context.Background(), apiusbReq()); err != nil {
		t.Fatalf("err = %v, want success on the retry", err)
	}
	if conns.Load() != 2 {
		t.Fatalf("%d connections, want 2", conns.Load())
	}
}

func TestAPIUSBResetAfterRequestThenAlreadyCancelledIsError(t *testing.T) {
	// The first request reached the server, which may have cancelled the
	// task, and the retry is refused as already cancelled. WeChat documents
	// that answer (9300524) and its client reports success after a lost
	// attempt; APIUSB documents no such code (1002 is only the fake's
	// convention), so the client cannot know the task is cancelled and must
	// return the refusal.
	answer := fmt.Sprintf(`{"ret":200,"data":{"code":%d,"message":"task already cancelled","data":""},"msg":""}`, apiusbtest.CodeAlreadyCancelled)
	base, conns := resetServer(t, false, 1, answer)
	c := apiusbClient(t, base)
	_, err := c.CancelOrder(context.Background(), apiusbReq())
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != apiusbtest.CodeAlreadyCancelled || apiErr.CodeName != "code" || errors.Is(err, werrors.ErrDuplicateCancel) {
		t.Fatalf("err = %v, want the refusal with data.code %d, not success or ErrDuplicateCancel", err, apiusbtest.CodeAlreadyCancelled)
	}
	if conns.Load() != 2 {
		t.Fatalf("%d connections, want 2", conns.Load())
	}
}

func TestAPIUSBLostAnswerThenFakesAlreadyCancelledIsError(t *testing.T) {
	// The same over the fake: the task really is cancelled by the attempt
	// whose answer was lost, yet the call fails, because the retry's 1002
	// is not a documented "already cancelled" (see above).
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o-1", TaskID: "t-1"})
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceCancelOrder, DropAfterHandling: true})
	c := apiusbClient(t, srv.URL)
	_, err := c.CancelOrder(context.Background(), apiusbReq())
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != apiusbtest.CodeAlreadyCancelled || errors.Is(err, werrors.ErrDuplicateCancel) {
		t.Fatalf("err = %v, want the fake's data.code %d", err, apiusbtest.CodeAlreadyCancelled)
	}
	if task, _ := srv.Task("t-1"); task.State != apiusbtest.TaskCancelled {
		t.Fatalf("task state %v, want cancelled by the lost attempt", task.State)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestAPIUSBResetEveryTimeIsTransportError(t *testing.T) {
	base, conns := resetServer(t, true, 1000, "")
	c := apiusbClient(t, base, apiusb.WithAccessToken(auth.StaticToken("SECRET-T")))
	_, err := c.CancelOrder(context.Background(), apiusbReq())
	var urlErr *url.Error
	var apiErr *werrors.APIError
	if !errors.As(err, &urlErr) || errors.As(err, &apiErr) || strings.Contains(err.Error(), "SECRET-T") {
		t.Fatalf("err = %v, want a transport error without the token", err)
	}
	if n := conns.Load(); n != int64(fastRetry.MaxAttempts) {
		t.Fatalf("%d connections, want one per attempt (%d)", n, fastRetry.MaxAttempts)
	}
}

func TestAPIUSBHangingServerHonoursDeadline(t *testing.T) {
	url, hits := hangingServer(t)
	c := apiusbClient(t, url)
	endsAtDeadline(t, hits, func(ctx context.Context) error {
		_, err := c.CancelOrder(ctx, apiusbReq())
		return err
	})
}

func TestAPIUSBBadReplies(t *testing.T) {
	attempts := int64(fastRetry.MaxAttempts)
	cases := []struct {
		name   string
		status int
		body   string
		want   error
		code   int   // the APIError's Code
		hits   int64 // 1: not retried
	}{
		{"truncated JSON", 200, `{"ret":200,"data":{"code":2`, werrors.ErrSystem, 0, 1},
		{"HTML 502", 502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", werrors.ErrSystem, 0, attempts},
		{"empty 503", 503, "", werrors.ErrSystem, 0, attempts},
		{"HTML 404", 404, "<html><body>404 Not Found</body></html>", werrors.ErrSystem, 0, 1},
		{"ret 503", 200, `{"ret":503,"data":{},"msg":"Service Unavailable"}`, werrors.ErrSystem, 503, attempts},
		{"ret 500 behind HTTP 500", 500, `{"ret":500,"data":{},"msg":"Internal Server Error"}`, werrors.ErrSystem, 500, attempts},
		{"ret 400", 200, `{"ret":400,"data":{},"msg":"Bad Request: missing orderId"}`, werrors.ErrInvalidParam, 400, 1},
		{"ret 404", 200, `{"ret":404,"data":{},"msg":"no such service"}`, werrors.ErrServiceNotFound, 404, 1},
		{"ret 406", 200, `{"ret":406,"data":{},"msg":"Not Acceptable"}`, werrors.ErrUnauthorized, 406, 1},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			base, hits := fixedServer(t, cs.status, cs.body)
			// A static token cannot be refreshed, so ret 406 stays one call.
			c := apiusbClient(t, base, apiusb.WithAccessToken(auth.StaticToken("T")))
			_, err := c.CancelOrder(context.Background(), apiusbReq())
			var apiErr *werrors.APIError
			if !errors.Is(err, cs.want) || !errors.As(err, &apiErr) || apiErr.Code != cs.code || apiErr.HTTPStatus != cs.status {
				t.Fatalf("err = %v, want %v with code %d and HTTP %d", err, cs.want, cs.code, cs.status)
			}
			if n := hits.Load(); n != cs.hits {
				t.Fatalf("%d requests, want %d", n, cs.hits)
			}
		})
	}
}

func TestAPIUSBHugeReplyRefusedEarly(t *testing.T) {
	for _, announce := range []bool{false, true} {
		t.Run(fmt.Sprintf("Content-Length %v", announce), func(t *testing.T) {
			srv, written, hits := hugeServer(t, announce)
			c := apiusbClient(t, srv.URL)
			if _, err := c.CancelOrder(context.Background(), apiusbReq()); !errors.Is(err, werrors.ErrSystem) {
				t.Fatalf("err = %v, want ErrSystem", err)
			}
			srv.CloseClientConnections()
			if w := written.Load(); w >= hugeSize/2 {
				t.Fatalf("the server got %d bytes out: the reply was read far past the cap", w)
			}
			if n := hits.Load(); n != 1 {
				t.Fatalf("%d requests, want 1: an oversized reply is not retried", n)
			}
		})
	}
}

func TestAPIUSBSlowTokenEndpointUnderLoad(t *testing.T) {
	const callers = 200
	srv, _, c := apiusbFake(t, callers)
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceApplyToken, Delay: 300 * time.Millisecond})
	concurrently(callers, func(i int) {
		if err := cancelTask(c, i); err != nil {
			t.Error(err)
		}
	})
	if n := srv.TokenFetches(); n != 1 {
		t.Fatalf("%d token fetches for %d callers, want 1", n, callers)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)); n != callers {
		t.Fatalf("%d cancel requests, want %d: none should have been refused", n, callers)
	}
}

func TestAPIUSBTokenEndpointDownThenRecovers(t *testing.T) {
	// Three HTML 503s: the token source's retries are spent on them.
	srv, _, c := apiusbFake(t, 1, apiusb.WithRetry(fastRetry))
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceApplyToken, Times: 3, Status: 503})
	err := cancelTask(c, 0)
	if !errors.Is(err, werrors.ErrSystem) || strings.Contains(err.Error(), apiusbtest.DefaultAppSecret) {
		t.Fatalf("while down: err = %v, want ErrSystem without the secret", err)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)); n != 0 {
		t.Fatalf("%d cancel requests without a token, want 0", n)
	}
	if err := cancelTask(c, 0); err != nil {
		t.Fatalf("after recovery: %v (a failed fetch must not be cached)", err)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceApplyToken)); n != 4 {
		t.Fatalf("%d ApplyToken requests, want 3 failed and 1 good", n)
	}
}

func TestAPIUSBStormOf406(t *testing.T) {
	const callers = 100
	srv, tokens, c := apiusbFake(t, callers)
	old, err := tokens.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv.InvalidateToken(old) // every caller holding it now gets ret 406
	concurrently(callers, func(i int) {
		if err := cancelTask(c, i); err != nil {
			t.Error(err)
		}
	})
	if n := srv.TokenFetches(); n != 2 {
		t.Fatalf("%d ApplyToken fetches, want 2: the first and one refresh for the whole storm", n)
	}
	for i := range callers {
		if task, _ := srv.Task(orderID(i)); task.State != apiusbtest.TaskCancelled {
			t.Fatalf("task %s: %v", orderID(i), task.State)
		}
	}
}

func TestAPIUSBContextCancelledMidBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hc, hits := inProcess(http.StatusOK, `{"ret":503,"data":{},"msg":"Service Unavailable"}`)
		c := apiusbClient(t, "http://apiusb.invalid/api/app", apiusb.WithHTTPClient(hc),
			apiusb.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Hour, MaxDelay: time.Hour}))
		ctx, cancel := context.WithCancel(context.Background())
		err := cancelMidBackoff(t, cancel, func() error {
			_, err := c.CancelOrder(ctx, apiusbReq())
			return err
		})
		if !errors.Is(err, context.Canceled) || !errors.Is(err, werrors.ErrSystem) || werrors.Retryable(err) || hits.Load() != 1 {
			t.Fatalf("err = %v after %d requests; want context.Canceled and the first attempt's ErrSystem, not retryable, after 1", err, hits.Load())
		}
	})
}
