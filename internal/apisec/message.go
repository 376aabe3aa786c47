package apisec

import (
	"bytes"
	"crypto/cipher"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Header names. http.Header canonicalizes them when set or read (for
// example Wechatmp-TimeStamp becomes Wechatmp-Timestamp); HTTP header names
// are case-insensitive, so that changes nothing on the wire.
const (
	HeaderAppID               = "Wechatmp-Appid"
	HeaderTimestamp           = "Wechatmp-TimeStamp"
	HeaderSignature           = "Wechatmp-Signature"
	HeaderSerial              = "Wechatmp-Serial"
	HeaderSerialDeprecated    = "Wechatmp-Serial-Deprecated"
	HeaderSignatureDeprecated = "Wechatmp-Signature-Deprecated"
)

// Window is how far a message's timestamp may lie from the local clock: a
// request's from the platform's, a reply's from the client's (on the early
// side measured from when the request was sent).
const Window = 5 * time.Minute

// URLPath returns the urlpath of the protocol for u: scheme, host and path,
// without query (where the access_token travels) or fragment.
func URLPath(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// RequestURLPath returns the urlpath of an incoming request as a server
// sees it (scheme from r.TLS, host from r.Host), for Platform.OpenRequest.
func RequestURLPath(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return URLPath(&url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath})
}

// checkURLPath refuses what cannot be a urlpath: it must be an absolute
// http or https URL with a host and without query, fragment or control
// characters (which would break the signed string).
func checkURLPath(urlpath string) error {
	if strings.ContainsAny(urlpath, "?#|\r\n\t ") {
		return fmt.Errorf("%w (it has a query, a fragment, '|' or whitespace)", ErrURLPath)
	}
	u, err := url.Parse(urlpath)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ErrURLPath
	}
	return nil
}

// sealMessage turns body (a JSON object, or empty for none) into a sealed
// body for urlpath at time ts, with the given IV and nonce.
func sealMessage(aead cipher.AEAD, appID, sn, urlpath string, body []byte, ts int64, iv []byte, nonce string) ([]byte, string, error) {
	if err := checkURLPath(urlpath); err != nil {
		return nil, "", err
	}
	if ts <= 0 {
		return nil, "", fmt.Errorf("%w: the clock reads before 1970", ErrTimestamp)
	}
	members, sec, err := objectMembers(body)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrBody, err)
	}
	if sec.any() {
		return nil, "", fmt.Errorf("%w: it already has an %q, %q or %q member", ErrBody, memberNonce, memberAppID, memberTimestamp)
	}
	tsText := strconv.FormatInt(ts, 10)
	plain := plaintext(nonce, appID, tsText, members)
	return sealEnvelope(aead, iv, plain, additionalData(urlpath, appID, tsText, sn)), tsText, nil
}

// headerTimestamp reads Wechatmp-TimeStamp.
func headerTimestamp(hdr http.Header) (string, int64, error) {
	text := hdr.Get(HeaderTimestamp)
	if text == "" {
		return "", 0, fmt.Errorf("%w: %s is missing", ErrTimestamp, HeaderTimestamp)
	}
	ts, err := parseSeconds(text)
	if err != nil {
		return "", 0, fmt.Errorf("%w: %s is not a positive number of seconds", ErrTimestamp, HeaderTimestamp)
	}
	return text, ts, nil
}

// openMessage decrypts a sealed body whose signature and timestamp were
// checked and verifies its security members against appID and the
// header's timestamp. It returns the plaintext as it was encrypted.
func openMessage(aead cipher.AEAD, appID, sn, urlpath, tsText string, ts int64, env envelope) ([]byte, error) {
	plain, err := openEnvelope(aead, env, additionalData(urlpath, appID, tsText, sn))
	if err != nil {
		return nil, err
	}
	b := bytes.TrimLeft(plain, jsonSpace)
	var sec securityMembers
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &sec) != nil {
		return nil, fmt.Errorf("%w: the payload is not a JSON object", ErrPayload)
	}
	if sec.AppID == nil {
		return nil, fmt.Errorf("%w: the payload has no %q member", ErrAppID, memberAppID)
	}
	if id, ok := jsonString(sec.AppID); !ok || id != appID {
		return nil, fmt.Errorf("%w: the payload's %q is not this app's", ErrAppID, memberAppID)
	}
	if sec.Timestamp == nil {
		return nil, fmt.Errorf("%w: the payload has no %q member", ErrPayload, memberTimestamp)
	}
	if v, err := parseSeconds(string(sec.Timestamp)); err != nil || v != ts {
		return nil, fmt.Errorf("%w: the payload's %q is not %s as a number", ErrPayload, memberTimestamp, HeaderTimestamp)
	}
	if n, ok := jsonString(sec.Nonce); !ok || n == "" {
		return nil, fmt.Errorf("%w: the payload's %q is missing, empty or not a string", ErrPayload, memberNonce)
	}
	return plain, nil
}
