package apisec

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A request sealed by the app opens on the platform, and the platform's
// reply opens on the app, with the original members in their order.
func TestRoundTrip(t *testing.T) {
	f := newFixture(t)
	req := `{"wx_order_id":"WX123","cancel_reason_id":1,"cancel_reason":"不要了 <&>"}`
	body, hdr, err := f.keys.SealRequest(testURLPath, []byte(req), t0)
	if err != nil {
		t.Fatalf("SealRequest: %v", err)
	}
	if bytes.Contains(body, []byte("WX123")) {
		t.Fatal("the sealed request shows its plaintext")
	}
	for _, h := range []string{HeaderAppID, HeaderTimestamp, HeaderSignature} {
		if hdr.Get(h) == "" {
			t.Errorf("SealRequest set no %s", h)
		}
	}
	if got := hdr.Get(HeaderTimestamp); got != strconv.FormatInt(t0.Unix(), 10) {
		t.Errorf("%s = %q, want %d", HeaderTimestamp, got, t0.Unix())
	}
	got, err := f.platform.OpenRequest(testURLPath, hdr, body, t0.Add(time.Second))
	if err != nil {
		t.Fatalf("OpenRequest: %v", err)
	}
	if !jsonEqual(t, withoutSecurity(t, got), []byte(req)) {
		t.Errorf("OpenRequest = %s, want %s", got, req)
	}

	reply := `{"errcode":0,"errmsg":"ok","order_status":30000,"deductfee":200}`
	rbody, rhdr, err := f.platform.SealReply(testURLPath, []byte(reply), t0.Add(2*time.Second))
	if err != nil {
		t.Fatalf("SealReply: %v", err)
	}
	plain, err := f.keys.OpenReply(testURLPath, rhdr, rbody, t0, t0.Add(3*time.Second))
	if err != nil {
		t.Fatalf("OpenReply: %v", err)
	}
	if !jsonEqual(t, withoutSecurity(t, plain), []byte(reply)) {
		t.Errorf("OpenReply = %s, want %s", plain, reply)
	}
}

// withoutSecurity checks that plain has the three security members and
// returns it without them (member order is not kept).
func withoutSecurity(t testing.TB, plain []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		t.Fatalf("%s: %v", plain, err)
	}
	for _, k := range []string{memberNonce, memberAppID, memberTimestamp} {
		if _, ok := m[k]; !ok {
			t.Fatalf("%s has no %s", plain, k)
		}
		delete(m, k)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return bytes.Equal(xs, ys)
}

// The plaintext puts the security members first, with a number timestamp
// equal to the header and a nonce of 16 to 32 base64 characters.
func TestSealRequestPlaintext(t *testing.T) {
	f := newFixture(t)
	seen := map[int]bool{}
	for i := 0; i < 40; i++ {
		body, hdr, err := f.keys.SealRequest(testURLPath, []byte(`{"a":1}`), t0)
		if err != nil {
			t.Fatal(err)
		}
		env, ok := parseEnvelope(body)
		if !ok {
			t.Fatalf("not sealed: %s", body)
		}
		ts := hdr.Get(HeaderTimestamp)
		plain, err := openEnvelope(f.platform.aead, env, additionalData(testURLPath, testAppID, ts, f.tk.SymmetricSN))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			N  string          `json:"_n"`
			ID string          `json:"_appid"`
			TS json.RawMessage `json:"_timestamp"`
		}
		if err := json.Unmarshal(plain, &m); err != nil {
			t.Fatal(err)
		}
		prefix := `{"_n":"` + m.N + `","_appid":"` + testAppID + `","_timestamp":` + ts + `,"a":1}`
		if string(plain) != prefix {
			t.Fatalf("plaintext = %s, want %s", plain, prefix)
		}
		if n := len(m.N); n < 16 || n > 32 || strings.Trim(m.N, nonceAlphabet) != "" {
			t.Fatalf("_n = %q: want 16 to 32 base64 characters", m.N)
		}
		seen[len(m.N)] = true
		if iv := b64(t, *env.IV); len(iv) != 12 {
			t.Fatalf("iv is %d bytes", len(iv))
		}
	}
	if len(seen) < 2 {
		t.Errorf("_n lengths %v: want varying lengths", seen)
	}
}

// An empty body stands for a call without parameters.
func TestSealRequestEmptyBody(t *testing.T) {
	f := newFixture(t)
	for _, in := range []string{"", " \n", "{}", " { } "} {
		body, hdr, err := f.keys.SealRequest(testURLPath, []byte(in), t0)
		if err != nil {
			t.Fatalf("SealRequest(%q): %v", in, err)
		}
		got, err := f.platform.OpenRequest(testURLPath, hdr, body, t0)
		if err != nil {
			t.Fatalf("OpenRequest after SealRequest(%q): %v", in, err)
		}
		if rest := withoutSecurity(t, got); string(rest) != "{}" {
			t.Errorf("OpenRequest after SealRequest(%q) = %s; want only the security members", in, got)
		}
	}
}

func TestSealRequestRefuses(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name, urlpath, body string
		now                 time.Time
		want                error
	}{
		{"array body", testURLPath, `[1,2]`, t0, ErrBody},
		{"string body", testURLPath, `"x"`, t0, ErrBody},
		{"broken JSON", testURLPath, `{"a":`, t0, ErrBody},
		{"two objects", testURLPath, `{}{}`, t0, ErrBody},
		{"reserved _n", testURLPath, `{"_n":"x"}`, t0, ErrBody},
		{"reserved _appid", testURLPath, `{"a":1,"_appid":"wx"}`, t0, ErrBody},
		{"reserved _timestamp", testURLPath, `{"_timestamp":1}`, t0, ErrBody},
		{"query in urlpath", testURLPath + "?access_token=x", `{}`, t0, ErrURLPath},
		{"relative urlpath", "/cgi-bin/express/intracity/cancelorder", `{}`, t0, ErrURLPath},
		{"other scheme", "ftp://api.weixin.qq.com/x", `{}`, t0, ErrURLPath},
		{"newline in urlpath", testURLPath + "\nx", `{}`, t0, ErrURLPath},
		{"zero time", testURLPath, `{}`, time.Time{}, ErrTimestamp},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, hdr, err := f.keys.SealRequest(c.urlpath, []byte(c.body), c.now)
			if !errors.Is(err, c.want) {
				t.Fatalf("SealRequest = %v, want %v", err, c.want)
			}
			if body != nil || hdr != nil {
				t.Errorf("SealRequest returned a body or headers with its error")
			}
		})
	}
}

// SealRequest reports a failing random source instead of sealing with a
// predictable IV.
func TestSealRequestRandomFailure(t *testing.T) {
	f := newFixture(t)
	k := *f.keys
	for _, n := range []int{0, ivSize} { // fail on the IV, then on the nonce
		k.rand = bytes.NewReader(make([]byte, n))
		if _, _, err := k.SealRequest(testURLPath, nil, t0); err == nil || !strings.Contains(err.Error(), "randomness") {
			t.Errorf("with %d random bytes: SealRequest = %v, want a randomness error", n, err)
		}
	}
}

func TestURLPath(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "https://api.weixin.qq.com/cgi-bin/express/intracity/cancelorder?access_token=SECRET#frag", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := URLPath(req.URL); got != testURLPath {
		t.Errorf("URLPath = %q, want %q", got, testURLPath)
	}
	in, err := http.NewRequest(http.MethodPost, "/base/cgi-bin/x?access_token=y", nil)
	if err != nil {
		t.Fatal(err)
	}
	in.Host = "127.0.0.1:8080"
	if got, want := RequestURLPath(in), "http://127.0.0.1:8080/base/cgi-bin/x"; got != want {
		t.Errorf("RequestURLPath = %q, want %q", got, want)
	}
}

// Every way a reply can be wrong is refused with its own error.
func TestOpenReplyRefuses(t *testing.T) {
	f := newFixture(t)
	sent := t0
	now := t0.Add(time.Second)
	ts := now.Unix()
	payload := `{"errcode":0}`
	good := func() ([]byte, http.Header) {
		body, hdr, err := f.platform.SealReply(testURLPath, []byte(payload), now)
		if err != nil {
			t.Fatal(err)
		}
		return body, hdr
	}
	plainOf := func(appID string, ts int64, rest string) string {
		return string(plaintext("nonce-nonce-nonce", appID, strconv.FormatInt(ts, 10), []byte(rest)))
	}
	flip := func(s string) string { // change one base64 character
		b := []byte(s)
		if b[5] == 'A' {
			b[5] = 'B'
		} else {
			b[5] = 'A'
		}
		return string(b)
	}

	cases := []struct {
		name string
		make func() ([]byte, http.Header)
		want error
	}{
		{"tampered signature", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Set(HeaderSignature, flip(hdr.Get(HeaderSignature)))
			return body, hdr
		}, ErrBadSignature},
		{"signature not base64", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Set(HeaderSignature, "***")
			return body, hdr
		}, ErrBadSignature},
		{"no signature", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Del(HeaderSignature)
			return body, hdr
		}, ErrBadSignature},
		{"tampered body", func() ([]byte, http.Header) {
			body, hdr := good()
			env, _ := parseEnvelope(body)
			return []byte(`{"iv":"` + *env.IV + `","data":"` + flip(*env.Data) + `","authtag":"` + *env.AuthTag + `"}`), hdr
		}, ErrBadSignature},
		{"signature over another urlpath", func() ([]byte, http.Header) {
			body, hdr, err := f.platform.SealReply(testURLPath+"x", []byte(payload), now)
			if err != nil {
				t.Fatal(err)
			}
			return body, hdr
		}, ErrBadSignature},
		{"wrong serial", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Set(HeaderSerial, "0123456789abcdef0123456789abcdef")
			return body, hdr
		}, ErrUnknownSerial},
		{"no serial", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Del(HeaderSerial)
			return body, hdr
		}, ErrUnknownSerial},
		{"unencrypted reply", func() ([]byte, http.Header) {
			return []byte(`{"errcode":0,"errmsg":"ok"}`), http.Header{}
		}, ErrNotSealed},
		{"unencrypted reply, signed", func() ([]byte, http.Header) {
			body := []byte(`{"errcode":0,"errmsg":"ok"}`)
			return body, f.signReply(t, body, ts)
		}, ErrNotSealed},
		{"WeChat's plain refusal", func() ([]byte, http.Header) {
			return []byte(`{"errcode":40234,"errmsg":"invalid signature rid: 1"}`), http.Header{}
		}, ErrNotSealed},
		{"envelope missing authtag", func() ([]byte, http.Header) {
			body := []byte(`{"iv":"AAAAAAAAAAAAAAAA","data":"AAAA"}`)
			return body, f.signReply(t, body, ts)
		}, ErrNotSealed},
		{"empty body", func() ([]byte, http.Header) { return nil, f.signReply(t, nil, ts) }, ErrNotSealed},
		{"other app in header", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Set(HeaderAppID, "wxother")
			return body, hdr
		}, ErrAppID},
		{"no app ID header", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Del(HeaderAppID)
			return body, hdr
		}, ErrAppID},
		{"old timestamp", func() ([]byte, http.Header) {
			body, hdr, err := f.platform.SealReply(testURLPath, []byte(payload), sent.Add(-Window-time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return body, hdr
		}, ErrStale},
		{"future timestamp", func() ([]byte, http.Header) {
			body, hdr, err := f.platform.SealReply(testURLPath, []byte(payload), now.Add(Window+time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return body, hdr
		}, ErrStale},
		{"malformed timestamp", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Set(HeaderTimestamp, "0"+hdr.Get(HeaderTimestamp))
			return body, hdr
		}, ErrTimestamp},
		{"no timestamp", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Del(HeaderTimestamp)
			return body, hdr
		}, ErrTimestamp},
		{"wrong _appid", func() ([]byte, http.Header) {
			return f.craft(t, plainOf("wxother", ts, `"errcode":0`), ts, testURLPath)
		}, ErrAppID},
		{"no _appid", func() ([]byte, http.Header) {
			return f.craft(t, `{"_n":"abcdefghabcdefgh","_timestamp":`+strconv.FormatInt(ts, 10)+`}`, ts, testURLPath)
		}, ErrAppID},
		{"_timestamp mismatch", func() ([]byte, http.Header) {
			return f.craft(t, plainOf(testAppID, ts-1, `"errcode":0`), ts, testURLPath)
		}, ErrPayload},
		{"_timestamp as a string", func() ([]byte, http.Header) {
			return f.craft(t, `{"_n":"abcdefghabcdefgh","_appid":"`+testAppID+`","_timestamp":"`+strconv.FormatInt(ts, 10)+`"}`, ts, testURLPath)
		}, ErrPayload},
		{"no _timestamp", func() ([]byte, http.Header) {
			return f.craft(t, `{"_n":"abcdefghabcdefgh","_appid":"`+testAppID+`"}`, ts, testURLPath)
		}, ErrPayload},
		{"no _n", func() ([]byte, http.Header) {
			return f.craft(t, `{"_appid":"`+testAppID+`","_timestamp":`+strconv.FormatInt(ts, 10)+`}`, ts, testURLPath)
		}, ErrPayload},
		{"_appid not a string", func() ([]byte, http.Header) {
			return f.craft(t, `{"_n":"abcdefghabcdefgh","_appid":1,"_timestamp":`+strconv.FormatInt(ts, 10)+`}`, ts, testURLPath)
		}, ErrAppID},
		{"_n not a string", func() ([]byte, http.Header) {
			return f.craft(t, `{"_n":1,"_appid":"`+testAppID+`","_timestamp":`+strconv.FormatInt(ts, 10)+`}`, ts, testURLPath)
		}, ErrPayload},
		{"later _appid of another app", func() ([]byte, http.Header) {
			return f.craft(t, plainOf(testAppID, ts, `"_appid":"wxother"`), ts, testURLPath)
		}, ErrAppID},
		{"payload not an object", func() ([]byte, http.Header) {
			return f.craft(t, `[1,2,3]`, ts, testURLPath)
		}, ErrPayload},
		{"truncated ciphertext", func() ([]byte, http.Header) {
			body, _ := good()
			env, _ := parseEnvelope(body)
			short := (*env.Data)[:len(*env.Data)-4]
			body = []byte(`{"iv":"` + *env.IV + `","data":"` + short + `","authtag":"` + *env.AuthTag + `"}`)
			return body, f.signReply(t, body, ts)
		}, ErrDecrypt},
		{"bad base64 data", func() ([]byte, http.Header) {
			body := []byte(`{"iv":"AAAAAAAAAAAAAAAA","data":"%%%%","authtag":"AAAAAAAAAAAAAAAAAAAAAA=="}`)
			return body, f.signReply(t, body, ts)
		}, ErrDecrypt},
		{"bad base64 iv", func() ([]byte, http.Header) {
			body := []byte(`{"iv":"AAAAAAAAAAAAAAA!","data":"AAAA","authtag":"AAAAAAAAAAAAAAAAAAAAAA=="}`)
			return body, f.signReply(t, body, ts)
		}, ErrDecrypt},
		{"bad base64 authtag", func() ([]byte, http.Header) {
			body := []byte(`{"iv":"AAAAAAAAAAAAAAAA","data":"AAAA","authtag":"AAAA!AAAAAAAAAAAAAAAAA=="}`)
			return body, f.signReply(t, body, ts)
		}, ErrDecrypt},
		{"short iv", func() ([]byte, http.Header) {
			body := []byte(`{"iv":"AAAAAAAA","data":"AAAA","authtag":"AAAAAAAAAAAAAAAAAAAAAA=="}`)
			return body, f.signReply(t, body, ts)
		}, ErrDecrypt},
		{"short authtag", func() ([]byte, http.Header) {
			body := []byte(`{"iv":"AAAAAAAAAAAAAAAA","data":"AAAA","authtag":"AAAAAAAA"}`)
			return body, f.signReply(t, body, ts)
		}, ErrDecrypt},
		{"wrong additional data (urlpath)", func() ([]byte, http.Header) {
			return f.craft(t, plainOf(testAppID, ts, `"errcode":0`), ts, testURLPath+"x")
		}, ErrDecrypt},
		{"wrong additional data (timestamp)", func() ([]byte, http.Header) {
			body, _ := f.craft(t, plainOf(testAppID, ts, `"errcode":0`), ts, testURLPath)
			return body, f.signReply(t, body, ts+1) // the header's timestamp is not the one encrypted under
		}, ErrDecrypt},
		{"wrong symmetric key", func() ([]byte, http.Header) {
			cfg := f.tk.PlatformConfig()
			cfg.SymmetricKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
			p, err := NewPlatform(cfg)
			if err != nil {
				t.Fatal(err)
			}
			body, hdr, err := p.SealReply(testURLPath, []byte(payload), now)
			if err != nil {
				t.Fatal(err)
			}
			return body, hdr
		}, ErrDecrypt},
	}
	all := []error{ErrNotSealed, ErrAppID, ErrUnknownSerial, ErrBadSignature, ErrTimestamp, ErrStale, ErrDecrypt, ErrPayload}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, hdr := c.make()
			plain, err := f.keys.OpenReply(testURLPath, hdr, body, sent, now)
			if !errors.Is(err, c.want) {
				t.Fatalf("OpenReply = %v, want %v", err, c.want)
			}
			if plain != nil {
				t.Errorf("OpenReply returned a payload with its error")
			}
			for _, other := range all {
				if other != c.want && errors.Is(err, other) {
					t.Errorf("error %v also matches %v", err, other)
				}
			}
		})
	}
}

// The window: a reply dated just inside it on either side is accepted, and
// the early side counts from when the request was sent.
func TestOpenReplyWindow(t *testing.T) {
	f := newFixture(t)
	sent := t0
	now := t0.Add(time.Minute)
	for _, at := range []time.Time{sent.Add(-Window + time.Second), now.Add(Window - time.Second), sent} {
		body, hdr, err := f.platform.SealReply(testURLPath, []byte(`{}`), at)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.keys.OpenReply(testURLPath, hdr, body, sent, now); err != nil {
			t.Errorf("reply dated %v (sent %v, now %v): %v", at, sent, now, err)
		}
	}
	// Without sentAt the early side counts from now.
	body, hdr, err := f.platform.SealReply(testURLPath, []byte(`{}`), now.Add(-Window-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.keys.OpenReply(testURLPath, hdr, body, time.Time{}, now); !errors.Is(err, ErrStale) {
		t.Errorf("OpenReply without sentAt = %v, want ErrStale", err)
	}
}

// During a certificate rotation the platform signs with its new key and
// with the retiring one; an app still configured with the retiring
// certificate accepts the reply through the deprecated pair, and one that
// already has the new certificate through the main pair.
func TestOpenReplyCertificateRotation(t *testing.T) {
	f := newFixture(t)
	const oldSN = "00000000000000000000000000000001"
	cfg := f.tk.PlatformConfig()
	cfg.DeprecatedKeyPEM = []byte(guideAppKeyPEM)
	cfg.DeprecatedSN = oldSN
	p, err := NewPlatform(cfg)
	if err != nil {
		t.Fatal(err)
	}
	body, hdr, err := p.SealReply(testURLPath, []byte(`{"errcode":0}`), t0)
	if err != nil {
		t.Fatal(err)
	}
	if hdr.Get(HeaderSerialDeprecated) != oldSN || hdr.Get(HeaderSignatureDeprecated) == "" {
		t.Fatalf("SealReply headers = %v: want the deprecated pair", hdr)
	}

	oldCfg := f.tk.Config()
	oldCfg.PlatformCertPEM = retiringPubPEM(t)
	oldCfg.PlatformSN = oldSN
	old, err := New(oldCfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]*Keys{"retiring certificate": old, "new certificate": f.keys} {
		if got, err := k.OpenReply(testURLPath, hdr, body, t0, t0); err != nil || !jsonEqual(t, withoutSecurity(t, got), []byte(`{"errcode":0}`)) {
			t.Errorf("%s: OpenReply = %s, %v", name, got, err)
		}
	}

	// The deprecated signature is really checked.
	bad := hdr.Clone()
	bad.Set(HeaderSignatureDeprecated, hdr.Get(HeaderSignature))
	if _, err := old.OpenReply(testURLPath, bad, body, t0, t0); !errors.Is(err, ErrBadSignature) {
		t.Errorf("retiring certificate, main signature in the deprecated slot: %v, want ErrBadSignature", err)
	}
	// A serial that is neither pair's is refused.
	other := hdr.Clone()
	other.Set(HeaderSerialDeprecated, "ffffffffffffffffffffffffffffffff")
	if _, err := old.OpenReply(testURLPath, other, body, t0, t0); !errors.Is(err, ErrUnknownSerial) {
		t.Errorf("unknown deprecated serial: %v, want ErrUnknownSerial", err)
	}
}

// Reply signatures are verified whatever PSS salt length WeChat chose.
func TestOpenReplyAnySaltLength(t *testing.T) {
	f := newFixture(t)
	body, hdr, err := f.platform.SealReply(testURLPath, []byte(`{}`), t0)
	if err != nil {
		t.Fatal(err)
	}
	d := digest(testURLPath, testAppID, hdr.Get(HeaderTimestamp), body)
	// PSSSaltLengthAuto signs with the largest salt that fits (222 bytes).
	for _, salt := range []int{rsa.PSSSaltLengthAuto, 20, 32, rsa.PSSSaltLengthEqualsHash, 100} {
		sig, err := rsa.SignPSS(rand.Reader, f.platformKey(), crypto.SHA256, d, &rsa.PSSOptions{SaltLength: salt})
		if err != nil {
			t.Fatal(err)
		}
		hdr.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
		if _, err := f.keys.OpenReply(testURLPath, hdr, body, t0, t0); err != nil {
			t.Errorf("salt %d: %v", salt, err)
		}
	}
}

// The returned plaintext is exactly what was encrypted, wherever the
// security members stand in it.
func TestOpenReplyPayload(t *testing.T) {
	f := newFixture(t)
	ts := t0.Unix()
	plain := ` {"errcode":0,"_n":"abcdefghabcdefgh","list":[1, 2],"_appid":"` + testAppID + `","x":{"y":null},"_timestamp":` + strconv.FormatInt(ts, 10) + "}\n"
	body, hdr := f.craft(t, plain, ts, testURLPath)
	got, err := f.keys.OpenReply(testURLPath, hdr, body, t0, t0)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != plain {
		t.Errorf("OpenReply = %q, want %q", got, plain)
	}
}
