package apisec

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
)

// OpenRequest answers each fault with the errcode WeChat documents for it.
func TestOpenRequestRefuses(t *testing.T) {
	f := newFixture(t)
	now := t0
	ts := now.Unix()
	good := func() ([]byte, http.Header) {
		body, hdr, err := f.keys.SealRequest(testURLPath, []byte(`{"wx_order_id":"1"}`), now)
		if err != nil {
			t.Fatal(err)
		}
		return body, hdr
	}
	without := func(h string) func() ([]byte, http.Header) {
		return func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Del(h)
			return body, hdr
		}
	}
	// seal builds a request by hand from an exact plaintext.
	seal := func(plain string, adURLPath string) func() ([]byte, http.Header) {
		return func() ([]byte, http.Header) {
			tsText := strconv.FormatInt(ts, 10)
			body := sealEnvelope(f.keys.aead, make([]byte, ivSize), []byte(plain), additionalData(adURLPath, testAppID, tsText, f.tk.SymmetricSN))
			return body, f.signRequest(t, body, ts)
		}
	}
	tsText := strconv.FormatInt(ts, 10)
	cases := []struct {
		name string
		make func() ([]byte, http.Header)
		code int
		want error
	}{
		{"unsigned call", func() ([]byte, http.Header) { return []byte(`{"wx_order_id":"1"}`), http.Header{} }, CodeSignatureNeeded, ErrNotSealed},
		{"no app ID", without(HeaderAppID), CodeMissingAppID, ErrAppID},
		{"no timestamp", without(HeaderTimestamp), CodeMissingTimestamp, ErrTimestamp},
		{"no signature", without(HeaderSignature), CodeMissingSignature, ErrBadSignature},
		{"other app", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Set(HeaderAppID, "wxother")
			return body, hdr
		}, CodeAppIDMismatch, ErrAppID},
		{"malformed timestamp", func() ([]byte, http.Header) {
			body, hdr := good()
			hdr.Set(HeaderTimestamp, "17e8")
			return body, hdr
		}, CodeMissingTimestamp, ErrTimestamp},
		{"tampered signature", func() ([]byte, http.Header) {
			body, hdr := good()
			sig := []byte(hdr.Get(HeaderSignature))
			sig[0] ^= 1
			hdr.Set(HeaderSignature, string(sig))
			return body, hdr
		}, CodeInvalidSignature, ErrBadSignature},
		{"tampered body", func() ([]byte, http.Header) {
			body, hdr := good()
			return append(body[:len(body)-1:len(body)-1], ' ', '}'), hdr
		}, CodeInvalidSignature, ErrBadSignature},
		{"salt other than 32", func() ([]byte, http.Header) {
			body, hdr := good()
			d := digest(testURLPath, testAppID, hdr.Get(HeaderTimestamp), body)
			sig, err := rsa.SignPSS(rand.Reader, f.keys.priv, crypto.SHA256, d, &rsa.PSSOptions{SaltLength: 20})
			if err != nil {
				t.Fatal(err)
			}
			hdr.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
			return body, hdr
		}, CodeInvalidSignature, ErrBadSignature},
		{"signed with an sn line", func() ([]byte, http.Header) {
			body, hdr := good()
			d := digest(testURLPath, testAppID, hdr.Get(HeaderTimestamp)+"\n"+f.tk.SymmetricSN, body)
			sig, err := sign(f.keys.priv, d)
			if err != nil {
				t.Fatal(err)
			}
			hdr.Set(HeaderSignature, sig)
			return body, hdr
		}, CodeInvalidSignature, ErrBadSignature},
		{"expired", func() ([]byte, http.Header) {
			body, hdr, err := f.keys.SealRequest(testURLPath, nil, now.Add(-Window-time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return body, hdr
		}, CodeExpiredTimestamp, ErrStale},
		{"signed but not encrypted", func() ([]byte, http.Header) {
			body := []byte(`{"wx_order_id":"1"}`)
			return body, f.signRequest(t, body, ts)
		}, CodeInvalidEncrypt, ErrNotSealed},
		{"wrong additional data", seal(`{"_n":"abcdefghabcdefgh","_appid":"`+testAppID+`","_timestamp":`+tsText+`}`, testURLPath+"x"), CodeInvalidEncrypt, ErrDecrypt},
		{"wrong _appid", seal(`{"_n":"abcdefghabcdefgh","_appid":"wxother","_timestamp":`+tsText+`}`, testURLPath), CodeInvalidEncrypt, ErrAppID},
		{"_timestamp mismatch", seal(`{"_n":"abcdefghabcdefgh","_appid":"`+testAppID+`","_timestamp":1}`, testURLPath), CodeInvalidEncrypt, ErrPayload},
		{"empty _n", seal(`{"_n":"","_appid":"`+testAppID+`","_timestamp":`+tsText+`}`, testURLPath), CodeInvalidEncrypt, ErrPayload},
		{"bad base64", func() ([]byte, http.Header) {
			body := []byte(`{"iv":"AAAAAAAAAAAAAAAA","data":"@@","authtag":"AAAAAAAAAAAAAAAAAAAAAA=="}`)
			return body, f.signRequest(t, body, ts)
		}, CodeInvalidEncrypt, ErrDecrypt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, hdr := c.make()
			plain, err := f.platform.OpenRequest(testURLPath, hdr, body, now)
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("OpenRequest = %v, want a *RequestError", err)
			}
			if re.Code != c.code || !errors.Is(err, c.want) {
				t.Errorf("OpenRequest = %v (code %d), want code %d matching %v", err, re.Code, c.code, c.want)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(c.code)) || re.Msg == "" {
				t.Errorf("error text %q lacks its errcode or errmsg", err)
			}
			if plain != nil {
				t.Errorf("OpenRequest returned a payload with its error")
			}
		})
	}
}

func TestNewPlatformRefuses(t *testing.T) {
	tk := sharedTestKeys(t)
	cases := []struct {
		field string
		edit  func(*PlatformConfig)
	}{
		{"PlatformConfig.AppID", func(c *PlatformConfig) { c.AppID = "" }},
		{"PlatformConfig.SymmetricKey", func(c *PlatformConfig) { c.SymmetricKey = "short" }},
		{"PlatformConfig.SymmetricSN", func(c *PlatformConfig) { c.SymmetricSN = "a|b" }},
		{"PlatformConfig.AppPublicKeyPEM", func(c *PlatformConfig) { c.AppPublicKeyPEM = c.PlatformKeyPEM }},
		{"PlatformConfig.PlatformKeyPEM", func(c *PlatformConfig) { c.PlatformKeyPEM = c.AppPublicKeyPEM }},
		{"PlatformConfig.PlatformSN", func(c *PlatformConfig) { c.PlatformSN = "" }},
		{"PlatformConfig.DeprecatedKeyPEM", func(c *PlatformConfig) { c.DeprecatedSN = "old" }},
		{"PlatformConfig.DeprecatedSN", func(c *PlatformConfig) { c.DeprecatedKeyPEM = []byte(guideAppKeyPEM) }},
	}
	for _, c := range cases {
		cfg := tk.PlatformConfig()
		c.edit(&cfg)
		_, err := NewPlatform(cfg)
		var pe *werrors.ParamError
		if !errors.As(err, &pe) || pe.Field != c.field {
			t.Errorf("NewPlatform with a bad %s = %v", c.field, err)
		}
	}
}

// The generated keys fit together and have the documented shapes.
func TestGenerateTestKeys(t *testing.T) {
	tk := sharedTestKeys(t)
	if tk.AppID != testAppID || len(tk.SymmetricSN) != 32 || len(tk.PlatformSN) != 32 || tk.SymmetricSN == tk.PlatformSN {
		t.Errorf("identifiers: %v", tk)
	}
	if len(b64(t, tk.SymmetricKey)) != 32 {
		t.Error("the symmetric key is not 32 bytes")
	}
	for name, pemText := range map[string][]byte{
		"PRIVATE KEY": tk.AppPrivateKeyPEM, "PUBLIC KEY": tk.AppPublicKeyPEM,
		"RSA PRIVATE KEY": tk.PlatformPrivateKeyPEM, "CERTIFICATE": tk.PlatformCertPEM,
	} {
		if !strings.HasPrefix(string(pemText), "-----BEGIN "+name+"-----\n") {
			t.Errorf("want a %s block, got %.30q", name, pemText)
		}
	}
	if _, err := GenerateTestKeys("bad app id"); err == nil {
		t.Error("GenerateTestKeys accepted an app ID with spaces")
	}
}
