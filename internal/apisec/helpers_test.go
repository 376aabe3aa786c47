package apisec

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	testAppID   = "wx0123456789abcdef"
	testURLPath = "https://api.weixin.qq.com/cgi-bin/express/intracity/cancelorder"
)

// Generating RSA keys is slow, so every test of the package shares one set.
var shared struct {
	once sync.Once
	keys TestKeys
	err  error
}

func sharedTestKeys(t testing.TB) TestKeys {
	t.Helper()
	shared.once.Do(func() { shared.keys, shared.err = GenerateTestKeys(testAppID) })
	if shared.err != nil {
		t.Fatalf("GenerateTestKeys: %v", shared.err)
	}
	return shared.keys
}

// fixture is a client and a platform configured for each other.
type fixture struct {
	tk       TestKeys
	keys     *Keys
	platform *Platform
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	tk := sharedTestKeys(t)
	k, err := New(tk.Config())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p, err := NewPlatform(tk.PlatformConfig())
	if err != nil {
		t.Fatalf("NewPlatform: %v", err)
	}
	return fixture{tk: tk, keys: k, platform: p}
}

// t0 is an arbitrary fixed "now" for tests that do not need the clock.
var t0 = time.Unix(1_750_000_000, 0)

// retiringKeyPEM is a second 2048-bit key (the guide's app key) playing a
// retiring platform key, and retiringPubPEM its public half.
func retiringPubPEM(t testing.TB) []byte {
	t.Helper()
	block, _ := pem.Decode([]byte(guideAppKeyPEM))
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// craft builds a reply by hand: plain sealed exactly as given, with the
// additional data of adURLPath, then signed by the platform for urlpath.
func (f fixture) craft(t testing.TB, plain string, ts int64, adURLPath string) ([]byte, http.Header) {
	t.Helper()
	tsText := strconv.FormatInt(ts, 10)
	iv := make([]byte, ivSize)
	body := sealEnvelope(f.platform.aead, iv, []byte(plain), additionalData(adURLPath, f.tk.AppID, tsText, f.tk.SymmetricSN))
	return body, f.signReply(t, body, ts)
}

// signReply signs body as the platform would, for testURLPath.
func (f fixture) signReply(t testing.TB, body []byte, ts int64) http.Header {
	t.Helper()
	h := signedHeader(t, f.platform.key, body, ts)
	h.Set(HeaderSerial, f.tk.PlatformSN)
	return h
}

// signRequest signs body as the app would, for testURLPath.
func (f fixture) signRequest(t testing.TB, body []byte, ts int64) http.Header {
	t.Helper()
	return signedHeader(t, f.keys.priv, body, ts)
}

func signedHeader(t testing.TB, key *rsa.PrivateKey, body []byte, ts int64) http.Header {
	t.Helper()
	tsText := strconv.FormatInt(ts, 10)
	sig, err := sign(key, digest(testURLPath, testAppID, tsText, body))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(HeaderAppID, testAppID)
	h.Set(HeaderTimestamp, tsText)
	h.Set(HeaderSignature, sig)
	return h
}

// platformKey returns the fixture's platform private key.
func (f fixture) platformKey() *rsa.PrivateKey { return f.platform.key }
