package apisec

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// This file is the server side: WeChat's half of the protocol, for fakes
// and tests. The SDK itself never uses it.

// PlatformConfig configures a Platform: the app's symmetric key and public
// key as WeChat holds them, and WeChat's own signing key.
type PlatformConfig struct {
	AppID           string // the one app this platform serves
	SymmetricKey    string // base64 of the app's 32-byte AES256_GCM key
	SymmetricSN     string // its number
	AppPublicKeyPEM []byte // the app's RSA public key ("PUBLIC KEY", "RSA PUBLIC KEY" or "CERTIFICATE")
	PlatformKeyPEM  []byte // the platform's RSA private key (PKCS#1 or PKCS#8)
	PlatformSN      string // the number of the platform certificate that goes with it

	// DeprecatedKeyPEM and DeprecatedSN, both optional, are a retiring
	// platform key: when set, every reply also carries
	// Wechatmp-Serial-Deprecated and Wechatmp-Signature-Deprecated, as
	// during WeChat's certificate rotation.
	DeprecatedKeyPEM []byte
	DeprecatedSN     string
}

// Platform plays WeChat's side for one app: it opens sealed requests and
// seals replies. It is safe for concurrent use.
type Platform struct {
	appID        string
	sn           string
	aead         cipher.AEAD
	appKey       *rsa.PublicKey
	key          *rsa.PrivateKey
	serial       string
	deprecated   *rsa.PrivateKey
	deprecatedSN string
	rand         io.Reader
}

// NewPlatform parses cfg; errors are *werrors.ParamError values naming the
// field as "PlatformConfig.<field>".
func NewPlatform(cfg PlatformConfig) (*Platform, error) {
	const prefix = "PlatformConfig."
	p := &Platform{appID: cfg.AppID, sn: cfg.SymmetricSN, serial: cfg.PlatformSN, deprecatedSN: cfg.DeprecatedSN, rand: rand.Reader}
	var err error
	if err = checkID(prefix+"AppID", cfg.AppID); err != nil {
		return nil, err
	}
	if p.aead, err = parseSymmetricKey(prefix+"SymmetricKey", cfg.SymmetricKey); err != nil {
		return nil, err
	}
	if err = checkID(prefix+"SymmetricSN", cfg.SymmetricSN); err != nil {
		return nil, err
	}
	if p.appKey, err = parsePublicKey(prefix+"AppPublicKeyPEM", cfg.AppPublicKeyPEM); err != nil {
		return nil, err
	}
	if p.key, err = parsePrivateKey(prefix+"PlatformKeyPEM", cfg.PlatformKeyPEM); err != nil {
		return nil, err
	}
	if err = checkID(prefix+"PlatformSN", cfg.PlatformSN); err != nil {
		return nil, err
	}
	if len(cfg.DeprecatedKeyPEM) == 0 && cfg.DeprecatedSN == "" {
		return p, nil
	}
	if p.deprecated, err = parsePrivateKey(prefix+"DeprecatedKeyPEM", cfg.DeprecatedKeyPEM); err != nil {
		return nil, err
	}
	if err = checkID(prefix+"DeprecatedSN", cfg.DeprecatedSN); err != nil {
		return nil, err
	}
	return p, nil
}

// WeChat's errcodes for requests it refuses under API security. The
// 4023x codes are the guide's; 934011 is what developers get for an
// unsigned call to an API that requires security.
const (
	CodeSignatureNeeded  = 934011 // no Wechatmp headers at all
	CodeMissingTimestamp = 40231  // Wechatmp-TimeStamp missing (or, here, malformed)
	CodeMissingSignature = 40232  // Wechatmp-Signature missing
	CodeMissingAppID     = 40233  // Wechatmp-Appid missing
	CodeInvalidSignature = 40234  // the signature does not verify
	CodeInvalidEncrypt   = 40235  // the body is not sealed, or does not decrypt and check out
	CodeAppIDMismatch    = 40237  // Wechatmp-Appid is not the app the token belongs to
	CodeExpiredTimestamp = 40240  // the timestamp is outside the window
)

// RequestError is a request Platform.OpenRequest refused, with the errcode
// and errmsg WeChat would answer (in plain, unsigned JSON). It unwraps to
// the error matching one of this package's Err* values.
type RequestError struct {
	Code int    // WeChat's errcode
	Msg  string // WeChat's errmsg, without the rid
	Err  error  // why, matching ErrNotSealed, ErrAppID, ErrTimestamp, ...
}

// Error gives the errcode, the errmsg and the reason.
func (e *RequestError) Error() string {
	return "apisec: request refused with errcode " + strconv.Itoa(e.Code) + " (" + e.Msg + "): " + e.Err.Error()
}

// Unwrap returns the reason.
func (e *RequestError) Unwrap() error { return e.Err }

func refuse(code int, msg string, err error) error {
	return &RequestError{Code: code, Msg: msg, Err: err}
}

// OpenRequest verifies and decrypts a request sealed by an app for urlpath
// (see RequestURLPath), received at now. It requires the three Wechatmp
// headers, the app's signature with the 32-byte PSS salt the guide
// prescribes, a timestamp within Window of now, a sealed body that
// decrypts, and "_n", "_appid" and "_timestamp" members that check out.
// Every error is a *RequestError. It returns the decrypted plaintext: the
// request's members together with "_n", "_appid" and "_timestamp".
func (p *Platform) OpenRequest(urlpath string, hdr http.Header, body []byte, now time.Time) (plain []byte, err error) {
	appID, tsHeader, sig := hdr.Get(HeaderAppID), hdr.Get(HeaderTimestamp), hdr.Get(HeaderSignature)
	switch {
	case appID == "" && tsHeader == "" && sig == "":
		return nil, refuse(CodeSignatureNeeded, "signature is needed", fmt.Errorf("%w: the request has no Wechatmp headers", ErrNotSealed))
	case appID == "":
		return nil, refuse(CodeMissingAppID, "missing Wechatmp-Appid", fmt.Errorf("%w: no %s header", ErrAppID, HeaderAppID))
	case tsHeader == "":
		return nil, refuse(CodeMissingTimestamp, "missing Wechatmp-TimeStamp", fmt.Errorf("%w: no %s header", ErrTimestamp, HeaderTimestamp))
	case sig == "":
		return nil, refuse(CodeMissingSignature, "missing Wechatmp-Signature", fmt.Errorf("%w: no %s header", ErrBadSignature, HeaderSignature))
	case appID != p.appID:
		return nil, refuse(CodeAppIDMismatch, "invalid Wechatmp-Appid match request", fmt.Errorf("%w: %s is another app's", ErrAppID, HeaderAppID))
	}
	if err := checkURLPath(urlpath); err != nil {
		return nil, refuse(CodeInvalidSignature, "invalid signature", err)
	}
	tsText, ts, err := headerTimestamp(hdr)
	if err != nil {
		return nil, refuse(CodeMissingTimestamp, "invalid Wechatmp-TimeStamp", err)
	}
	if err := verify(p.appKey, digest(urlpath, appID, tsText, body), HeaderSignature, sig, requestSaltLength); err != nil {
		return nil, refuse(CodeInvalidSignature, "invalid signature", err)
	}
	if d := time.Unix(ts, 0).Sub(now); d > Window || d < -Window {
		return nil, refuse(CodeExpiredTimestamp, "expired Wechatmp-TimeStamp", fmt.Errorf("%w: the request is dated more than %v from the platform's clock", ErrStale, Window))
	}
	env, ok := parseEnvelope(body)
	if !ok {
		return nil, refuse(CodeInvalidEncrypt, "invalid encrypt", fmt.Errorf("%w: the request body has no iv, data and authtag", ErrNotSealed))
	}
	plain, err = openMessage(p.aead, p.appID, p.sn, urlpath, tsText, ts, env)
	if err != nil {
		return nil, refuse(CodeInvalidEncrypt, "invalid encrypt", err)
	}
	return plain, nil
}

// SealReply encrypts and signs reply, the API's JSON reply object, for a
// request to urlpath, dated now. It returns the body and the Wechatmp-Appid,
// Wechatmp-TimeStamp, Wechatmp-Serial and Wechatmp-Signature headers (and
// the deprecated pair when a retiring key is configured). A test that wants
// a faulty reply alters what it returns, or passes an old now.
func (p *Platform) SealReply(urlpath string, reply []byte, now time.Time) (body []byte, hdr http.Header, err error) {
	iv, nonce, err := randomParts(p.rand)
	if err != nil {
		return nil, nil, err
	}
	body, tsText, err := sealMessage(p.aead, p.appID, p.sn, urlpath, reply, now.Unix(), iv, nonce)
	if err != nil {
		return nil, nil, err
	}
	d := digest(urlpath, p.appID, tsText, body)
	sig, err := sign(p.key, d)
	if err != nil {
		return nil, nil, err
	}
	hdr = make(http.Header, 6)
	hdr.Set(HeaderAppID, p.appID)
	hdr.Set(HeaderTimestamp, tsText)
	hdr.Set(HeaderSerial, p.serial)
	hdr.Set(HeaderSignature, sig)
	if p.deprecated != nil {
		old, err := sign(p.deprecated, d)
		if err != nil {
			return nil, nil, err
		}
		hdr.Set(HeaderSerialDeprecated, p.deprecatedSN)
		hdr.Set(HeaderSignatureDeprecated, old)
	}
	return body, hdr, nil
}
