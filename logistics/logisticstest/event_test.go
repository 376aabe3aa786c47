package logisticstest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/waybill-go/waybill/internal/wxcrypto"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

const (
	token = "tok-logisticstest"
	key   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	appID = "wxcarrier0000002"
)

func handler(t *testing.T, onCancel func(context.Context, *logistics.CancelWaybillEvent) error) *logistics.EventHandler {
	t.Helper()
	h, err := logistics.NewEventHandler(logistics.EventConfig{Token: token, EncodingAESKey: key, AppID: appID, AllowPlain: true, OnCancelWaybill: onCancel})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func ok(context.Context, *logistics.CancelWaybillEvent) error { return nil }

// serveAndRead runs req through h and reads the answer as p expects it.
func serveAndRead(p *logisticstest.Pusher, h http.Handler, req *http.Request) (*logisticstest.CancelWaybillReply, error) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	r, err := p.ReadReply(w.Result())
	if err != nil {
		return nil, err
	}
	if r.StatusCode != http.StatusOK {
		return nil, &logisticstest.PushStatusError{StatusCode: r.StatusCode, Body: string(r.Body)}
	}
	return r.CancelWaybill()
}

func TestPusherValidation(t *testing.T) {
	t.Parallel()
	ev := logisticstest.SampleCancelWaybillEvent()
	tests := []struct {
		name string
		p    logisticstest.Pusher
	}{
		{"no token", logisticstest.Pusher{}},
		{"unknown format", logisticstest.Pusher{Token: token, Format: "yaml"}},
		{"compatible without safe", logisticstest.Pusher{Token: token, Compatible: true}},
		{"safe without key", logisticstest.Pusher{Token: token, AppID: appID, Safe: true}},
		{"safe with a bad key", logisticstest.Pusher{Token: token, EncodingAESKey: key[:40], AppID: appID, Safe: true}},
		{"safe without AppID", logisticstest.Pusher{Token: token, EncodingAESKey: key, Safe: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tt.p.NewRequest(context.Background(), "http://x/", ev); err == nil {
				t.Error("NewRequest succeeded")
			}
			if _, err := tt.p.Push(context.Background(), handler(t, ok), ev); err == nil {
				t.Error("Push succeeded")
			}
		})
	}
	p := &logisticstest.Pusher{Token: token}
	if _, err := p.NewRequest(context.Background(), "http://x/", nil); err == nil {
		t.Error("NewRequest accepted a nil event")
	}
	if _, err := p.Push(context.Background(), nil, ev); err == nil {
		t.Error("Push accepted a nil handler")
	}
	if _, err := p.NewRequest(context.Background(), "http://x/%zz", ev); err == nil {
		t.Error("NewRequest accepted a bad URL")
	}
}

func TestNewRequestPlain(t *testing.T) {
	t.Parallel()
	p := &logisticstest.Pusher{Token: token, Now: func() time.Time { return time.Unix(1533042556, 0) }}
	req, err := p.NewRequest(context.Background(), "https://carrier.example/push?route=a", logisticstest.SampleCancelWaybillEvent())
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	if req.Method != http.MethodPost || req.URL.Path != "/push" || q.Get("route") != "a" {
		t.Errorf("request %s %s", req.Method, req.URL)
	}
	if q.Get("timestamp") != "1533042556" || q.Get("nonce") == "" {
		t.Errorf("query %v", q)
	}
	if !wxcrypto.Verify(q.Get("signature"), token, q.Get("timestamp"), q.Get("nonce")) {
		t.Error("signature does not verify")
	}
	if q.Has("encrypt_type") || q.Has("msg_signature") {
		t.Errorf("plain request has safe-mode parameters: %v", q)
	}
	if got := req.Header.Get("Content-Type"); got != "text/xml" {
		t.Errorf("Content-Type %q", got)
	}
	body, _ := io.ReadAll(req.Body)
	want := "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><FromUserName><![CDATA[oABCD]]></FromUserName>" +
		"<CreateTime>1533042556</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[cancel_waybill]]></Event>" +
		"<OrderID><![CDATA[012345678901234567890123456789]]></OrderID><BizID><![CDATA[xyz]]></BizID><BizPwd><![CDATA[xyz123]]></BizPwd>" +
		"<ShopAppID><![CDATA[wxABCD]]></ShopAppID><WayBillID><![CDATA[123456789]]></WayBillID></xml>"
	if string(body) != want {
		t.Errorf("body\n got %s\nwant %s", body, want)
	}

	p.Format = logisticstest.FormatJSON
	req, err = p.NewRequest(context.Background(), "https://carrier.example/", logisticstest.SampleCancelWaybillEvent())
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(req.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m["CreateTime"] != float64(1533042556) || m["BizPwd"] != "xyz123" {
		t.Errorf("JSON body %s (%v)", body, err)
	}
	if got := req.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
}

// The interop vector of PROTOCOL.md, produced by the Pusher itself: with the
// random prefix fixed, the Encrypt it sends is the published ciphertext.
func TestNewRawRequestInteropVector(t *testing.T) {
	t.Parallel()
	const want = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		p := &logisticstest.Pusher{
			Token: "pamtest", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AppID: "wxb11529c136998cb6",
			Format: f, Safe: true,
			Rand: io.MultiReader(bytes.NewReader([]byte{0, 0, 0, 42}), strings.NewReader("aaaabbbbccccdddd")), // nonce, then prefix
		}
		req, err := p.NewRawRequest(context.Background(), "http://carrier.test/", []byte("我是中文abcd123"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(req.Body)
		var env struct {
			Encrypt string `xml:"Encrypt" json:"Encrypt"`
		}
		if f == logisticstest.FormatJSON {
			err = json.Unmarshal(body, &env)
		} else {
			err = xml.Unmarshal(body, &env)
		}
		if err != nil || env.Encrypt != want {
			t.Errorf("%s: Encrypt %q (%v), want %q", f, env.Encrypt, err, want)
		}
		q := req.URL.Query()
		if q.Get("nonce") != "42" || q.Get("encrypt_type") != "aes" || !wxcrypto.Verify(q.Get("msg_signature"), "pamtest", q.Get("timestamp"), "42", want) {
			t.Errorf("%s: query %v", f, q)
		}
	}
}

func TestNewRawRequestSafeShapes(t *testing.T) {
	t.Parallel()
	plain, _ := (&logisticstest.Pusher{Token: token}).Marshal(logisticstest.SampleCancelWaybillEvent())
	plainJSON, _ := (&logisticstest.Pusher{Token: token, Format: logisticstest.FormatJSON}).Marshal(logisticstest.SampleCancelWaybillEvent())
	tests := []struct {
		name       string
		format     logisticstest.Format
		compatible bool
		body       []byte
		keys       []string // what the outer body must carry
		noKeys     []string // and must not
	}{
		{"xml safe", logisticstest.FormatXML, false, plain, []string{"<ToUserName><![CDATA[gh_abcdefg]]></ToUserName>", "<Encrypt>"}, []string{"BizPwd", "oABCD"}},
		{"json safe", logisticstest.FormatJSON, false, plainJSON, []string{`"ToUserName":"gh_abcdefg"`, `"Encrypt":`}, []string{"BizPwd", "oABCD"}},
		{"xml compatible", logisticstest.FormatXML, true, plain, []string{"<BizPwd>", "<Encrypt>", "<ToUserName>"}, nil},
		{"json compatible", logisticstest.FormatJSON, true, plainJSON, []string{`"BizPwd"`, `"Encrypt":`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID, Format: tt.format, Safe: true, Compatible: tt.compatible}
			req, err := p.NewRawRequest(context.Background(), "http://carrier.test/", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
			for _, k := range tt.keys {
				if !bytes.Contains(body, []byte(k)) {
					t.Errorf("body lacks %s: %s", k, body)
				}
			}
			for _, k := range tt.noKeys {
				if bytes.Contains(body, []byte(k)) {
					t.Errorf("body shows %s: %s", k, body)
				}
			}
			reply, err := serveAndRead(p, handler(t, ok), req)
			if err != nil || reply.ResultCode != 0 {
				t.Errorf("handler answered %+v, %v", reply, err)
			}
		})
	}
	p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID, Safe: true, Compatible: true}
	if _, err := p.NewRawRequest(context.Background(), "http://x/", []byte("not xml")); err == nil {
		t.Error("compatible mode accepted a body it cannot extend")
	}
	p.Format = logisticstest.FormatJSON
	if _, err := p.NewRawRequest(context.Background(), "http://x/", []byte("[1]")); err == nil {
		t.Error("compatible mode accepted a JSON body it cannot extend")
	}
}

func TestMarshal(t *testing.T) {
	t.Parallel()
	p := &logisticstest.Pusher{Token: token}
	b, err := p.Marshal(logisticstest.Event{ToUserName: "a]]>b", CreateTime: 7, Event: "debug_demo"})
	if err != nil {
		t.Fatal(err)
	}
	var back logisticstest.Event
	if err := xml.Unmarshal(b, &back); err != nil || back.ToUserName != "a]]>b" || back.CreateTime != 7 || back.Event != "debug_demo" {
		t.Errorf("%s decodes to %+v, %v", b, back, err)
	}
	if !bytes.HasPrefix(b, []byte("<xml><ToUserName><![CDATA[")) {
		t.Errorf("not WeChat's shape: %s", b)
	}
	type withBool struct {
		Name  string `xml:"N"`
		Flag  bool
		Count uint8
		skip  string
		Skip  string `xml:"-"`
	}
	b, err = p.Marshal(&withBool{Name: "n", Flag: true, Count: 3, skip: "x", Skip: "y"})
	if err != nil || string(b) != "<xml><N><![CDATA[n]]></N><Flag>true</Flag><Count>3</Count></xml>" {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	// Strings go into CDATA verbatim, only "]]>" split, so a test can push
	// characters XML cannot carry; the handler refuses such a body.
	b, err = p.Marshal(logisticstest.Event{ToUserName: "a\x00]]>\xff", Event: "cancel_waybill"})
	if err != nil || !bytes.HasPrefix(b, []byte("<xml><ToUserName><![CDATA[a\x00]]]]><![CDATA[>\xff]]></ToUserName>")) {
		t.Errorf("Marshal = %q, %v", b, err)
	}
	if r, err := p.Send(context.Background(), handler(t, ok), b); err != nil || r.StatusCode != http.StatusBadRequest {
		t.Errorf("Send of a body with NUL: %+v, %v; want a 400", r, err)
	}
	if _, err := p.Marshal(struct{ M map[string]string }{}); err == nil {
		t.Error("Marshal accepted a map field")
	}
	if _, err := p.Marshal("text"); err == nil {
		t.Error("Marshal accepted a string")
	}
	p.Format = logisticstest.FormatJSON
	if b, err := p.Marshal(logisticstest.Event{Event: "x"}); err != nil || !bytes.Contains(b, []byte(`"Event":"x"`)) {
		t.Errorf("JSON Marshal = %s, %v", b, err)
	}
}

// fake answers with a fixed status, type and body.
func fake(status int, contentType, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func sealedReply(t *testing.T, tok, app, format string, tsJSON string) string {
	t.Helper()
	c, err := wxcrypto.New(key, app)
	if err != nil {
		t.Fatal(err)
	}
	inner := `{"ToUserName":"oABCD","ResultCode":0,"ResultMsg":"success"}`
	if format == "xml" {
		inner = `<xml><ToUserName>oABCD</ToUserName><ResultCode>0</ResultCode><ResultMsg>success</ResultMsg></xml>`
	}
	enc, _ := c.Encrypt([]byte(inner))
	sig := wxcrypto.Signature(tok, "1700000000", "99", enc)
	if format == "xml" {
		return "<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt><MsgSignature><![CDATA[" + sig + "]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[99]]></Nonce></xml>"
	}
	return `{"Encrypt":"` + enc + `","MsgSignature":"` + sig + `","TimeStamp":` + tsJSON + `,"Nonce":"99"}`
}

func TestPushChecksTheAnswer(t *testing.T) {
	t.Parallel()
	ev := logisticstest.SampleCancelWaybillEvent()
	tests := []struct {
		name    string
		format  logisticstest.Format
		safe    bool
		h       http.Handler
		wantErr string
	}{
		{"good safe json", logisticstest.FormatJSON, true, fake(200, "application/json", sealedReply(t, token, appID, "json", "1700000000")), ""},
		{"good safe xml", logisticstest.FormatXML, true, fake(200, "text/xml", sealedReply(t, token, appID, "xml", "")), ""},
		{"status", logisticstest.FormatXML, false, fake(401, "text/plain", "bad signature"), "HTTP 401"},
		{"unencrypted safe answer", logisticstest.FormatJSON, true, fake(200, "application/json", `{"ResultCode":0}`), "not encrypted"},
		{"success to a cancel", logisticstest.FormatXML, true, fake(200, "text/plain", "success"), `answered "success"`},
		{"TimeStamp as a string", logisticstest.FormatJSON, true, fake(200, "application/json", sealedReply(t, token, appID, "json", `"1700000000"`)), "TimeStamp"},
		{"forged MsgSignature", logisticstest.FormatJSON, true, fake(200, "application/json", sealedReply(t, "other-token", appID, "json", "1700000000")), "MsgSignature"},
		{"sealed for another app", logisticstest.FormatJSON, true, fake(200, "application/json", sealedReply(t, token, "wxother", "json", "1700000000")), "decrypting"},
		{"wrong format", logisticstest.FormatXML, false, fake(200, "application/json", `{"ResultCode":0}`), "came as"},
		{"ResultCode as a string", logisticstest.FormatJSON, false, fake(200, "application/json", `{"ResultCode":"0"}`), "decoding"},
		{"wrong XML root", logisticstest.FormatXML, false, fake(200, "application/xml", `<reply><ResultCode>0</ResultCode></reply>`), "decoding"},
		{"panicking handler", logisticstest.FormatXML, false, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("x") }), "panicked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID, Format: tt.format, Safe: tt.safe}
			reply, err := p.Push(context.Background(), tt.h, ev)
			if tt.wantErr == "" {
				if err != nil || reply.ToUserName != "oABCD" || reply.ResultMsg != "success" {
					t.Fatalf("Push = %+v, %v", reply, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Push error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
	var se *logisticstest.PushStatusError
	_, err := (&logisticstest.Pusher{Token: token}).Push(context.Background(), fake(413, "", "too big"), ev)
	if !errors.As(err, &se) || se.StatusCode != 413 || se.Body != "too big" {
		t.Errorf("err = %#v", err)
	}
}

func TestSendReturnsAnyStatus(t *testing.T) {
	t.Parallel()
	h := handler(t, ok)
	p := &logisticstest.Pusher{Token: "wrong-token"}
	r, err := p.Send(context.Background(), h, []byte("<xml><Event>debug_demo</Event></xml>"))
	if err != nil || r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Send = %+v, %v", r, err)
	}
	p = &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID, Safe: true}
	r, err = p.Send(context.Background(), h, []byte("<xml><Event>debug_demo</Event></xml>"))
	if err != nil || r.StatusCode != 200 || string(r.Body) != "success" || r.Encrypted || r.Format != "" {
		t.Fatalf("Send = %+v, %v", r, err)
	}
	if _, err := r.CancelWaybill(); err == nil {
		t.Error(`CancelWaybill decoded "success"`)
	}
}

func TestPathReachesMux(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("/carrier/wechat", handler(t, ok))
	p := &logisticstest.Pusher{Token: token, Path: "carrier/wechat"}
	if _, err := p.Push(context.Background(), mux, logisticstest.SampleCancelWaybillEvent()); err != nil {
		t.Fatal(err)
	}
	p.Path = "/elsewhere"
	var se *logisticstest.PushStatusError
	if _, err := p.Push(context.Background(), mux, logisticstest.SampleCancelWaybillEvent()); !errors.As(err, &se) || se.StatusCode != 404 {
		t.Fatalf("push to an unmounted path: %v", err)
	}
}

func TestOverHTTP(t *testing.T) {
	t.Parallel()
	var got *logistics.CancelWaybillEvent
	h := handler(t, func(_ context.Context, ev *logistics.CancelWaybillEvent) error { got = ev; return nil })
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID, Format: f, Safe: safe, Client: srv.Client()}
			reply, err := p.PushURL(context.Background(), srv.URL+"/", logisticstest.SampleCancelWaybillEvent())
			if err != nil || reply.ResultCode != 0 || reply.WayBillID != "123456789" {
				t.Fatalf("%s safe=%v: %+v, %v", f, safe, reply, err)
			}
			if got == nil || got.BizPwd != "xyz123" {
				t.Fatalf("callback got %v", got)
			}
			r, err := p.SendURL(context.Background(), srv.URL, []byte(`<xml><Event>get_quota</Event></xml>`))
			if f == logisticstest.FormatXML && (err != nil || string(r.Body) != "success") {
				t.Errorf("SendURL: %+v, %v", r, err)
			}
			if err := p.CheckURL(context.Background(), srv.URL); err != nil {
				t.Errorf("CheckURL: %v", err)
			}
		}
	}
	p := &logisticstest.Pusher{Token: token, Client: srv.Client()}
	if _, err := p.PushURL(context.Background(), "http://127.0.0.1:1/", logisticstest.SampleCancelWaybillEvent()); err == nil {
		t.Error("PushURL to a closed port succeeded")
	}
	if err := (&logisticstest.Pusher{Token: token}).Check(context.Background(), fake(200, "text/plain", "not the echo")); err == nil {
		t.Error("Check accepted a wrong echo")
	}
}

func TestReadReply(t *testing.T) {
	t.Parallel()
	p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID, Safe: true}
	req, err := p.NewRequest(context.Background(), "http://carrier.test/", logisticstest.SampleCancelWaybillEvent())
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	handler(t, ok).ServeHTTP(w, req)
	r, err := p.ReadReply(w.Result())
	if err != nil || !r.Encrypted || r.Format != logisticstest.FormatXML {
		t.Fatalf("ReadReply = %+v, %v", r, err)
	}
	reply, err := r.CancelWaybill()
	if err != nil || reply.OrderID != "012345678901234567890123456789" || reply.MsgType != "event" || reply.CreateTime != 1533042556 {
		t.Errorf("CancelWaybill = %+v, %v", reply, err)
	}
}

func TestPushRefusesNonObjectJSONAnswer(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{"null", "[]", `"success"`} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(answer))
		})
		p := &logisticstest.Pusher{Token: "t", Format: logisticstest.FormatJSON}
		if reply, err := p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent()); err == nil {
			t.Errorf("answer %s decoded as %+v, want an error", answer, reply)
		}
	}
}
