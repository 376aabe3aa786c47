package faulttest

// One test per way the four hand-written call loops had drifted apart
// before the pipeline: each failed on the code before it, over real
// loopback HTTP, and now holds for both providers alike.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

const (
	longToken = "ACCESS-TOKEN-0123456789"
	appSecret = "APP-SECRET-0123456789"
)

// A cancel whose answer was lost and whose retry hears "already
// cancelled" succeeded, at either provider.
func TestLostAnswerSettlesOnBothProviders(t *testing.T) {
	wx := logisticstest.NewServer()
	defer wx.Close()
	wx.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	wxc, err := wx.Client(logistics.WithHTTPClient(transport(t)), logistics.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	usb := apiusbtest.NewServer()
	defer usb.Close()
	usb.AddTask(apiusbtest.Task{OrderID: "o-1", TaskID: "w-1"})
	usbc, err := usb.Client(apiusb.WithHTTPClient(transport(t)), apiusb.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	wx.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, DropAfterHandling: true})
	usb.Inject(apiusbtest.Fault{DropAfterHandling: true})
	for name, c := range map[string]waybill.Canceller{"wechat": wxc, "apiusb": usbc} {
		res, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "w-1", DeliveryID: "SF", Reason: "r"})
		if err != nil || !strings.HasPrefix(res.Message, "already cancelled (an earlier attempt's answer was lost)") {
			t.Errorf("%s: Cancel = %+v, %v; want success noting the lost answer", name, res, err)
		}
	}
}

// An oversized reply means the same on every endpoint: ErrSystem.
func TestOversizedReplyIsSystemEverywhere(t *testing.T) {
	huge := `{"access_token":"x","expires_in":7200,"pad":"` + strings.Repeat("x", 1<<20) + `"}`
	srv, _ := fixedServer(t, 200, huge)
	tokens, err := auth.NewWeChatTokenSource("wx1", appSecret, auth.WithBaseURL(srv), auth.WithHTTPClient(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tokens.Token(context.Background())
	if !errors.Is(err, werrors.ErrSystem) {
		t.Errorf("token endpoint: %v", err)
	}
	c := wechatClient(t, srv, auth.StaticToken(longToken))
	if _, err := c.CancelOrder(context.Background(), cancelReq()); !errors.Is(err, werrors.ErrSystem) {
		t.Errorf("order/cancel: %v", err)
	}
	u := apiusbClient(t, srv)
	if _, err := u.CancelOrder(context.Background(), apiusbReq()); !errors.Is(err, werrors.ErrSystem) {
		t.Errorf("CCancelOrder: %v", err)
	}
	ts, err := apiusb.NewTokenSource("key", appSecret, apiusb.WithBaseURL(srv), apiusb.WithHTTPClient(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Token(context.Background()); !errors.Is(err, werrors.ErrSystem) {
		t.Errorf("ApplyToken: %v", err)
	}
}

// thief records whatever reaches the host a redirect names.
type thief struct {
	*httptest.Server
	mu  sync.Mutex
	got []string
}

func newThief(t *testing.T) *thief {
	th := &thief{}
	th.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		th.mu.Lock()
		th.got = append(th.got, r.URL.String()+" "+r.Header.Get("Referer")+" "+string(b))
		th.mu.Unlock()
	}))
	t.Cleanup(th.Close)
	return th
}

// Neither provider redirects a client: a 307 is an unusable reply, and
// the token, the AppSecret and the app secret never reach another host.
func TestRedirectsLeakNothing(t *testing.T) {
	th := newThief(t)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		http.Redirect(w, r, th.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, werrors.ErrSystem) || !strings.Contains(err.Error(), "redirect") {
			t.Errorf("%s: err = %v, want ErrSystem naming the redirect", what, err)
		}
	}
	for _, stable := range []bool{true, false} {
		tokens, err := auth.NewWeChatTokenSource("wx1", appSecret, auth.WithBaseURL(redirector.URL),
			auth.WithStableToken(stable), auth.WithHTTPClient(transport(t)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = tokens.Token(context.Background())
		check(fmt.Sprint("token, stable ", stable), err)
	}
	_, err := wechatClient(t, redirector.URL, auth.StaticToken(longToken)).CancelOrder(context.Background(), cancelReq())
	check("order/cancel", err)
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		u := apiusbClient(t, redirector.URL, apiusb.WithAppKey("key", appSecret), apiusb.WithMethod(method))
		_, err = u.CancelOrder(context.Background(), apiusbReq())
		check("ApplyToken via "+method, err)
		u = apiusbClient(t, redirector.URL, apiusb.WithAccessToken(auth.StaticToken(longToken)), apiusb.WithMethod(method))
		_, err = u.CancelOrder(context.Background(), apiusbReq())
		check("CCancelOrder via "+method, err)
	}
	th.mu.Lock()
	defer th.mu.Unlock()
	if len(th.got) != 0 {
		t.Errorf("the redirect target received %q", th.got)
	}
}

// panicStore is a user's Store with a bug.
type panicStore struct{ auth.Store }

func (panicStore) Lock(context.Context, string) (func(), error) { panic("store bug") }

// panicTransport is a user's RoundTripper with a bug.
type panicTransport struct{}

func (panicTransport) RoundTrip(*http.Request) (*http.Response, error) { panic("transport bug") }

// A panic inside a token refresh happens in the refresh's own goroutine,
// where no caller can recover it: it comes back as an error instead of
// ending the process.
func TestPanicInTokenRefreshIsAnError(t *testing.T) {
	wx := logisticstest.NewServer()
	defer wx.Close()
	for name, opt := range map[string]auth.WeChatOption{
		"store":        auth.WithStore(panicStore{auth.NewMemoryStore()}),
		"RoundTripper": auth.WithHTTPClient(&http.Client{Transport: panicTransport{}}),
	} {
		tokens, err := wx.TokenSource(opt)
		if err != nil {
			t.Fatal(err)
		}
		c := wechatClient(t, wx.URL, tokens)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.CancelOrder(context.Background(), cancelReq())
				if !errors.Is(err, auth.ErrRefreshPanicked) || !strings.Contains(err.Error(), "bug") {
					t.Errorf("%s: err = %v", name, err)
				}
			}()
		}
		wg.Wait()
	}
	usb := apiusbtest.NewServer()
	defer usb.Close()
	u := apiusbClient(t, usb.URL, apiusb.WithAppKey(apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret),
		apiusb.WithStore(panicStore{auth.NewMemoryStore()}))
	if _, err := u.CancelOrder(context.Background(), apiusbReq()); !errors.Is(err, auth.ErrRefreshPanicked) {
		t.Errorf("apiusb: err = %v", err)
	}
}

// Only a top-level errcode of 0 (a number or a numeric string) is a
// success; a byte order mark is fine on both providers.
func TestWeChatRepliesThatLookLikeSuccess(t *testing.T) {
	for _, c := range []struct {
		body string
		ok   bool
	}{
		{`{"errcode":null,"errmsg":"system busy"}`, false},
		{`{"result":{"errcode":0,"errmsg":"ok"}}`, false},
		{`{"errmsg":"ok"}`, false},
		{`{"errcode":"0","errmsg":"ok","delivery_resultcode":"0"}`, true},
		{"\xef\xbb\xbf{\"errcode\":0,\"errmsg\":\"ok\"}", true},
	} {
		srv, _ := fixedServer(t, 200, c.body)
		resp, err := wechatClient(t, srv, auth.StaticToken(longToken), logistics.WithRetry(waybill.NoRetry)).
			CancelOrder(context.Background(), cancelReq())
		if c.ok && (err != nil || resp.ErrCode != 0) {
			t.Errorf("%s: %+v, %v; want success", c.body, resp, err)
		}
		if !c.ok && !errors.Is(err, werrors.ErrSystem) {
			t.Errorf("%s: %+v, %v; want ErrSystem", c.body, resp, err)
		}
	}
	srv, _ := fixedServer(t, 200, "\xef\xbb\xbf"+`{"ret":200,"data":{"code":200,"message":"success","data":"取消成功"},"msg":""}`)
	if _, err := apiusbClient(t, srv).CancelOrder(context.Background(), apiusbReq()); err != nil {
		t.Errorf("apiusb BOM: %v", err)
	}
}

// A reply that echoes the request carries the access token: it is removed
// from the error and from the returned response.
func TestEchoedTokenIsScrubbed(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("access_token")
		fmt.Fprintf(w, `{"errcode":9300501,"errmsg":"bad request %s","delivery_resultcode":1,"delivery_resultmsg":"echo: %s"}`, tok, tok)
	}))
	defer echo.Close()
	resp, err := wechatClient(t, echo.URL, auth.StaticToken(longToken)).CancelOrder(context.Background(), cancelReq())
	if !errors.Is(err, werrors.ErrCarrier) || resp == nil {
		t.Fatalf("CancelOrder = %+v, %v", resp, err)
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", *resp)} {
		if strings.Contains(text, longToken) || !strings.Contains(text, "REDACTED") {
			t.Errorf("token in %q", text)
		}
	}
}

// A wrong AppSecret is a credentials problem on every token endpoint.
func TestWrongCredentialsMatchErrInvalidCredentials(t *testing.T) {
	wx := logisticstest.NewServer()
	defer wx.Close()
	for _, stable := range []bool{true, false} {
		for _, id := range []string{logisticstest.DefaultAppID, "wx-unknown"} {
			c, err := logistics.NewAppClient(id, "wrong-secret", logistics.WithBaseURL(wx.URL),
				logistics.WithTokenOptions(auth.WithStableToken(stable)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.CancelOrder(context.Background(), cancelReq()); !errors.Is(err, werrors.ErrInvalidCredentials) || werrors.Retryable(err) {
				t.Errorf("app %s, stable %v: %v", id, stable, err)
			}
		}
	}
	usb := apiusbtest.NewServer()
	defer usb.Close()
	u := apiusbClient(t, usb.URL, apiusb.WithAppKey(apiusbtest.DefaultAppKey, "wrong-secret"))
	if _, err := u.CancelOrder(context.Background(), apiusbReq()); !errors.Is(err, werrors.ErrInvalidCredentials) {
		t.Errorf("apiusb: %v", err)
	}
}

// Provider-neutral code branches on the same sentinels whichever provider
// answered.
func TestCancellerSentinelsOnBothProviders(t *testing.T) {
	wx := logisticstest.NewServer()
	defer wx.Close()
	wx.AddOrder(logisticstest.Order{OrderID: "done", DeliveryID: "SF", WaybillID: "w-done", State: logisticstest.OrderCancelled})
	wx.AddOrder(logisticstest.Order{OrderID: "moving", DeliveryID: "SF", WaybillID: "w-moving", State: logisticstest.OrderPickedUp})
	wxc, _ := wx.Client()
	usb := apiusbtest.NewServer()
	defer usb.Close()
	usb.AddTask(apiusbtest.Task{OrderID: "done", TaskID: "w-done", State: apiusbtest.TaskCancelled})
	usb.AddTask(apiusbtest.Task{OrderID: "moving", TaskID: "w-moving", State: apiusbtest.TaskPickedUp})
	usbc, _ := usb.Client()
	for name, c := range map[string]waybill.Canceller{"wechat": wxc, "apiusb": usbc} {
		for id, want := range map[string]error{"done": werrors.ErrDuplicateCancel, "moving": werrors.ErrAlreadyHasTrace} {
			_, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: id, WaybillID: "w-" + id, DeliveryID: "SF", Reason: "r"})
			if !errors.Is(err, want) {
				t.Errorf("%s, order %s: %v, want %v", name, id, err, want)
			}
		}
	}
}

// Retryable is the one branch a caller needs for "later, or never".
func TestRetryableAcrossFailures(t *testing.T) {
	closed := closedURL(t)
	_, err := wechatClient(t, closed, auth.StaticToken(longToken)).CancelOrder(context.Background(), cancelReq())
	var te *werrors.TransportError
	if !errors.As(err, &te) || !werrors.Retryable(err) {
		t.Errorf("connection refused: %v", err)
	}
	_, err = apiusbClient(t, closed).CancelOrder(context.Background(), apiusbReq())
	if !errors.As(err, &te) || !werrors.Retryable(err) {
		t.Errorf("apiusb connection refused: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = wechatClient(t, closed, auth.StaticToken(longToken)).CancelOrder(ctx, cancelReq())
	if werrors.Retryable(err) {
		t.Errorf("cancelled context: %v is retryable", err)
	}
	srv, _ := fixedServer(t, 200, `{"errcode":9300506,"errmsg":"has trace"}`)
	_, err = wechatClient(t, srv, auth.StaticToken(longToken)).CancelOrder(context.Background(), cancelReq())
	if werrors.Retryable(err) {
		t.Errorf("business refusal: %v is retryable", err)
	}
}

// countingTransport counts requests per path and the User-Agents seen.
type countingTransport struct {
	mu     sync.Mutex
	paths  map[string]int
	agents map[string]bool
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.paths[r.URL.Path+"?s="+r.URL.Query().Get("s")]++
	c.agents[r.Header.Get("User-Agent")] = true
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// The HTTP client, logger, retry policy and User-Agent are given once and
// reach the token source too.
func TestConfigureOnce(t *testing.T) {
	wx := logisticstest.NewServer()
	defer wx.Close()
	wx.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	ct := &countingTransport{paths: map[string]int{}, agents: map[string]bool{}}
	hc := &http.Client{Transport: ct}
	c, err := logistics.NewAppClient(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret,
		logistics.WithBaseURL(wx.URL), logistics.WithHTTPClient(hc), logistics.WithUserAgent("myshop/2.1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CancelOrder(context.Background(), cancelReq()); err != nil {
		t.Fatal(err)
	}
	usb := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer usb.Close()
	usb.AddTask(apiusbtest.Task{OrderID: "o-1", TaskID: "t-1"})
	u, err := apiusb.NewClient(apiusb.WithBaseURL(usb.URL), apiusb.WithHTTPClient(hc), apiusb.WithUserAgent("myshop/2.1"),
		apiusb.WithAppKey(apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: "o-1", TaskID: "t-1", CancelMsg: "m"}); err != nil {
		t.Fatal(err)
	}
	ct.mu.Lock()
	defer ct.mu.Unlock()
	base, _ := url.Parse(usb.URL)
	for _, p := range []string{"/cgi-bin/stable_token?s=", logisticstest.PathCancelOrder + "?s=", base.Path + "?s="} {
		if ct.paths[p] == 0 {
			t.Errorf("no request to %s went through the one HTTP client: %v", p, ct.paths)
		}
	}
	if len(ct.agents) != 1 {
		t.Errorf("User-Agents %v, want one", ct.agents)
	}
	for ua := range ct.agents {
		if !strings.HasPrefix(ua, "waybill-go/") || !strings.HasSuffix(ua, " myshop/2.1") {
			t.Errorf("User-Agent %q", ua)
		}
	}
	// The APIUSB fake gets ApplyToken and CCancelOrder as form posts on
	// one path: both went through hc.
	if n := len(usb.Requests()); n != 2 {
		t.Errorf("APIUSB requests = %d, want ApplyToken and CCancelOrder", n)
	}
}
