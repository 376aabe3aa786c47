package secretaudit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/auth/redisstore"
	"github.com/waybill-go/waybill/internal/wxcrypto"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// The secrets. Each is distinctive, so a leak cannot hide in other text.
const (
	accessToken  = "SECRET1accesstoken"
	appSecret    = "SECRET2appsecret"
	bizPwd       = "SECRET3bizpwd"
	aesKey       = "SECRET4encodingaeskeyAAAAAAAAAAAAAAAAAAAAAA" // 43 characters
	apiusbSecret = "SECRET5apiusbsecret"
	apiusbToken  = "SECRET6apiusbtoken"
	pushToken    = "SECRET7pushtoken"
)

var secrets = []string{accessToken, appSecret, bizPwd, aesKey, apiusbSecret, apiusbToken, pushToken}

// audit collects everything the SDK printed.
type audit struct {
	t    *testing.T
	mu   sync.Mutex
	logs bytes.Buffer
	errs int
}

func newAudit(t *testing.T) *audit { return &audit{t: t} }

// logger logs everything, at every level, as JSON and as text.
func (a *audit) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{a}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct{ a *audit }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.a.mu.Lock()
	defer w.a.mu.Unlock()
	return w.a.logs.Write(p)
}

// checkText fails if text holds a secret.
func (a *audit) checkText(what, text string) {
	a.t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			a.t.Errorf("%s leaks %q: %s", what, s, text)
		}
	}
}

// checkErr walks the whole tree of wrapped errors.
func (a *audit) checkErr(what string, err error) {
	a.t.Helper()
	if err == nil {
		a.t.Errorf("%s: expected an error to audit, got nil", what)
		return
	}
	a.errs++
	var walk func(error, int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		a.checkText(fmt.Sprintf("%s (error at depth %d, %T)", what, depth, e), e.Error())
		a.checkText(what+" (%+v)", fmt.Sprintf("%+v", e))
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner, depth+1)
			}
		}
	}
	walk(err, 0)
}

// checkPrinted fails if any way of printing v shows a secret.
func (a *audit) checkPrinted(what string, v any) {
	a.t.Helper()
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("value", "v", v)
	a.checkText(what, fmt.Sprintf("%v|%+v|%#v|%s", v, v, v, v)+logs.String())
}

// dropServer reads each request and closes the connection unanswered.
func dropServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 8192)
			_, _ = c.Read(buf)
			c.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}

// answerServer answers every request with status and body.
func answerServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

var quick = waybill.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}

func TestNoSecretEverPrinted(t *testing.T) {
	a := newAudit(t)
	ctx := context.Background()
	log := a.logger()
	// echo is a reply that repeats a secret the client sent in every text
	// field, as a careless server might. (A client cannot scrub a secret it
	// never had, so each server echoes only what its client holds.)
	echo := func(code int, secret string) string {
		return fmt.Sprintf(`{"errcode":%d,"errmsg":"echo %s","ret":%d,"msg":"echo %s","data":{"code":%d,"message":"%s","data":"%s"}}`,
			code, secret, code, secret, code, secret, secret)
	}

	// WeChat: the order/cancel client, with a static token.
	wechatBases := map[string]string{
		"dropped connection": dropServer(t),
		"HTML 502":           answerServer(t, 502, "<html>bad gateway</html>"),
		"truncated JSON":     answerServer(t, 200, `{"errcode":0,"err`),
		"echoing errcode":    answerServer(t, 200, echo(9300501, accessToken)),
		"token rejected":     answerServer(t, 200, echo(40001, accessToken)),
		"system error":       answerServer(t, 200, echo(-1, accessToken)),
	}
	for name, base := range wechatBases {
		c, err := logistics.NewClient(auth.StaticToken(accessToken), logistics.WithBaseURL(base), logistics.WithLogger(log), logistics.WithRetry(quick))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o", DeliveryID: "SF", WaybillID: "w"})
		a.checkErr("wechat CancelOrder, "+name, err)
		a.checkPrinted("logistics.Client", c)
	}
	// A deadline while the server hangs.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leaving
		<-r.Context().Done()
	}))
	defer hang.Close()
	c, _ := logistics.NewClient(auth.StaticToken(accessToken), logistics.WithBaseURL(hang.URL), logistics.WithLogger(log))
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err := c.CancelOrder(dctx, &logistics.CancelOrderRequest{OrderID: "o", DeliveryID: "SF", WaybillID: "w"})
	cancel()
	a.checkErr("wechat CancelOrder, deadline", err)

	// WeChat token sources, classic (secret in the URL) and stable.
	for name, base := range map[string]string{
		"dropped connection": dropServer(t),
		"errcode":            answerServer(t, 200, echo(40125, appSecret)),
		"HTML 503":           answerServer(t, 503, "<html>down</html>"),
	} {
		for _, stable := range []bool{false, true} {
			src, err := auth.NewWeChatTokenSource("wxaudit", appSecret, auth.WithBaseURL(base), auth.WithStableToken(stable),
				auth.WithLogger(log), auth.WithRetry(quick))
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Token(ctx)
			a.checkErr(fmt.Sprintf("wechat token (stable=%v), %s", stable, name), err)
			a.checkPrinted("auth.WeChatTokenSource", src)
			// The client surfaces the token source's error too.
			c, _ := logistics.NewClient(src, logistics.WithBaseURL(base), logistics.WithLogger(log))
			_, err = c.Cancel(ctx, waybill.CancelRequest{OrderID: "o", WaybillID: "w", DeliveryID: "SF"})
			a.checkErr("wechat Cancel via failing token source, "+name, err)
		}
	}
	a.checkPrinted("auth.StaticToken", auth.StaticToken(accessToken))
	a.checkPrinted("auth.Token", auth.NewToken(accessToken, time.Hour, time.Now()))

	// A token source whose Redis store is down.
	rdb := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(dropServer(t), "http://"), MaxRetries: -1, DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	store, err := redisstore.New(rdb, redisstore.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	src, _ := auth.NewWeChatTokenSource("wxaudit", appSecret, auth.WithStore(store), auth.WithLogger(log), auth.WithBaseURL(answerServer(t, 200, `{"access_token":"`+accessToken+`","expires_in":7200}`)))
	_, err = src.Token(ctx)
	a.checkErr("wechat token with Redis down", err)
	a.checkPrinted("redisstore.Store", store)

	// APIUSB: the client, in POST and GET mode, with a static token.
	for name, base := range map[string]string{
		"dropped connection": dropServer(t),
		"HTML 502":           answerServer(t, 502, "<html>bad gateway</html>"),
		"truncated":          answerServer(t, 200, `{"ret":200,"da`),
		"ret 406 echo":       answerServer(t, 200, echo(406, apiusbToken)),
		"ret 500 echo":       answerServer(t, 200, echo(500, apiusbToken)),
		"inner code echo":    answerServer(t, 200, strings.Replace(echo(601, apiusbToken), `"ret":601`, `"ret":200`, 1)),
	} {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			c, err := apiusb.NewClient(apiusb.WithBaseURL(base), apiusb.WithAccessToken(auth.StaticToken(apiusbToken)),
				apiusb.WithMethod(method), apiusb.WithLogger(log), apiusb.WithRetry(quick))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.CancelOrder(ctx, &apiusb.CancelOrderRequest{OrderID: "o", TaskID: "t", CancelMsg: "m"})
			a.checkErr(fmt.Sprintf("apiusb CancelOrder %s, %s", method, name), err)
			if resp != nil {
				a.checkPrinted("apiusb.CancelOrderResponse", resp)
			}
			a.checkPrinted("apiusb.Client", c)
		}
	}
	// APIUSB token source (app_secret in the form body).
	for name, base := range map[string]string{
		"dropped connection": dropServer(t),
		"refused":            answerServer(t, 200, echo(401, apiusbSecret)),
		"no token":           answerServer(t, 200, `{"ret":200,"data":{},"msg":"`+apiusbSecret+`"}`),
	} {
		ts, err := apiusb.NewTokenSource("audit-key", apiusbSecret, apiusb.WithBaseURL(base), apiusb.WithLogger(log), apiusb.WithRetry(quick))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ts.Token(ctx)
		a.checkErr("apiusb token, "+name, err)
		a.checkPrinted("apiusb.TokenSource", ts)
	}

	// The event handler, in safe mode, with BizPwd in every event.
	const appID = "wxauditcarrier01"
	var calls sync.Map
	h, err := logistics.NewEventHandler(logistics.EventConfig{
		Token: pushToken, EncodingAESKey: aesKey, AppID: appID, Logger: log,
		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
			calls.Store(ev.WayBillID, ev.BizPwd)
			a.checkPrinted("CancelWaybillEvent", ev)
			a.checkPrinted("CancelWaybillEvent value", *ev)
			slog.New(slog.NewTextHandler(&lockedWriter{a}, nil)).Info("event", "ev", ev)
			switch ev.WayBillID {
			case "panic":
				panic("callback failed for " + ev.WayBillID)
			case "fail":
				return errors.New("database down")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatalf("NewEventHandler: %v", err)
	}
	a.checkPrinted("logistics.EventHandler", h)
	p := &logisticstest.Pusher{Token: pushToken, EncodingAESKey: aesKey, AppID: appID, Safe: true}
	ev := logisticstest.SampleCancelWaybillEvent()
	ev.BizPwd = bizPwd
	for _, w := range []string{"ok", "panic", "fail"} {
		for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
			ev.WayBillID = w
			p.Format = f
			if _, err := p.Push(ctx, h, ev); err != nil {
				t.Fatalf("push %s: %v", w, err)
			}
		}
	}
	if v, ok := calls.Load("ok"); !ok || v != bizPwd {
		t.Fatalf("the callback did not receive BizPwd: %v", v)
	}
	// Refused requests: forged signatures, wrong app, garbage.
	other := &logisticstest.Pusher{Token: pushToken, EncodingAESKey: aesKey, AppID: "wxsomeoneelse001", Safe: true}
	if _, err := other.Push(ctx, h, ev); err == nil {
		t.Fatal("a message for another AppID was accepted")
	} else {
		a.checkErr("push for another app", err)
	}
	forger := &logisticstest.Pusher{Token: "not-the-token", EncodingAESKey: aesKey, AppID: appID, Safe: true}
	if _, err := forger.Push(ctx, h, ev); err == nil {
		t.Fatal("a forged push was accepted")
	} else {
		a.checkErr("forged push", err)
	}
	q := url.Values{"timestamp": {"1"}, "nonce": {"2"}, "encrypt_type": {"aes"}}
	q.Set("signature", wxcrypto.Signature(pushToken, "1", "2"))
	q.Set("msg_signature", wxcrypto.Signature(pushToken, "1", "2", "!!notbase64"))
	req := httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), strings.NewReader(`<xml><Encrypt>!!notbase64</Encrypt></xml>`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code < 400 {
		t.Fatalf("undecryptable body: status %d", rec.Code)
	}
	a.checkText("handler answer", rec.Body.String())
	if _, err := logistics.NewEventHandler(logistics.EventConfig{Token: pushToken, EncodingAESKey: aesKey[:40], AppID: appID}); err == nil {
		t.Fatal("a short key was accepted")
	} else {
		a.checkErr("NewEventHandler with a bad key", err)
	}

	a.mu.Lock()
	logs := a.logs.String()
	a.mu.Unlock()
	a.checkText("logs", logs)
	// The audit must have seen real traffic, or it proves nothing.
	if a.errs < 30 || strings.Count(logs, "\n") < 40 {
		t.Fatalf("audited %d errors and %d log lines: too few to mean anything", a.errs, strings.Count(logs, "\n"))
	}
}
