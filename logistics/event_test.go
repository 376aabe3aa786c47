package logistics_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/wxcrypto"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Secrets that must never show up in logs or printed values.
const (
	testToken  = "tok-3f9a77c1"
	testKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAppID  = "wxcarrier0000001"
	testBizPwd = "bizpwd-5ecret-77"
)

// recorder is an OnCancelWaybill that records its calls and answers err.
type recorder struct {
	mu    sync.Mutex
	calls []logistics.CancelWaybillEvent
	ctxs  []context.Context
	err   error
	panic any
}

func (r *recorder) on(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
	r.mu.Lock()
	r.calls = append(r.calls, *ev)
	r.ctxs = append(r.ctxs, ctx)
	r.mu.Unlock()
	ev.OrderID, ev.BizID = "mutated", "mutated" // the reply must not change
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

func newHandler(t testing.TB, cfg logistics.EventConfig) *logistics.EventHandler {
	t.Helper()
	h, err := logistics.NewEventHandler(cfg)
	if err != nil {
		t.Fatalf("NewEventHandler: %v", err)
	}
	return h
}

// safeConfig is a handler configuration with a key; plain mode still works
// (AllowPlain), so that one handler serves both in these tests.
func safeConfig(rec *recorder) logistics.EventConfig {
	return logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID, AllowPlain: true, OnCancelWaybill: rec.on}
}

// testTS is the timestamp of the queries signed by signed: now, so that
// the handlers' default clock-skew check passes.
var testTS = strconv.FormatInt(time.Now().Unix(), 10)

func pusher(f logisticstest.Format, safe bool) *logisticstest.Pusher {
	return &logisticstest.Pusher{Token: testToken, EncodingAESKey: testKey, AppID: testAppID, Format: f, Safe: safe}
}

// signed returns a query signed with token, plus extra pairs.
func signed(token string, extra ...string) url.Values {
	q := url.Values{}
	q.Set("timestamp", testTS)
	q.Set("nonce", "271828")
	q.Set("signature", wxcrypto.Signature(token, testTS, "271828"))
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

// safeQuery signs a safe-mode request whose Encrypt field is enc.
func safeQuery(token, enc string) url.Values {
	return signed(token, "encrypt_type", "aes", "msg_signature", wxcrypto.Signature(token, testTS, "271828", enc))
}

func serve(h http.Handler, method string, q url.Values, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/wechat/push?"+q.Encode(), strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func xmlEnvelope(enc string) string {
	return "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGoldenReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		request, golden, contentType string
		err                          error
	}{
		{"cancel_waybill_request.xml", "cancel_waybill_reply.xml", "text/xml", nil},
		{"cancel_waybill_request.json", "cancel_waybill_reply.json", "application/json", nil},
		{"cancel_waybill_request.xml", "cancel_waybill_reply_30002.xml", "text/xml", fmt.Errorf("courier has it: %w", werrors.ErrAlreadyPickedUp)},
		{"cancel_waybill_request.json", "cancel_waybill_reply_30002.json", "application/json", fmt.Errorf("courier has it: %w", werrors.ErrAlreadyPickedUp)},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{err: tt.err}
			h := newHandler(t, logistics.EventConfig{Token: testToken, OnCancelWaybill: rec.on})
			w := serve(h, http.MethodPost, signed(testToken), tt.contentType, string(readFile(t, tt.request)))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			wantType := "application/xml; charset=utf-8"
			if strings.HasSuffix(tt.golden, ".json") {
				wantType = "application/json; charset=utf-8"
			}
			if got := w.Header().Get("Content-Type"); got != wantType {
				t.Errorf("Content-Type = %q, want %q", got, wantType)
			}
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, w.Body.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, tt.golden); !bytes.Equal(w.Body.Bytes(), want) {
				t.Errorf("reply differs from %s:\n got %s\nwant %s", path, w.Body, want)
			}
			if rec.count() != 1 || rec.calls[0].BizPwd != "xyz123" || rec.calls[0].CreateTime != 1533042556 {
				t.Errorf("callback calls = %d, %+v", rec.count(), rec.calls)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	type ctxKey struct{}
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, mode := range []string{"plain", "safe", "compatible"} {
			t.Run(string(f)+"/"+mode, func(t *testing.T) {
				t.Parallel()
				rec := &recorder{}
				h := newHandler(t, safeConfig(rec))
				p := pusher(f, mode != "plain")
				p.Compatible = mode == "compatible"
				ev := logisticstest.SampleCancelWaybillEvent()
				ev.BizPwd = testBizPwd
				ev.OrderID = "订单-<&>]]>-1" // survives both formats and CDATA
				ctx := context.WithValue(context.Background(), ctxKey{}, "carried")
				reply, err := p.Push(ctx, h, ev)
				if err != nil {
					t.Fatalf("Push: %v", err)
				}
				want := logisticstest.CancelWaybillReply{
					ToUserName: "oABCD", FromUserName: "gh_abcdefg", CreateTime: 1533042556,
					MsgType: "event", Event: "cancel_waybill", BizID: "xyz", OrderID: ev.OrderID,
					WayBillID: "123456789", ResultCode: 0, ResultMsg: "success",
				}
				if *reply != want {
					t.Errorf("reply = %+v\nwant    %+v", *reply, want)
				}
				if rec.count() != 1 {
					t.Fatalf("callback ran %d times", rec.count())
				}
				if got := rec.calls[0]; got != *ev {
					t.Errorf("callback got %#v\nwant %#v", got, *ev)
				}
				if got := rec.ctxs[0].Value(ctxKey{}); got != "carried" {
					t.Errorf("callback context lacks the request's value: %v", got)
				}
			})
		}
	}
}

func TestSafeModeReplyIsEncrypted(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			cfg := safeConfig(&recorder{})
			cfg.Now = func() time.Time { return now }
			h := newHandler(t, cfg)
			p := pusher(f, true)
			p.Now = cfg.Now
			body, _ := p.Marshal(logisticstest.SampleCancelWaybillEvent())
			req, err := p.NewRawRequest(context.Background(), "http://carrier.test/", body)
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if strings.Contains(w.Body.String(), "oABCD") || strings.Contains(w.Body.String(), "ResultCode") {
				t.Fatalf("safe-mode reply shows plaintext: %s", w.Body)
			}
			var env struct {
				Encrypt, MsgSignature, Nonce string
				TimeStamp                    any
			}
			if f == logisticstest.FormatJSON {
				if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
					t.Fatal(err)
				}
				if _, ok := env.TimeStamp.(float64); !ok {
					t.Errorf("TimeStamp is %T, want a JSON number: %s", env.TimeStamp, w.Body)
				}
				env.TimeStamp = strconv.FormatFloat(env.TimeStamp.(float64), 'f', -1, 64)
			} else {
				var x struct {
					XMLName                                 xml.Name `xml:"xml"`
					Encrypt, MsgSignature, Nonce, TimeStamp string
				}
				if err := xml.Unmarshal(w.Body.Bytes(), &x); err != nil {
					t.Fatal(err)
				}
				env.Encrypt, env.MsgSignature, env.Nonce, env.TimeStamp = x.Encrypt, x.MsgSignature, x.Nonce, x.TimeStamp
			}
			if env.TimeStamp != "1700000000" {
				t.Errorf("TimeStamp = %v, want the handler's clock", env.TimeStamp)
			}
			if env.Nonce == "" || env.Nonce == req.URL.Query().Get("nonce") {
				t.Errorf("Nonce = %q: want a fresh one", env.Nonce)
			}
			if !wxcrypto.Verify(env.MsgSignature, testToken, env.TimeStamp.(string), env.Nonce, env.Encrypt) {
				t.Error("MsgSignature does not verify")
			}
			c, _ := wxcrypto.New(testKey, testAppID)
			plain, err := c.Decrypt(env.Encrypt)
			if err != nil {
				t.Fatal(err)
			}
			golden := "cancel_waybill_reply." + string(f)
			if want := readFile(t, golden); !bytes.Equal(plain, want) {
				t.Errorf("decrypted reply differs from %s:\n got %s\nwant %s", golden, plain, want)
			}
		})
	}
}

// Tencent's interop vector from PROTOCOL.md: its ciphertext, pushed to a
// handler configured like the sample, decrypts (the message is not an event
// document, so the handler refuses it after decryption, not before).
func TestInteropVectorThroughHandler(t *testing.T) {
	t.Parallel()
	const enc = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
	var logs bytes.Buffer
	rec := &recorder{}
	h := newHandler(t, logistics.EventConfig{
		Token: "pamtest", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AppID: "wxb11529c136998cb6",
		OnCancelWaybill: rec.on, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	w := serve(h, http.MethodPost, safeQuery("pamtest", enc), "text/xml", xmlEnvelope(enc))
	if w.Code != http.StatusBadRequest || !strings.Contains(logs.String(), "malformed decrypted message") {
		t.Fatalf("status %d, logs %s", w.Code, logs.String())
	}
	// The same ciphertext for another app is refused as such.
	h = newHandler(t, logistics.EventConfig{Token: "pamtest", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AppID: "wxb11529c136998cb7"})
	if w := serve(h, http.MethodPost, safeQuery("pamtest", enc), "text/xml", xmlEnvelope(enc)); w.Code != http.StatusUnauthorized {
		t.Errorf("another AppID: status %d, want 401", w.Code)
	}
}

// WeChat's official safe-mode sample (token QDG6eK; quoted verbatim, for
// example, in w7corp/easywechat tests/Kernel/Traits/DecryptXmlMessageTest.php).
// It carries msg_signature but not the plain signature, which is computed
// here from its token, timestamp and nonce. It decrypts to a text message,
// which the handler answers "success" without calling back.
func TestOfficialSampleThroughHandler(t *testing.T) {
	t.Parallel()
	const (
		token = "QDG6eK"
		key   = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
		appID = "wx5823bf96d3bd56c7"
		ts    = "1409659813"
		nonce = "1372623149"
		msig  = "477715d11cdb4164915debcba66cb864d751f3e6"
		enc   = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	)
	body := "<xml>\n<ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt>\n<AgentID><![CDATA[218]]></AgentID>\n</xml>"
	query := func(msgSig string) url.Values {
		q := url.Values{}
		q.Set("timestamp", ts)
		q.Set("nonce", nonce)
		q.Set("signature", wxcrypto.Signature(token, ts, nonce))
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", msgSig)
		return q
	}
	rec := &recorder{}
	// A sample of 2014: its timestamp is years old, so the skew check is off.
	h := newHandler(t, logistics.EventConfig{Token: token, EncodingAESKey: key, AppID: appID, OnCancelWaybill: rec.on, MaxClockSkew: -1})
	w := serve(h, http.MethodPost, query(msig), "", body)
	if w.Code != http.StatusOK || w.Body.String() != "success" {
		t.Fatalf("official sample: status %d, body %q", w.Code, w.Body)
	}
	if rec.count() != 0 {
		t.Error("a text message reached OnCancelWaybill")
	}
	forged := []byte(msig)
	forged[0] = '5'
	if w := serve(h, http.MethodPost, query(string(forged)), "", body); w.Code != http.StatusUnauthorized {
		t.Errorf("official sample with a forged msg_signature: status %d, want 401", w.Code)
	}
}

// The mini program message-push documentation's safe-mode example, sent to
// the handler exactly as the page shows it (URL query and JSON body): a
// debug_demo event, answered "success" without reaching the callback.
func TestMiniProgramDocExampleThroughHandler(t *testing.T) {
	t.Parallel()
	const enc = "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="
	q, err := url.ParseQuery("signature=6c5c811b55cc85e0e1b54100749188c20beb3f5d&timestamp=1714112445&nonce=415670741&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=046e02f8204d34f8ba5fa3b1db94908f3df2e9b3")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"ToUserName": "gh_97417a04a28d", "Encrypt": "` + enc + `"}`
	rec := &recorder{}
	h := newHandler(t, logistics.EventConfig{Token: "AAAAA", EncodingAESKey: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AppID: "wxba5fad812f8e6fb9", OnCancelWaybill: rec.on, MaxClockSkew: -1})
	w := serve(h, http.MethodPost, q, "application/json", body)
	if w.Code != http.StatusOK || w.Body.String() != "success" {
		t.Fatalf("doc example: status %d, body %q", w.Code, w.Body)
	}
	if rec.count() != 0 {
		t.Error("debug_demo reached OnCancelWaybill")
	}
	// Another mini program's handler refuses it.
	other := newHandler(t, logistics.EventConfig{Token: "AAAAA", EncodingAESKey: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AppID: "wxanother0000000", MaxClockSkew: -1})
	if w := serve(other, http.MethodPost, q, "application/json", body); w.Code != http.StatusUnauthorized {
		t.Errorf("for another AppID: status %d, want 401", w.Code)
	}
}

func TestResultCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		code int
		msg  string
	}{
		{"nil", nil, 0, "success"},
		{"invalid param", werrors.ErrInvalidParam, 30001, "invalid parameter"},
		{"param error", &werrors.ParamError{Field: "BizID", Reason: "unknown"}, 30001, "invalid parameter"},
		{"wrapped invalid param", fmt.Errorf("lookup: %w", werrors.ErrInvalidParam), 30001, "invalid parameter"},
		{"picked up", werrors.ErrAlreadyPickedUp, 30002, "already picked up"},
		{"wrapped picked up", fmt.Errorf("order 1: %w", werrors.ErrAlreadyPickedUp), 30002, "already picked up"},
		{"joined picked up", errors.Join(errors.New("x"), werrors.ErrAlreadyPickedUp), 30002, "already picked up"},
		{"invalid waybill", werrors.ErrInvalidWaybill, 30003, "invalid waybill"},
		{"wrapped invalid waybill", fmt.Errorf("a: %w", fmt.Errorf("b: %w", werrors.ErrInvalidWaybill)), 30003, "invalid waybill"},
		{"not supported", werrors.ErrCancelNotSupported, 30004, "cancellation not supported"},
		{"wrapped not supported", fmt.Errorf("x: %w", werrors.ErrCancelNotSupported), 30004, "cancellation not supported"},
		{"other", errors.New("database is down at 10.0.0.7"), -1, "system error"},
		{"context", context.DeadlineExceeded, -1, "system error"},
		{"other sentinel", werrors.ErrSystem, -1, "system error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := logistics.ResultCode(tt.err); got != tt.code {
				t.Errorf("ResultCode = %d, want %d", got, tt.code)
			}
			if got := logistics.ResultMessage(tt.code); got != tt.msg {
				t.Errorf("ResultMessage(%d) = %q, want %q", tt.code, got, tt.msg)
			}
			for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
				for _, safe := range []bool{false, true} {
					h := newHandler(t, safeConfig(&recorder{err: tt.err}))
					reply, err := pusher(f, safe).Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
					if err != nil {
						t.Fatalf("%s safe=%v: %v", f, safe, err)
					}
					if reply.ResultCode != tt.code || reply.ResultMsg != tt.msg {
						t.Errorf("%s safe=%v: reply %d %q, want %d %q", f, safe, reply.ResultCode, reply.ResultMsg, tt.code, tt.msg)
					}
				}
			}
		})
	}
	if got := logistics.ResultMessage(12345); got == "" || got == "success" {
		t.Errorf("ResultMessage(12345) = %q", got)
	}
}

func TestNilCallbackAnswersNotSupported(t *testing.T) {
	t.Parallel()
	h := newHandler(t, logistics.EventConfig{Token: testToken})
	reply, err := pusher(logisticstest.FormatJSON, false).Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
	if err != nil {
		t.Fatal(err)
	}
	if reply.ResultCode != 30004 {
		t.Errorf("ResultCode = %d, want 30004", reply.ResultCode)
	}
}

func TestPanicInCallback(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	rec := &recorder{panic: "boom"}
	cfg := safeConfig(rec)
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h := newHandler(t, cfg)
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			reply, err := pusher(f, safe).Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
			if err != nil {
				t.Fatalf("%s safe=%v: %v", f, safe, err)
			}
			if reply.ResultCode != -1 || reply.ResultMsg != "system error" || reply.OrderID != "012345678901234567890123456789" {
				t.Errorf("%s safe=%v: reply %+v", f, safe, reply)
			}
		}
	}
	if rec.count() != 4 {
		t.Errorf("callback ran %d times, want 4", rec.count())
	}
	if !strings.Contains(logs.String(), "panicked") || !strings.Contains(logs.String(), "boom") {
		t.Errorf("panic not logged: %s", logs.String())
	}
}

// A callback panicking with http.ErrAbortHandler aborts the response: the
// handler raises the panic again in the request's goroutine, as net/http
// expects, and the event is not remembered.
func TestAbortHandlerPanicIsRaised(t *testing.T) {
	t.Parallel()
	rec := &recorder{panic: http.ErrAbortHandler}
	h := newHandler(t, safeConfig(rec))
	for _, safe := range []bool{false, true} {
		w := httptest.NewRecorder()
		req, err := pusher(logisticstest.FormatXML, safe).NewRequest(context.Background(), "http://carrier.test/", logisticstest.SampleCancelWaybillEvent())
		if err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if p := recover(); p != http.ErrAbortHandler {
					t.Errorf("safe=%v: recovered %v, want http.ErrAbortHandler", safe, p)
				}
			}()
			h.ServeHTTP(w, req)
		}()
	}
	if rec.count() != 2 {
		t.Errorf("callback ran %d times, want 2: an aborted event is not remembered", rec.count())
	}
	// Over HTTP, net/http aborts the connection: the client sees no answer.
	srv := httptest.NewServer(h)
	defer srv.Close()
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	p := pusher(logisticstest.FormatJSON, true)
	p.Client = srv.Client()
	if reply, err := p.PushURL(context.Background(), srv.URL, logisticstest.SampleCancelWaybillEvent()); err == nil {
		t.Errorf("an aborted handler answered %+v", reply)
	}
}

func TestOtherEventsAnswerSuccess(t *testing.T) {
	t.Parallel()
	events := []logisticstest.Event{
		{ToUserName: "gh_abcdefg", FromUserName: "oABCD", CreateTime: 1, MsgType: "event", Event: "debug_demo"},
		{ToUserName: "gh_abcdefg", FromUserName: "oABCD", CreateTime: 1, MsgType: "event", Event: "add_waybill"},
		{ToUserName: "gh_abcdefg", FromUserName: "oABCD", CreateTime: 1, MsgType: "event", Event: "check_biz"},
		{ToUserName: "gh_abcdefg", FromUserName: "oABCD", CreateTime: 1, MsgType: "event", Event: "get_quota"},
		{ToUserName: "gh_abcdefg", FromUserName: "oABCD", CreateTime: 1, MsgType: "event", Event: "cancel_waybill_v2"},
		{ToUserName: "gh_abcdefg", FromUserName: "oABCD", CreateTime: 1, MsgType: "text"},
		{},
	}
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/safe=%v", f, safe), func(t *testing.T) {
				t.Parallel()
				rec := &recorder{}
				h := newHandler(t, safeConfig(rec))
				p := pusher(f, safe)
				for _, ev := range events {
					body, err := p.Marshal(ev)
					if err != nil {
						t.Fatal(err)
					}
					r, err := p.Send(context.Background(), h, body)
					if err != nil {
						t.Fatal(err)
					}
					if r.StatusCode != http.StatusOK || string(r.Body) != "success" {
						t.Errorf("%q: status %d body %q", ev.Event, r.StatusCode, r.Body)
					}
				}
				if rec.count() != 0 {
					t.Errorf("OnCancelWaybill ran %d times for other events", rec.count())
				}
			})
		}
	}
}

func TestEventNameIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, safeConfig(rec))
	ev := logisticstest.SampleCancelWaybillEvent()
	ev.Event = "Cancel_Waybill"
	reply, err := pusher(logisticstest.FormatXML, false).Push(context.Background(), h, ev)
	if err != nil {
		t.Fatal(err)
	}
	if rec.count() != 1 || reply.Event != "cancel_waybill" {
		t.Errorf("calls %d, reply Event %q", rec.count(), reply.Event)
	}
}

func TestURLCheck(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, safeConfig(rec))
	const echo = "8327469203817 +/&=中"
	tests := []struct {
		name   string
		q      url.Values
		status int
		body   string
	}{
		{"good", signed(testToken, "echostr", echo), http.StatusOK, echo},
		{"good in safe mode", signed(testToken, "echostr", echo, "encrypt_type", "aes"), http.StatusOK, echo},
		{"forged", signed("another-token", "echostr", echo), http.StatusUnauthorized, ""},
		{"no signature", url.Values{"timestamp": {"1"}, "nonce": {"2"}, "echostr": {echo}}, http.StatusUnauthorized, ""},
		{"no echostr", signed(testToken), http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := serve(h, http.MethodGet, tt.q, "", "")
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if tt.status == http.StatusOK && w.Body.String() != tt.body {
				t.Errorf("body %q, want %q", w.Body, tt.body)
			}
			if tt.status != http.StatusOK && strings.Contains(w.Body.String(), echo) {
				t.Errorf("refused check echoed: %q", w.Body)
			}
		})
	}
	if err := pusher(logisticstest.FormatXML, false).Check(context.Background(), h); err != nil {
		t.Errorf("Pusher.Check: %v", err)
	}
	bad := pusher(logisticstest.FormatXML, false)
	bad.Token = "wrong"
	var se *logisticstest.PushStatusError
	if err := bad.Check(context.Background(), h); !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
		t.Errorf("Pusher.Check with a wrong token: %v", err)
	}
	if rec.count() != 0 {
		t.Error("a GET reached the callback")
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	h := newHandler(t, safeConfig(&recorder{}))
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions, "BREW"} {
		w := serve(h, m, signed(testToken), "text/xml", "<xml/>")
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d", m, w.Code)
		}
		if got := w.Header().Get("Allow"); got != "GET, POST" {
			t.Errorf("%s: Allow = %q", m, got)
		}
	}
}

// sealRaw encrypts a hand-built plaintext buffer (a multiple of 16 bytes)
// under testKey, so tests control padding and length field.
func sealRaw(t *testing.T, plain []byte) string {
	t.Helper()
	key, err := wxcrypto.DecodeKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

// frame lays out prefix, length field, message, app ID and padding bytes.
func frame(lenField uint32, msg, appID string, padByte byte, padLen int) []byte {
	b := make([]byte, 16, 256)
	b = binary.BigEndian.AppendUint32(b, lenField)
	b = append(b, msg...)
	b = append(b, appID...)
	return append(b, bytes.Repeat([]byte{padByte}, padLen)...)
}

func TestRefusedRequests(t *testing.T) {
	t.Parallel()
	const msg = "<xml><Event>cancel_waybill</Event></xml>" // 40 bytes
	n := 16 + 4 + len(msg) + len(testAppID)                // 76: pad 20 to 96
	pad := 96 - n
	good := sealRaw(t, frame(uint32(len(msg)), msg, testAppID, byte(pad), pad))
	validEvent, _ := pusher(logisticstest.FormatXML, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	enc, _ := mustCipher(t).Encrypt(validEvent)
	tamperedRaw, _ := base64.StdEncoding.DecodeString(enc)
	// In CBC, flipping a bit of the second-to-last block flips the same bit
	// of the last plaintext block: here the final pad byte, which no longer
	// matches the rest of the padding.
	tamperedRaw[len(tamperedRaw)-17] ^= 0x01
	tampered := base64.StdEncoding.EncodeToString(tamperedRaw)
	otherApp, _ := wxcrypto.New(testKey, "wxsomeoneelse0001")
	otherEnc, _ := otherApp.Encrypt(validEvent)
	badEvent := mustEncrypt(t, `{"Event":"cancel_waybill","CreateTime":true}`)

	tests := []struct {
		name        string
		plainOnly   bool
		q           url.Values
		contentType string
		body        string
		status      int
	}{
		{"no signature", false, url.Values{}, "text/xml", string(validEvent), 401},
		{"forged signature", false, signed("forged"), "text/xml", string(validEvent), 401},
		{"signature without timestamp", false, url.Values{"signature": {wxcrypto.Signature(testToken, "", "")}}, "text/xml", string(validEvent), 401},
		{"upper-case signature", false, url.Values{"timestamp": {"1"}, "nonce": {"2"}, "signature": {strings.ToUpper(wxcrypto.Signature(testToken, "1", "2"))}}, "text/xml", string(validEvent), 401},
		{"unknown encrypt_type", false, signed(testToken, "encrypt_type", "rsa"), "text/xml", string(validEvent), 400},
		{"safe mode without a key", true, safeQuery(testToken, enc), "text/xml", xmlEnvelope(enc), 400},
		{"missing msg_signature", false, signed(testToken, "encrypt_type", "aes"), "text/xml", xmlEnvelope(enc), 401},
		{"forged msg_signature", false, signed(testToken, "encrypt_type", "aes", "msg_signature", wxcrypto.Signature("forged", testTS, "271828", enc)), "text/xml", xmlEnvelope(enc), 401},
		{"msg_signature over other ciphertext", false, safeQuery(testToken, good), "text/xml", xmlEnvelope(enc), 401},
		{"safe mode without Encrypt", false, safeQuery(testToken, ""), "text/xml", string(validEvent), 400},
		{"wrong AppID", false, safeQuery(testToken, otherEnc), "text/xml", xmlEnvelope(otherEnc), 401},
		{"tampered ciphertext", false, safeQuery(testToken, tampered), "text/xml", xmlEnvelope(tampered), 400},
		{"not base64", false, safeQuery(testToken, "@@@@"), "text/xml", xmlEnvelope("@@@@"), 400},
		{"not whole blocks", false, safeQuery(testToken, "AAAAAAAA"), "text/xml", xmlEnvelope("AAAAAAAA"), 400},
		{"pad byte zero", false, safeQuery(testToken, sealRaw(t, frame(uint32(len(msg)), msg, testAppID, 0, pad))), "", xmlEnvelope(sealRaw(t, frame(uint32(len(msg)), msg, testAppID, 0, pad))), 400},
		{"pad byte too big", false, safeQuery(testToken, sealRaw(t, frame(uint32(len(msg)), msg, testAppID, 33, pad))), "", xmlEnvelope(sealRaw(t, frame(uint32(len(msg)), msg, testAppID, 33, pad))), 400},
		{"length field past the end", false, safeQuery(testToken, sealRaw(t, frame(uint32(len(msg)+len(testAppID)+1), msg, testAppID, byte(pad), pad))), "", xmlEnvelope(sealRaw(t, frame(uint32(len(msg)+len(testAppID)+1), msg, testAppID, byte(pad), pad))), 400},
		{"length field 2^32-1", false, safeQuery(testToken, sealRaw(t, frame(0xFFFFFFFF, msg, testAppID, byte(pad), pad))), "", xmlEnvelope(sealRaw(t, frame(0xFFFFFFFF, msg, testAppID, byte(pad), pad))), 400},
		{"length field too short", false, safeQuery(testToken, sealRaw(t, frame(uint32(len(msg)-1), msg, testAppID, byte(pad), pad))), "", xmlEnvelope(sealRaw(t, frame(uint32(len(msg)-1), msg, testAppID, byte(pad), pad))), 401},
		{"empty body", false, signed(testToken), "text/xml", "", 400},
		{"blank body", false, signed(testToken), "", " \r\n\t ", 400},
		{"neither XML nor JSON", false, signed(testToken), "", "ToUserName=gh", 400},
		{"wrong XML root", false, signed(testToken), "text/xml", "<root><Event>cancel_waybill</Event></root>", 400},
		{"truncated XML", false, signed(testToken), "text/xml", "<xml><Event>cancel_waybill</Event>", 400},
		{"truncated JSON", false, signed(testToken), "application/json", `{"Event":"cancel_waybill"`, 400},
		{"JSON array", false, signed(testToken), "application/json", `[{"Event":"cancel_waybill"}]`, 400},
		{"JSON null", false, signed(testToken), "application/json", `null`, 400},
		{"JSON with trailing data", false, signed(testToken), "application/json", `{"Event":"cancel_waybill"} {}`, 400},
		{"JSON labelled XML", false, signed(testToken), "text/xml", `{"Event":"cancel_waybill"}`, 400},
		{"bad CreateTime in JSON", false, signed(testToken), "application/json", `{"Event":"cancel_waybill","CreateTime":"soon"}`, 400},
		{"fractional CreateTime", false, signed(testToken), "application/json", `{"Event":"cancel_waybill","CreateTime":1.5}`, 400},
		{"bad CreateTime in XML", false, signed(testToken), "text/xml", `<xml><Event>cancel_waybill</Event><CreateTime>soon</CreateTime></xml>`, 400},
		{"Event of the wrong type", false, signed(testToken), "application/json", `{"Event":7}`, 400},
		{"decrypts to garbage", false, safeQuery(testToken, sealRaw(t, frame(10, "0123456789", testAppID, 2, 2))), "", xmlEnvelope(sealRaw(t, frame(10, "0123456789", testAppID, 2, 2))), 400},
		{"decrypts to a bad event", false, safeQuery(testToken, badEvent), "", xmlEnvelope(badEvent), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			rec := &recorder{}
			cfg := safeConfig(rec)
			if tt.plainOnly {
				cfg.EncodingAESKey, cfg.AppID = "", ""
			}
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			h := newHandler(t, cfg)
			w := serve(h, http.MethodPost, tt.q, tt.contentType, tt.body)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if rec.count() != 0 {
				t.Error("a refused request reached the callback")
			}
			if !strings.Contains(logs.String(), "level=WARN") {
				t.Errorf("refusal not logged: %q", logs.String())
			}
		})
	}
}

func mustCipher(t *testing.T) *wxcrypto.Cipher {
	t.Helper()
	c, err := wxcrypto.New(testKey, testAppID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustEncrypt(t *testing.T, msg string) string {
	t.Helper()
	enc, err := mustCipher(t).Encrypt([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func TestStaleTimestamp(t *testing.T) {
	t.Parallel()
	now := time.Unix(1533042556, 0)
	rec := &recorder{}
	cfg := safeConfig(rec)
	cfg.MaxClockSkew = time.Minute
	cfg.Now = func() time.Time { return now }
	h := newHandler(t, cfg)
	for _, tt := range []struct {
		at     time.Time
		status int
	}{
		{now, 200},
		{now.Add(-59 * time.Second), 200},
		{now.Add(59 * time.Second), 200},
		{now.Add(-2 * time.Minute), 401},
		{now.Add(2 * time.Minute), 401},
	} {
		p := pusher(logisticstest.FormatJSON, true)
		p.Now = func() time.Time { return tt.at }
		r, err := p.Send(context.Background(), h, []byte(`{"Event":"debug_demo"}`))
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode != tt.status {
			t.Errorf("timestamp %v from now: status %d, want %d", tt.at.Sub(now), r.StatusCode, tt.status)
		}
	}
	q := signed(testToken)
	q.Set("timestamp", "yesterday")
	q.Set("signature", wxcrypto.Signature(testToken, "yesterday", q.Get("nonce")))
	if w := serve(h, http.MethodPost, q, "", `{"Event":"debug_demo"}`); w.Code != http.StatusUnauthorized {
		t.Errorf("non-numeric timestamp: status %d", w.Code)
	}
	off := safeConfig(rec)
	off.MaxClockSkew = -1
	if w := serve(newHandler(t, off), http.MethodPost, q, "", `{"Event":"debug_demo"}`); w.Code != http.StatusOK {
		t.Errorf("with a negative MaxClockSkew the timestamp is not checked: status %d", w.Code)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	small := newHandler(t, logistics.EventConfig{Token: testToken, OnCancelWaybill: rec.on, MaxBodyBytes: 512})
	def := newHandler(t, logistics.EventConfig{Token: testToken, OnCancelWaybill: rec.on})
	event, _ := pusher(logisticstest.FormatXML, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	padded := func(n int) string { // a valid event padded with whitespace to n bytes
		return string(event) + strings.Repeat(" ", n-len(event))
	}
	tests := []struct {
		name    string
		h       http.Handler
		body    string
		chunked bool
		status  int
	}{
		{"at the limit", small, padded(512), false, 200},
		{"one over", small, padded(513), false, 413},
		{"one over, length unknown", small, padded(513), true, 413},
		{"default limit", def, padded(1 << 20), false, 200},
		{"over the default limit", def, padded(1<<20 + 1), false, 413},
		{"over the default limit, length unknown", def, padded(1<<20 + 1), true, 413},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				r := httptest.NewRequest(http.MethodPost, "/?"+signed(testToken).Encode(), strings.NewReader(tt.body))
				if tt.chunked {
					r.Body = io.NopCloser(strings.NewReader(tt.body)) // hides the length
					r.ContentLength = -1
				}
				w := httptest.NewRecorder()
				tt.h.ServeHTTP(w, r)
				if w.Code != tt.status {
					t.Errorf("status %d, want %d", w.Code, tt.status)
				}
			})
		}
	})
	if rec.count() != 2 {
		t.Errorf("callback ran %d times, want 2 (the bodies within the limit)", rec.count())
	}
}

func TestNilBody(t *testing.T) {
	t.Parallel()
	h := newHandler(t, safeConfig(&recorder{}))
	r := httptest.NewRequest(http.MethodPost, "/?"+signed(testToken).Encode(), nil)
	r.Body = nil
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest {
		t.Errorf("status %d", w.Code)
	}
}

func TestPlainRequestToSafeHandler(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, safeConfig(rec))
	// The console switched to plain mode: no encrypt_type, no Encrypt.
	reply, err := pusher(logisticstest.FormatXML, false).Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
	if err != nil || reply.ResultCode != 0 || rec.count() != 1 {
		t.Fatalf("reply %+v, err %v, calls %d", reply, err, rec.count())
	}
	// encrypt_type=raw is plain mode spelled out.
	body, _ := pusher(logisticstest.FormatJSON, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	if w := serve(h, http.MethodPost, signed(testToken, "encrypt_type", "raw"), "application/json", string(body)); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"ResultCode":0`) {
		t.Errorf("encrypt_type=raw: %d %s", w.Code, w.Body)
	}
}

func TestCompatibleModeUsesCiphertext(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, safeConfig(rec))
	inner, _ := pusher(logisticstest.FormatXML, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	enc := mustEncrypt(t, string(inner))
	// Plaintext fields that disagree with the ciphertext: the ciphertext wins.
	body := `<xml><ToUserName>gh_abcdefg</ToUserName><Event>cancel_waybill</Event><OrderID>forged</OrderID><BizPwd>forged</BizPwd><Encrypt>` + enc + `</Encrypt></xml>`
	w := serve(h, http.MethodPost, safeQuery(testToken, enc), "text/xml", body)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if rec.count() != 1 || rec.calls[0].OrderID != "012345678901234567890123456789" || rec.calls[0].BizPwd != "xyz123" {
		t.Errorf("callback got %+v", rec.calls)
	}
}

func TestFormatDetection(t *testing.T) {
	t.Parallel()
	xmlBody, _ := pusher(logisticstest.FormatXML, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	jsonBody, _ := pusher(logisticstest.FormatJSON, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	tests := []struct {
		name, contentType, body, wantType string
	}{
		{"xml by type", "text/xml; charset=utf-8", string(xmlBody), "application/xml"},
		{"xml by application type", "application/xml", string(xmlBody), "application/xml"},
		{"json by type", "application/json; charset=UTF-8", string(jsonBody), "application/json"},
		{"xml sniffed", "", "\n  " + string(xmlBody), "application/xml"},
		{"json sniffed", "text/plain", " " + string(jsonBody), "application/json"},
		{"json sniffed from form type", "application/x-www-form-urlencoded", string(jsonBody), "application/json"},
		{"json with a BOM", "", "\xef\xbb\xbf" + string(jsonBody), "application/json"},
		{"unparsable type", "garbage;;;", string(xmlBody), "application/xml"},
		{"xml without CDATA", "text/xml", `<xml><ToUserName>gh_abcdefg</ToUserName><FromUserName>oABCD</FromUserName><CreateTime> 1533042556 </CreateTime><Event>cancel_waybill</Event><OrderID>012345678901234567890123456789</OrderID></xml>`, "application/xml"},
		{"json with a string CreateTime", "application/json", `{"FromUserName":"oABCD","CreateTime":"1533042556","Event":"cancel_waybill","OrderID":"012345678901234567890123456789"}`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			h := newHandler(t, safeConfig(rec))
			w := serve(h, http.MethodPost, signed(testToken), tt.contentType, tt.body)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, tt.wantType) {
				t.Errorf("Content-Type %q, want %s", got, tt.wantType)
			}
			if rec.count() != 1 || rec.calls[0].CreateTime != 1533042556 || rec.calls[0].OrderID != "012345678901234567890123456789" {
				t.Errorf("callback got %+v", rec.calls)
			}
		})
	}
}

func TestReplyEchoesRequest(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	cfg := safeConfig(&recorder{})
	cfg.Now = func() time.Time { return now }
	h := newHandler(t, cfg)
	ev := logisticstest.SampleCancelWaybillEvent()
	ev.CreateTime = 0 // absent: the reply takes the handler's clock
	ev.BizID = "a]]>b<c>&d"
	p := pusher(logisticstest.FormatXML, false)
	p.Now = cfg.Now
	reply, err := p.Push(context.Background(), h, ev)
	if err != nil {
		t.Fatal(err)
	}
	if reply.CreateTime != now.Unix() || reply.BizID != ev.BizID || reply.ToUserName != "oABCD" || reply.FromUserName != "gh_abcdefg" {
		t.Errorf("reply %+v", reply)
	}
}

// A JSON event sealed inside an XML envelope may carry characters XML
// cannot: the XML reply must stay well-formed.
func TestXMLReplyStaysWellFormed(t *testing.T) {
	t.Parallel()
	h := newHandler(t, safeConfig(&recorder{}))
	inner := `{"ToUserName":"gh\u0000","FromUserName":"o\u0001]]>x","Event":"cancel_waybill","BizID":"\ud800","OrderID":"ok"}`
	p := pusher(logisticstest.FormatXML, true)
	r, err := p.Send(context.Background(), h, []byte(inner))
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode != http.StatusOK || !r.Encrypted {
		t.Fatalf("status %d encrypted %v: %s", r.StatusCode, r.Encrypted, r.Body)
	}
	reply, err := r.CancelWaybill()
	if err != nil {
		t.Fatalf("reply is not well-formed XML: %v\n%q", err, r.Body)
	}
	if reply.ToUserName != "o\uFFFD]]>x" || reply.FromUserName != "gh\uFFFD" || reply.OrderID != "ok" {
		t.Errorf("reply %+v", reply)
	}
}

func TestConcurrentPushes(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	h := newHandler(t, logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID, AllowPlain: true,
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { n.Add(1); return nil }})
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := logisticstest.FormatXML
			if i%2 == 1 {
				f = logisticstest.FormatJSON
			}
			ev := logisticstest.SampleCancelWaybillEvent()
			ev.OrderID = fmt.Sprint("order-", i) // 32 events, not one event 32 times
			if _, err := pusher(f, i%4 < 2).Push(context.Background(), h, ev); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n.Load() != 32 {
		t.Errorf("callback ran %d times", n.Load())
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	errs := []error{nil, werrors.ErrAlreadyPickedUp, errors.New("backend down")}
	var i atomic.Int64
	h := newHandler(t, logistics.EventConfig{
		Token: testToken, EncodingAESKey: testKey, AppID: testAppID, AllowPlain: true, Logger: logger,
		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
			k := i.Add(1)
			if k == 4 {
				panic(fmt.Sprintf("callback panicked with %v", ev)) // the event formats redacted
			}
			return errs[int(k)%len(errs)]
		},
	})
	ev := logisticstest.SampleCancelWaybillEvent()
	ev.BizPwd = testBizPwd
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			ev.OrderID += "+" // a new event each time, not a retry
			if _, err := pusher(f, safe).Push(context.Background(), h, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Refused requests too: a forged signature, a wrong key, a bad body.
	bad := pusher(logisticstest.FormatJSON, true)
	bad.Token = "forged-token"
	_, _ = bad.Push(context.Background(), h, ev)
	other := pusher(logisticstest.FormatXML, true)
	other.EncodingAESKey = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
	_, _ = other.Push(context.Background(), h, ev)
	body, _ := pusher(logisticstest.FormatJSON, false).Marshal(ev)
	_ = serve(h, http.MethodPost, signed(testToken), "application/json", strings.Replace(string(body), `"CreateTime":1533042556`, `"CreateTime":"`+testBizPwd+`"`, 1))
	_ = serve(h, http.MethodGet, signed(testToken, "echostr", "e"), "", "")

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	for _, secret := range []string{testBizPwd, testToken, testKey, "signature=", "msg_signature"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"cancel_waybill handled", "REDACTED", "OnCancelWaybill failed", "panicked", "bad signature", "refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestEventRedaction(t *testing.T) {
	t.Parallel()
	ev := logisticstest.SampleCancelWaybillEvent()
	ev.BizPwd = testBizPwd
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "ev", ev, "val", *ev)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "ev", ev)
	outputs := map[string]string{
		"String":   ev.String(),
		"GoString": ev.GoString(),
		"%v":       fmt.Sprintf("%v", ev),
		"%+v":      fmt.Sprintf("%+v", ev),
		"%#v":      fmt.Sprintf("%#v", ev),
		"%s":       fmt.Sprintf("%s", ev),
		"%q":       fmt.Sprintf("%q", ev),
		"%x":       fmt.Sprintf("%x", ev),
		"%d":       fmt.Sprintf("%d", *ev),
		"value %v": fmt.Sprintf("%v", *ev),
		"in slice": fmt.Sprintf("%v %+v", []*logistics.CancelWaybillEvent{ev}, []logistics.CancelWaybillEvent{*ev}),
		"Println":  fmt.Sprintln(ev, *ev),
		"LogValue": ev.LogValue().String(),
		"slog":     logs.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, testBizPwd) {
			t.Errorf("%s shows BizPwd: %s", name, out)
		}
		if name != "LogValue" && !strings.Contains(out, "123456789") {
			t.Errorf("%s lost the other fields: %s", name, out)
		}
	}
	if !strings.Contains(outputs["%#v"], `BizPwd:"REDACTED"`) || !strings.Contains(outputs["String"], `WayBillID:123456789`) {
		t.Errorf("unexpected shapes: %s / %s", outputs["String"], outputs["%#v"])
	}
	empty := logistics.CancelWaybillEvent{}
	if strings.Contains(empty.String(), "REDACTED") {
		t.Errorf("an empty BizPwd shows as redacted: %s", empty.String())
	}
	// encoding/json redacts it too (the slog JSON handler uses it for
	// events inside slices); the Pusher puts it on the wire, as WeChat does.
	b, _ := json.Marshal([]any{ev, *ev})
	if strings.Contains(string(b), testBizPwd) || !strings.Contains(string(b), `"BizPwd":"REDACTED"`) {
		t.Errorf("json.Marshal shows BizPwd: %s", b)
	}
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		if b, _ := pusher(f, false).Marshal(ev); !strings.Contains(string(b), testBizPwd) {
			t.Errorf("%s wire encoding dropped BizPwd: %s", f, b)
		}
	}
}

func TestCancelWaybillEventJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{`{"CreateTime":1533042556}`, 1533042556, false},
		{`{"CreateTime":"1533042556"}`, 1533042556, false},
		{`{"CreateTime":" 1533042556 "}`, 1533042556, false},
		{`{"CreateTime":""}`, 0, false},
		{`{"CreateTime":null}`, 0, false},
		{`{}`, 0, false},
		{`{"CreateTime":-5}`, -5, false},
		{`{"CreateTime":"12a"}`, 0, true},
		{`{"CreateTime":1e9}`, 0, true},
		{`{"CreateTime":true}`, 0, true},
		{`{"CreateTime":99999999999999999999}`, 0, true},
		{`{"CreateTime":"\u0031"}`, 1, false},
		{`{"CreateTime":[1]}`, 0, true},
	}
	for _, tt := range tests {
		var ev logistics.CancelWaybillEvent
		err := json.Unmarshal([]byte(tt.in), &ev)
		if (err != nil) != tt.wantErr || (!tt.wantErr && ev.CreateTime != tt.want) {
			t.Errorf("%s: CreateTime %d, err %v", tt.in, ev.CreateTime, err)
		}
	}
	var ev logistics.CancelWaybillEvent
	if err := json.Unmarshal(readFile(t, "cancel_waybill_request.json"), &ev); err != nil {
		t.Fatal(err)
	}
	want := *logisticstest.SampleCancelWaybillEvent()
	if ev != want {
		t.Errorf("decoded %#v\nwant %#v", ev, want)
	}
	var xev logistics.CancelWaybillEvent
	if err := xml.Unmarshal(readFile(t, "cancel_waybill_request.xml"), &xev); err != nil || xev != want {
		t.Errorf("XML decoded %#v, %v", xev, err)
	}
}

func TestNewEventHandlerValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   logistics.EventConfig
		field string // "" means valid
	}{
		{"token only", logistics.EventConfig{Token: "t"}, ""},
		{"with key", logistics.EventConfig{Token: "t", EncodingAESKey: testKey, AppID: "wx1"}, ""},
		{"official sample key", logistics.EventConfig{Token: "QDG6eK", EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", AppID: "wx5823bf96d3bd56c7"}, ""},
		{"AppID without key is fine", logistics.EventConfig{Token: "t", AppID: "wx1"}, ""},
		{"no token", logistics.EventConfig{EncodingAESKey: testKey, AppID: "wx1"}, "Token"},
		{"blank token", logistics.EventConfig{Token: "  "}, "Token"},
		{"short key", logistics.EventConfig{Token: "t", EncodingAESKey: testKey[:42], AppID: "wx1"}, "EncodingAESKey"},
		{"long key", logistics.EventConfig{Token: "t", EncodingAESKey: testKey + "H", AppID: "wx1"}, "EncodingAESKey"},
		{"key not base64", logistics.EventConfig{Token: "t", EncodingAESKey: strings.Repeat("*", 43), AppID: "wx1"}, "EncodingAESKey"},
		{"key with padding inside", logistics.EventConfig{Token: "t", EncodingAESKey: testKey[:41] + "=A", AppID: "wx1"}, "EncodingAESKey"},
		{"key without AppID", logistics.EventConfig{Token: "t", EncodingAESKey: testKey}, "AppID"},
		{"negative body limit", logistics.EventConfig{Token: "t", MaxBodyBytes: -1}, "MaxBodyBytes"},
		{"negative skew turns the check off", logistics.EventConfig{Token: "t", MaxClockSkew: -time.Second}, ""},
		{"negative callback timeout", logistics.EventConfig{Token: "t", CallbackTimeout: -time.Second}, "CallbackTimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := logistics.NewEventHandler(tt.cfg)
			if tt.field == "" {
				if err != nil || h == nil {
					t.Fatalf("NewEventHandler: %v", err)
				}
				return
			}
			if err == nil || h != nil {
				t.Fatalf("NewEventHandler accepted %s", tt.name)
			}
			if !errors.Is(err, werrors.ErrInvalidParam) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("err = %v; want ErrInvalidParam naming %s", err, tt.field)
			}
			if tt.cfg.EncodingAESKey != "" && strings.Contains(err.Error(), tt.cfg.EncodingAESKey) {
				t.Errorf("error repeats the key: %v", err)
			}
		})
	}
}

// FuzzEventHandler pushes arbitrary bodies and queries through the handler in
// plain and safe mode. mode 0 signs the body as a plain push; mode 1 encrypts
// it as a safe-mode message (so the fuzzer reaches the decrypted-message
// parser); mode 2 sends it as a safe-mode envelope as is, signing whatever
// Encrypt it carries; mode 3 sends it with the fuzzed query alone. The handler
// must not panic, must answer a status it documents, and a 200 must be a
// well-formed reply.
func FuzzEventHandler(f *testing.F) {
	xmlEvent, _ := pusher(logisticstest.FormatXML, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	jsonEvent, _ := pusher(logisticstest.FormatJSON, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	f.Add(uint8(0), "text/xml", xmlEvent, "")
	f.Add(uint8(0), "application/json", jsonEvent, "")
	f.Add(uint8(1), "", xmlEvent, "")
	f.Add(uint8(1), "application/json", jsonEvent, "")
	f.Add(uint8(2), "", []byte(xmlEnvelope("AAAA")), "")
	f.Add(uint8(2), "", []byte(`{"Encrypt":"jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="}`), "")
	f.Add(uint8(3), "", []byte("<xml/>"), "signature=x&timestamp=1&nonce=2&encrypt_type=aes")
	f.Add(uint8(0), "", []byte(`{"Event":"CANCEL_WAYBILL","CreateTime":"7"}`), "")
	f.Add(uint8(0), "", []byte("<xml><Event><![CDATA[cancel_waybill]]></Event><BizID>]]&gt;</BizID></xml>"), "")

	for _, ev := range []any{logisticstest.SampleAddWaybillEvent(), logisticstest.SampleCheckBizEvent(), logisticstest.SampleGetQuotaEvent(), logisticstest.SampleExpressPathEvent()} {
		for _, format := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
			p := pusher(format, false)
			b, _ := p.Marshal(ev)
			f.Add(uint8(0), "", b, "")
			f.Add(uint8(1), "", b, "")
		}
	}

	var calls atomic.Int64
	cfg := logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID, AllowPlain: true, MaxBodyBytes: 64 << 10,
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { calls.Add(1); return nil },
		OnAddWaybill: func(_ context.Context, ev *logistics.AddWaybillEvent) (*logistics.AddWaybillResult, error) {
			return &logistics.AddWaybillResult{WayBillID: ev.OrderID, WaybillData: ev.Remark}, nil
		},
		OnCheckBiz:    func(context.Context, *logistics.CheckBizEvent) error { return nil },
		OnGetQuota:    func(context.Context, *logistics.GetQuotaEvent) (int, error) { return 7, nil },
		OnExpressPath: func(context.Context, *logistics.ExpressPathEvent) error { return nil },
	}
	h := newHandler(f, cfg)
	allowed := map[int]bool{200: true, 400: true, 401: true, 413: true}

	f.Fuzz(func(t *testing.T, mode uint8, contentType string, body []byte, rawQuery string) {
		var req *http.Request
		switch mode % 4 {
		case 0, 1:
			p := pusher(logisticstest.FormatXML, mode%4 == 1)
			if sniffJSON(body) {
				p.Format = logisticstest.FormatJSON
			}
			var err error
			if req, err = p.NewRawRequest(context.Background(), "http://carrier.test/", body); err != nil {
				t.Fatal(err)
			}
		case 2:
			q := safeQuery(testToken, encryptField(body))
			req = httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), bytes.NewReader(body))
		case 3:
			if _, err := url.ParseQuery(rawQuery); err != nil {
				return
			}
			req = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			req.URL.RawQuery = rawQuery
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !allowed[w.Code] {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if w.Code != http.StatusOK || w.Body.String() == "success" {
			return
		}
		ct := w.Header().Get("Content-Type")
		switch {
		case strings.HasPrefix(ct, "application/json"):
			var v map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatalf("200 with malformed JSON: %v\n%q", err, w.Body)
			}
		case strings.HasPrefix(ct, "application/xml"):
			var v struct {
				XMLName xml.Name `xml:"xml"`
			}
			if err := xml.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatalf("200 with malformed XML: %v\n%q", err, w.Body)
			}
		default:
			t.Fatalf("200 with Content-Type %q: %q", ct, w.Body)
		}
	})
}

func sniffJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// encryptField finds the Encrypt field of a body the way a sender would
// sign it, or returns "".
func encryptField(body []byte) string {
	var v struct {
		Encrypt string `xml:"Encrypt" json:"Encrypt"`
	}
	if sniffJSON(body) {
		_ = json.Unmarshal(body, &v)
	} else {
		_ = xml.Unmarshal(body, &v)
	}
	return v.Encrypt
}
