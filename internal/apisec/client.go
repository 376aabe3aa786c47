package apisec

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"time"
)

// SealRequest encrypts and signs a request to urlpath (see URLPath) at time
// now. body is the request's JSON object as the API documents it (URL
// parameters other than access_token included); an empty body stands for a
// call without parameters and is sealed as {}, so a GET-style call becomes
// a POST of the sealed body. The plaintext is
// {"_n":..,"_appid":..,"_timestamp":..,<body's members in order>}.
//
// It returns the sealed body to send as the POST data, unchanged, and the
// Wechatmp-Appid, Wechatmp-TimeStamp and Wechatmp-Signature headers to add
// to the request. The errors it returns match ErrURLPath, ErrBody or
// ErrTimestamp.
func (k *Keys) SealRequest(urlpath string, body []byte, now time.Time) (sealed []byte, hdr http.Header, err error) {
	iv, nonce, err := randomParts(k.rand)
	if err != nil {
		return nil, nil, err
	}
	return k.sealRequest(urlpath, body, now.Unix(), iv, nonce)
}

// sealRequest is SealRequest with its random parts given, so tests can
// reproduce the guide's worked example.
func (k *Keys) sealRequest(urlpath string, body []byte, ts int64, iv []byte, nonce string) ([]byte, http.Header, error) {
	sealed, tsText, err := sealMessage(k.aead, k.appID, k.sn, urlpath, body, ts, iv, nonce)
	if err != nil {
		return nil, nil, err
	}
	sig, err := sign(k.priv, digest(urlpath, k.appID, tsText, sealed))
	if err != nil {
		return nil, nil, err
	}
	hdr := make(http.Header, 3)
	hdr.Set(HeaderAppID, k.appID)
	hdr.Set(HeaderTimestamp, tsText)
	hdr.Set(HeaderSignature, sig)
	return sealed, hdr, nil
}

// OpenReply verifies and decrypts WeChat's reply to a request sealed for
// urlpath and sent at sentAt; now is the time the reply arrived. It checks,
// in order:
//
//   - the body is sealed ({"iv","data","authtag"}), else ErrNotSealed: a
//     plain reply (WeChat's refusal of the request, such as errcode 40234
//     or 934011, comes this way) is never a success; the caller may read
//     its errcode to say why;
//   - Wechatmp-Appid is ours (ErrAppID);
//   - Wechatmp-Serial is the configured platform serial, or else
//     Wechatmp-Serial-Deprecated is, during a certificate rotation, in
//     which case Wechatmp-Signature-Deprecated is the one verified
//     (ErrUnknownSerial);
//   - Wechatmp-TimeStamp is well formed (ErrTimestamp);
//   - the signature over urlpath\nappid\ntimestamp\nbody verifies with the
//     platform key, with the PSS salt length taken from the signature
//     (ErrBadSignature);
//   - the timestamp is no earlier than Window before sentAt (or now, if
//     sentAt is zero or later) and no later than Window after now
//     (ErrStale);
//   - the body decrypts with the additional data built from the reply's own
//     timestamp (ErrDecrypt);
//   - the plaintext is a JSON object (ErrPayload) whose "_appid" is ours
//     (ErrAppID), whose "_timestamp" equals the header's and whose "_n" is
//     a non-empty string (ErrPayload).
//
// It returns the plaintext exactly as WeChat encrypted it: the API's reply
// members together with "_n", "_appid" and "_timestamp", which decoding
// into the typed response ignores. (A member that appears twice counts as
// encoding/json counts it: the last one wins. The plaintext is
// authenticated by a key only WeChat and the app hold.)
func (k *Keys) OpenReply(urlpath string, hdr http.Header, body []byte, sentAt, now time.Time) (plain []byte, err error) {
	if err := checkURLPath(urlpath); err != nil {
		return nil, err
	}
	env, ok := parseEnvelope(body)
	if !ok {
		return nil, fmt.Errorf("%w: the reply body has no iv, data and authtag", ErrNotSealed)
	}
	switch got := hdr.Get(HeaderAppID); {
	case got == "":
		return nil, fmt.Errorf("%w: the reply has no %s header", ErrAppID, HeaderAppID)
	case got != k.appID:
		return nil, fmt.Errorf("%w: the reply's %s is another app's", ErrAppID, HeaderAppID)
	}
	sigHeader, err := k.replySignatureHeader(hdr)
	if err != nil {
		return nil, err
	}
	tsText, ts, err := headerTimestamp(hdr)
	if err != nil {
		return nil, err
	}
	d := digest(urlpath, k.appID, tsText, body)
	if err := verify(k.platform, d, sigHeader, hdr.Get(sigHeader), rsa.PSSSaltLengthAuto); err != nil {
		return nil, err
	}
	if err := checkReplyTime(ts, sentAt, now); err != nil {
		return nil, err
	}
	return openMessage(k.aead, k.appID, k.sn, urlpath, tsText, ts, env)
}

// replySignatureHeader picks the signature header that goes with the
// configured platform serial.
func (k *Keys) replySignatureHeader(hdr http.Header) (string, error) {
	serial := hdr.Get(HeaderSerial)
	if serial == k.platformSN {
		return HeaderSignature, nil
	}
	if dep := hdr.Get(HeaderSerialDeprecated); dep == k.platformSN {
		return HeaderSignatureDeprecated, nil
	}
	if serial == "" {
		return "", fmt.Errorf("%w: the reply has no %s header", ErrUnknownSerial, HeaderSerial)
	}
	return "", fmt.Errorf("%w: the reply is signed under %.40q, not the configured serial", ErrUnknownSerial, serial)
}

// checkReplyTime applies Window to a reply's timestamp.
func checkReplyTime(ts int64, sentAt, now time.Time) error {
	from := sentAt
	if from.IsZero() || from.After(now) {
		from = now
	}
	t := time.Unix(ts, 0)
	if t.Before(from.Add(-Window)) {
		return fmt.Errorf("%w: the reply is dated more than %v before the request", ErrStale, Window)
	}
	if t.After(now.Add(Window)) {
		return fmt.Errorf("%w: the reply is dated more than %v ahead of the local clock", ErrStale, Window)
	}
	return nil
}
