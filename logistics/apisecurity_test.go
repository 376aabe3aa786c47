package logistics_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/apisec"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

const secAppID = "wxsecure00000001"

// The package's tests share two key sets made for them once by
// apisec.GenerateTestKeys (generating RSA keys is slow, very slow in a
// fuzzing binary): the app's, and a second one whose platform key plays
// WeChat's next certificate during a rotation.
var secKeys struct {
	once       sync.Once
	app, other apisec.TestKeys
	err        error
}

func testKeys(t testing.TB) (app, other apisec.TestKeys) {
	t.Helper()
	secKeys.once.Do(func() {
		var sets []struct {
			AppID, SymmetricKey, SymmetricSN, PlatformSN                              string
			AppPrivateKeyPEM, AppPublicKeyPEM, PlatformPrivateKeyPEM, PlatformCertPEM string
		}
		b, err := os.ReadFile("testdata/apisec_test_keys.json")
		if err == nil {
			err = json.Unmarshal(b, &sets)
		}
		if err == nil && len(sets) != 2 {
			err = fmt.Errorf("%d key sets in testdata/apisec_test_keys.json, want 2", len(sets))
		}
		if err != nil {
			secKeys.err = err
			return
		}
		keys := make([]apisec.TestKeys, 2)
		for i, s := range sets {
			keys[i] = apisec.TestKeys{AppID: s.AppID, SymmetricKey: s.SymmetricKey, SymmetricSN: s.SymmetricSN,
				AppPrivateKeyPEM: []byte(s.AppPrivateKeyPEM), AppPublicKeyPEM: []byte(s.AppPublicKeyPEM),
				PlatformPrivateKeyPEM: []byte(s.PlatformPrivateKeyPEM), PlatformCertPEM: []byte(s.PlatformCertPEM), PlatformSN: s.PlatformSN}
		}
		secKeys.app, secKeys.other = keys[0], keys[1]
	})
	if secKeys.err != nil {
		t.Fatal(secKeys.err)
	}
	return secKeys.app, secKeys.other
}

// apiSecurity is the client configuration for tk.
func apiSecurity(tk apisec.TestKeys) logistics.APISecurity {
	c := tk.Config()
	return logistics.APISecurity{AppID: c.AppID, SymmetricKey: c.SymmetricKey, SymmetricSN: c.SymmetricSN,
		PrivateKeyPEM: c.PrivateKeyPEM, PlatformCertPEM: c.PlatformCertPEM, PlatformSN: c.PlatformSN}
}

// secureServer plays WeChat's API security over loopback: it opens every
// request with the app's keys and answers what answer returns, so that a
// test can tamper with the reply.
type secureServer struct {
	*httptest.Server
	tk       apisec.TestKeys
	platform *apisec.Platform
	mu       sync.Mutex
	answer   func(urlpath string, now time.Time) (http.Header, []byte)
	opened   []string // the requests' plaintexts, or why they were refused
}

func newSecureServer(t *testing.T, answer func(urlpath string, now time.Time) (http.Header, []byte)) *secureServer {
	t.Helper()
	tk, _ := testKeys(t)
	p, err := apisec.NewPlatform(tk.PlatformConfig())
	if err != nil {
		t.Fatal(err)
	}
	s := &secureServer{tk: tk, platform: p, answer: answer}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		urlpath := apisec.RequestURLPath(r)
		plain, err := s.platform.OpenRequest(urlpath, r.Header, body, time.Now())
		s.mu.Lock()
		if err != nil {
			s.opened = append(s.opened, "refused: "+err.Error())
		} else {
			s.opened = append(s.opened, string(plain))
		}
		answer := s.answer
		s.mu.Unlock()
		hdr, reply := answer(urlpath, time.Now())
		for k, v := range hdr {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(reply)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *secureServer) client(t *testing.T, opts ...logistics.Option) *logistics.Client {
	t.Helper()
	c, err := logistics.NewClient(auth.StaticToken("ACCESS_TOKEN"), append([]logistics.Option{
		logistics.WithBaseURL(s.URL), logistics.WithRetry(waybill.NoRetry), logistics.WithAPISecurity(apiSecurity(s.tk)),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *secureServer) plaintexts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.opened...)
}

// sealed answers reply sealed and signed by p, dated at now+skew.
func sealed(t *testing.T, p *apisec.Platform, reply string, skew time.Duration) func(string, time.Time) (http.Header, []byte) {
	return func(urlpath string, now time.Time) (http.Header, []byte) {
		body, hdr, err := p.SealReply(urlpath, []byte(reply), now.Add(skew))
		if err != nil {
			t.Error(err)
		}
		return hdr, body
	}
}

// sealAs encrypts plain exactly as given for urlpath at ts with tk's
// symmetric key (a reply WeChat's platform code would never make).
func sealAs(t testing.TB, tk apisec.TestKeys, urlpath string, ts int64, plain string) []byte {
	t.Helper()
	key, _ := base64.StdEncoding.DecodeString(tk.SymmetricKey)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, _ := cipher.NewGCM(block)
	iv := make([]byte, 12)
	_, _ = rand.Read(iv)
	ad := urlpath + "|" + tk.AppID + "|" + strconv.FormatInt(ts, 10) + "|" + tk.SymmetricSN
	out := aead.Seal(nil, iv, []byte(plain), []byte(ad))
	enc := base64.StdEncoding.EncodeToString
	b, _ := json.Marshal(map[string]string{"iv": enc(iv), "data": enc(out[:len(out)-16]), "authtag": enc(out[len(out)-16:])})
	return b
}

// signAs signs body as tk's platform would, for appID at ts.
func signAs(t testing.TB, tk apisec.TestKeys, urlpath, appID string, ts int64, body []byte) http.Header {
	t.Helper()
	key := platformKey(t, tk)
	tsText := strconv.FormatInt(ts, 10)
	d := sha256.Sum256(append([]byte(urlpath+"\n"+appID+"\n"+tsText+"\n"), body...))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{}
	hdr.Set("Wechatmp-Appid", appID)
	hdr.Set("Wechatmp-TimeStamp", tsText)
	hdr.Set("Wechatmp-Serial", tk.PlatformSN)
	hdr.Set("Wechatmp-Signature", base64.StdEncoding.EncodeToString(sig))
	return hdr
}

// parsedKeys caches parsed platform keys: parsing checks a key, which is
// slow in a fuzzing binary.
var parsedKeys sync.Map // PEM text → *rsa.PrivateKey

func platformKey(t testing.TB, tk apisec.TestKeys) *rsa.PrivateKey {
	t.Helper()
	if k, ok := parsedKeys.Load(string(tk.PlatformPrivateKeyPEM)); ok {
		return k.(*rsa.PrivateKey)
	}
	block, _ := pem.Decode(tk.PlatformPrivateKeyPEM)
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	parsedKeys.Store(string(tk.PlatformPrivateKeyPEM), key)
	return key
}

// crafted answers plain sealed and signed by hand, after edit changes the
// sealed body.
func crafted(t *testing.T, tk apisec.TestKeys, plain func(ts int64) string, edit func(body []byte) []byte) func(string, time.Time) (http.Header, []byte) {
	return func(urlpath string, now time.Time) (http.Header, []byte) {
		ts := now.Unix()
		body := sealAs(t, tk, urlpath, ts, plain(ts))
		if edit != nil {
			body = edit(body)
		}
		return signAs(t, tk, urlpath, tk.AppID, ts, body), body
	}
}

// editEnvelope rewrites one member of a sealed body.
func editEnvelope(member string, change func(raw []byte) string) func([]byte) []byte {
	return func(body []byte) []byte {
		var env map[string]string
		_ = json.Unmarshal(body, &env)
		raw, _ := base64.StdEncoding.DecodeString(env[member])
		env[member] = change(raw)
		b, _ := json.Marshal(env)
		return b
	}
}

const cancelledReply = `{"errcode":0,"errmsg":"ok","wx_store_id":"S1","wx_order_id":"WX1","store_order_id":"","order_status":20000,"appid":"` + secAppID + `","deductfee":200}`

func okPlain(ts int64) string {
	return `{"_n":"abcdefghijklmnop","_appid":"` + secAppID + `","_timestamp":` + strconv.FormatInt(ts, 10) + `,"errcode":0,"errmsg":"ok"}`
}

// Every way a reply to a sealed call can fail WeChat API security's checks
// is an unusable reply (ErrSystem) whose cause matches ErrReplyNotVerified
// and the specific reason; refusals WeChat sends in plain JSON keep their
// errcode; nothing of that kind is ever a success.
func TestSealedReplyChecks(t *testing.T) {
	t.Parallel()
	app, other := testKeys(t)
	platform, err := apisec.NewPlatform(app.PlatformConfig())
	if err != nil {
		t.Fatal(err)
	}
	rotating := app.PlatformConfig()
	rotating.PlatformKeyPEM, rotating.PlatformSN = other.PlatformPrivateKeyPEM, other.PlatformSN
	rotating.DeprecatedKeyPEM, rotating.DeprecatedSN = app.PlatformPrivateKeyPEM, app.PlatformSN
	rotation, err := apisec.NewPlatform(rotating)
	if err != nil {
		t.Fatal(err)
	}
	unknown := app.PlatformConfig()
	unknown.PlatformKeyPEM, unknown.PlatformSN = other.PlatformPrivateKeyPEM, other.PlatformSN
	stranger, err := apisec.NewPlatform(unknown)
	if err != nil {
		t.Fatal(err)
	}
	withHeader := func(answer func(string, time.Time) (http.Header, []byte), k, v string) func(string, time.Time) (http.Header, []byte) {
		return func(urlpath string, now time.Time) (http.Header, []byte) {
			hdr, body := answer(urlpath, now)
			hdr.Set(k, v)
			return hdr, body
		}
	}
	flipSignature := func(answer func(string, time.Time) (http.Header, []byte)) func(string, time.Time) (http.Header, []byte) {
		return func(urlpath string, now time.Time) (http.Header, []byte) {
			hdr, body := answer(urlpath, now)
			sig, _ := base64.StdEncoding.DecodeString(hdr.Get("Wechatmp-Signature"))
			sig[len(sig)/2] ^= 1
			hdr.Set("Wechatmp-Signature", base64.StdEncoding.EncodeToString(sig))
			return hdr, body
		}
	}
	plainReply := func(body string) func(string, time.Time) (http.Header, []byte) {
		return func(string, time.Time) (http.Header, []byte) { return http.Header{}, []byte(body) }
	}
	good := sealed(t, platform, cancelledReply, 0)

	cases := []struct {
		name   string
		answer func(string, time.Time) (http.Header, []byte)
		reason error // the apisec reason; nil for a success
		code   int   // a plain refusal's errcode instead
		match  error // the sentinel the refusal matches
	}{
		{"good", good, nil, 0, nil},
		{"rotation: old certificate in the deprecated pair", sealed(t, rotation, cancelledReply, 0), nil, 0, nil},
		{"tampered signature", flipSignature(good), apisec.ErrBadSignature, 0, nil},
		{"signature not base64", withHeader(good, "Wechatmp-Signature", "%%%"), apisec.ErrBadSignature, 0, nil},
		{"no signature", withHeader(good, "Wechatmp-Signature", ""), apisec.ErrBadSignature, 0, nil},
		{"signed by another platform key under our serial", withHeader(sealed(t, stranger, cancelledReply, 0), "Wechatmp-Serial", app.PlatformSN), apisec.ErrBadSignature, 0, nil},
		{"wrong serial", withHeader(good, "Wechatmp-Serial", "00000000000000000000000000000000"), apisec.ErrUnknownSerial, 0, nil},
		{"new certificate only", sealed(t, stranger, cancelledReply, 0), apisec.ErrUnknownSerial, 0, nil},
		{"replayed old reply", sealed(t, platform, cancelledReply, -10*time.Minute), apisec.ErrStale, 0, nil},
		{"reply from the future", sealed(t, platform, cancelledReply, 10*time.Minute), apisec.ErrStale, 0, nil},
		{"timestamp header malformed", withHeader(good, "Wechatmp-TimeStamp", "soon"), apisec.ErrTimestamp, 0, nil},
		{"another app's Wechatmp-Appid", withHeader(good, "Wechatmp-Appid", "wxanother0000001"), apisec.ErrAppID, 0, nil},
		{"another app's _appid inside", crafted(t, app, func(ts int64) string {
			return strings.Replace(okPlain(ts), secAppID, "wxanother0000001", 1)
		}, nil), apisec.ErrAppID, 0, nil},
		{"_timestamp differs from the header", crafted(t, app, func(ts int64) string { return okPlain(ts - 1) }, nil), apisec.ErrPayload, 0, nil},
		{"no _n inside", crafted(t, app, func(ts int64) string { return strings.Replace(okPlain(ts), `"_n":"abcdefghijklmnop",`, "", 1) }, nil), apisec.ErrPayload, 0, nil},
		{"truncated ciphertext", crafted(t, app, okPlain, editEnvelope("data", func(raw []byte) string {
			return base64.StdEncoding.EncodeToString(raw[:len(raw)-3])
		})), apisec.ErrDecrypt, 0, nil},
		{"ciphertext not base64", crafted(t, app, okPlain, editEnvelope("data", func([]byte) string { return "!!not base64!!" })), apisec.ErrDecrypt, 0, nil},
		{"short authtag", crafted(t, app, okPlain, editEnvelope("authtag", func(raw []byte) string {
			return base64.StdEncoding.EncodeToString(raw[:8])
		})), apisec.ErrDecrypt, 0, nil},
		{"payload not an object", crafted(t, app, func(int64) string { return `["errcode",0]` }, nil), apisec.ErrPayload, 0, nil},
		{"unencrypted success", plainReply(`{"errcode":0,"errmsg":"ok","order_status":20000}`), apisec.ErrNotSealed, 0, nil},
		{"unencrypted without errcode", plainReply(`{"wx_order_id":"WX1"}`), apisec.ErrNotSealed, 0, nil},
		{"refused: bad signature (40234)", plainReply(`{"errcode":40234,"errmsg":"invalid signature rid: 1"}`), nil, 40234, werrors.ErrInvalidCredentials},
		{"refused: not signed (934011)", plainReply(`{"errcode":934011,"errmsg":"signature is needed rid: 2"}`), nil, 934011, werrors.ErrInvalidCredentials},
		{"refused: timestamp (40240)", plainReply(`{"errcode":40240,"errmsg":"expired"}`), nil, 40240, werrors.ErrInvalidCredentials},
		{"sealed business refusal", sealed(t, platform, `{"errcode":934016,"errmsg":"order not exist"}`, 0), nil, 934016, werrors.ErrOrderNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newSecureServer(t, c.answer)
			resp, err := srv.client(t).Intracity().CancelOrder(context.Background(),
				&logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: logistics.IntracityReasonNotNeeded})
			switch {
			case c.reason == nil && c.code == 0:
				if err != nil || resp.OrderStatus != logistics.IntracityOrderCancelledByShop || resp.DeductFee != 200 {
					t.Fatalf("CancelOrder = %+v, %v; want the cancelled order with its fee", resp, err)
				}
			case c.code != 0:
				var apiErr *werrors.APIError
				if !errors.As(err, &apiErr) || apiErr.Code != c.code || !errors.Is(err, c.match) || errors.Is(err, logistics.ErrReplyNotVerified) {
					t.Fatalf("err = %v; want errcode %d matching %v", err, c.code, c.match)
				}
				if resp == nil || resp.ErrCode != c.code {
					t.Fatalf("response %+v; want the decoded refusal", resp)
				}
			default:
				if resp != nil || !errors.Is(err, werrors.ErrSystem) || !errors.Is(err, logistics.ErrReplyNotVerified) || !errors.Is(err, c.reason) {
					t.Fatalf("CancelOrder = %+v, %v; want an unusable reply matching ErrReplyNotVerified and %v", resp, err, c.reason)
				}
			}
			if err != nil && strings.Contains(err.Error(), app.SymmetricKey) {
				t.Fatalf("the key in %q", err)
			}
			for i, p := range srv.plaintexts() {
				if !strings.Contains(p, `"wx_order_id":"WX1"`) {
					t.Errorf("request %d did not open at the platform: %s", i, p)
				}
			}
		})
	}
}

// A sealed reply that echoes the access token has it removed from the
// decoded response as from the error, though the token was encrypted.
func TestSealedReplyScrubbed(t *testing.T) {
	t.Parallel()
	app, _ := testKeys(t)
	platform, err := apisec.NewPlatform(app.PlatformConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := newSecureServer(t, sealed(t, platform, `{"errcode":934001,"errmsg":"bad token ACCESS_TOKEN"}`, 0))
	resp, err := srv.client(t).Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: 1})
	if !errors.Is(err, werrors.ErrInvalidParam) || resp == nil || resp.ErrCode != 934001 {
		t.Fatalf("CancelOrder = %+v, %v", resp, err)
	}
	if strings.Contains(resp.ErrMsg, "ACCESS_TOKEN") || strings.Contains(err.Error(), "ACCESS_TOKEN") || !strings.Contains(resp.ErrMsg, "REDACTED") {
		t.Fatalf("token kept: %q / %q", resp.ErrMsg, err)
	}
}

// A reply that fails the checks leaves the outcome unknown: the cancel asks
// queryorder, whose failure is told but not matched.
func TestUnverifiedReplyIsSettledByQuery(t *testing.T) {
	t.Parallel()
	srv := newSecureServer(t, func(string, time.Time) (http.Header, []byte) { return http.Header{}, []byte(`{"errcode":0}`) })
	_, err := srv.client(t).Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: 1})
	if !errors.Is(err, logistics.ErrReplyNotVerified) || !strings.Contains(err.Error(), "asking the provider afterwards failed too") {
		t.Fatalf("err = %v", err)
	}
	got := srv.plaintexts()
	if len(got) != 2 || strings.Contains(got[1], "cancel_reason_id") {
		t.Fatalf("requests %q; want the cancel, then the query", got)
	}
}

// Without WithAPISecurity a 同城配送 call fails before anything is sent.
func TestIntracityRequiresAPISecurity(t *testing.T) {
	t.Parallel()
	srv := newSecureServer(t, func(string, time.Time) (http.Header, []byte) { return http.Header{}, []byte(`{"errcode":0}`) })
	c, err := logistics.NewClient(auth.StaticToken("ACCESS_TOKEN"), logistics.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: 1})
	var pe *werrors.ParamError
	if !errors.As(err, &pe) || pe.Field != "APISecurity" || !errors.Is(err, werrors.ErrInvalidParam) {
		t.Fatalf("CancelOrder err = %v", err)
	}
	_, err = c.Intracity().Cancel(context.Background(), waybill.CancelRequest{WaybillID: "WX1"})
	if !errors.As(err, &pe) || pe.Field != "APISecurity" {
		t.Fatalf("Cancel err = %v", err)
	}
	_, err = c.Intracity().QueryOrder(context.Background(), &logistics.IntracityQueryRequest{WxOrderID: "WX1"})
	if !errors.As(err, &pe) || pe.Field != "APISecurity" {
		t.Fatalf("QueryOrder err = %v", err)
	}
	if n := len(srv.plaintexts()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// The request as sent: POST to the endpoint with the token in the query,
// the three Wechatmp headers, a body of iv, data and authtag only, whose
// plaintext is the API's members plus _n, _appid and _timestamp; a retry
// is sealed afresh.
func TestSealedRequestShape(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "WX1"})
	client, err := srv.Client(logistics.WithAPISecurity(srv.APISecurity()),
		logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.TokenSource().Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, Errcode: -1})
	if _, err := client.Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: logistics.IntracityReasonOther, CancelReason: "顾客改约"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.RequestsTo(logisticstest.PathIntracityCancelOrder)
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	var nonces []string
	for i, r := range reqs {
		if r.Method != http.MethodPost || r.Query.Get("access_token") == "" || r.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("request %d: %s %v %v", i, r.Method, r.Query, r.Header)
		}
		ts, _ := strconv.ParseInt(r.Header.Get("Wechatmp-TimeStamp"), 10, 64)
		if r.Header.Get("Wechatmp-Appid") != logisticstest.DefaultAppID || r.Header.Get("Wechatmp-Signature") == "" || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
			t.Fatalf("request %d headers %v", i, r.Header)
		}
		var env map[string]string
		if err := json.Unmarshal(r.Body, &env); err != nil || len(env) != 3 || env["iv"] == "" || env["data"] == "" || env["authtag"] == "" {
			t.Fatalf("request %d body %s", i, r.Body)
		}
		plain, err := srv.Decrypt(r)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		var got struct {
			N         string `json:"_n"`
			AppID     string `json:"_appid"`
			Timestamp int64  `json:"_timestamp"`
			logistics.IntracityCancelRequest
		}
		if err := json.Unmarshal(plain, &got); err != nil {
			t.Fatal(err)
		}
		want := logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: 99, CancelReason: "顾客改约"}
		if got.IntracityCancelRequest != want || got.AppID != logisticstest.DefaultAppID || got.Timestamp != ts || len(got.N) < 16 {
			t.Fatalf("request %d plaintext %s", i, plain)
		}
		nonces = append(nonces, got.N)
	}
	if nonces[0] == nonces[1] || reqs[0].Header.Get("Wechatmp-Signature") == reqs[1].Header.Get("Wechatmp-Signature") {
		t.Fatal("the retry was not sealed afresh")
	}
}

// Malformed keys fail NewClient with an error naming the field, and no key.
func TestAPISecurityKeysCheckedAtConstruction(t *testing.T) {
	t.Parallel()
	app, _ := testKeys(t)
	ecKey := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1, 2, 3}})
	cases := []struct {
		field  string
		mutate func(*logistics.APISecurity)
	}{
		{"APISecurity.AppID", func(s *logistics.APISecurity) { s.AppID = "" }},
		{"APISecurity.AppID", func(s *logistics.APISecurity) { s.AppID = "wx|1" }},
		{"APISecurity.SymmetricKey", func(s *logistics.APISecurity) { s.SymmetricKey = "" }},
		{"APISecurity.SymmetricKey", func(s *logistics.APISecurity) { s.SymmetricKey = "not base64!" }},
		{"APISecurity.SymmetricKey", func(s *logistics.APISecurity) { s.SymmetricKey = base64.StdEncoding.EncodeToString(make([]byte, 16)) }},
		{"APISecurity.SymmetricSN", func(s *logistics.APISecurity) { s.SymmetricSN = "" }},
		{"APISecurity.PrivateKeyPEM", func(s *logistics.APISecurity) { s.PrivateKeyPEM = nil }},
		{"APISecurity.PrivateKeyPEM", func(s *logistics.APISecurity) {
			s.PrivateKeyPEM = []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
		}},
		{"APISecurity.PrivateKeyPEM", func(s *logistics.APISecurity) { s.PrivateKeyPEM = ecKey }},
		{"APISecurity.PrivateKeyPEM", func(s *logistics.APISecurity) { s.PrivateKeyPEM = s.PlatformCertPEM }},
		{"APISecurity.PlatformCertPEM", func(s *logistics.APISecurity) { s.PlatformCertPEM = []byte("garbage") }},
		{"APISecurity.PlatformCertPEM", func(s *logistics.APISecurity) { s.PlatformCertPEM = s.PrivateKeyPEM }},
		{"APISecurity.PlatformSN", func(s *logistics.APISecurity) { s.PlatformSN = "" }},
	}
	for _, c := range cases {
		s := apiSecurity(app)
		c.mutate(&s)
		_, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithAPISecurity(s))
		var pe *werrors.ParamError
		if !errors.As(err, &pe) || pe.Field != c.field || !errors.Is(err, werrors.ErrInvalidParam) ||
			!strings.HasPrefix(err.Error(), "logistics: NewClient: WithAPISecurity: ") {
			t.Errorf("%s: err = %v", c.field, err)
			continue
		}
		for _, secret := range secretParts(app) {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: key material in %q", c.field, err)
			}
		}
	}
	if _, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithAPISecurity(apiSecurity(app))); err != nil {
		t.Fatalf("good keys refused: %v", err)
	}
}

// secretParts are pieces of tk's secrets that must never be printed: the
// symmetric key and lines from the middle of the private keys' PEM.
func secretParts(tk apisec.TestKeys) []string {
	parts := []string{tk.SymmetricKey}
	for _, p := range [][]byte{tk.AppPrivateKeyPEM, tk.PlatformPrivateKeyPEM} {
		lines := strings.Split(string(p), "\n")
		parts = append(parts, lines[len(lines)/2])
	}
	return parts
}

// Neither APISecurity nor a client holding it prints or logs a key.
func TestAPISecurityNeverPrintsKeys(t *testing.T) {
	t.Parallel()
	app, _ := testKeys(t)
	s := apiSecurity(app)
	c, err := logistics.NewClient(auth.StaticToken("T"), logistics.WithAPISecurity(s))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		fmt.Fprintf(&out, verb+"\n", s)
		fmt.Fprintf(&out, verb+"\n", &s)
		fmt.Fprintf(&out, verb+"\n", c)
		fmt.Fprintf(&out, verb+"\n", struct{ S logistics.APISecurity }{s})
	}
	for _, h := range []slog.Handler{slog.NewTextHandler(&out, nil), slog.NewJSONHandler(&out, nil)} {
		l := slog.New(h)
		l.Info("config", "security", s, "client", c, "nested", struct{ S logistics.APISecurity }{s})
	}
	b, _ := json.Marshal(s)
	out.Write(b)
	for _, secret := range secretParts(app) {
		if strings.Contains(out.String(), secret) {
			t.Fatalf("key material printed:\n%s", out.String())
		}
	}
	for _, want := range []string{"logistics.APISecurity{AppID:" + secAppID, app.PlatformSN, "REDACTED"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
