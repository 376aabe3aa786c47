package apisec

import "errors"

// Reasons a message is refused. Every error OpenReply and OpenRequest return
// matches exactly one of them (errors.Is); the wrapping text says which
// check failed and never contains key material.
var (
	// ErrNotSealed is a message that is not in the sealed form: a body
	// that is not a JSON object with "iv", "data" and "authtag", or a
	// request without any Wechatmp signature header. WeChat answers a
	// request it refuses (for example errcode 40234 or 934011) in plain
	// JSON; such a reply must never be taken for a success.
	ErrNotSealed = errors.New("apisec: message is not sealed")

	// ErrAppID is a Wechatmp-Appid header or an "_appid" member that is
	// missing or names another app.
	ErrAppID = errors.New("apisec: message is for another app ID")

	// ErrUnknownSerial is a reply signed under a platform certificate
	// number other than the configured one (neither Wechatmp-Serial nor
	// Wechatmp-Serial-Deprecated matches).
	ErrUnknownSerial = errors.New("apisec: signed under an unknown platform serial")

	// ErrBadSignature is a signature that is missing, not base64, or does
	// not verify.
	ErrBadSignature = errors.New("apisec: signature does not verify")

	// ErrTimestamp is a Wechatmp-TimeStamp header that is missing or not
	// a positive decimal number of seconds.
	ErrTimestamp = errors.New("apisec: timestamp missing or malformed")

	// ErrStale is a timestamp outside the accepted window (see Window):
	// an old message replayed, or clocks too far apart.
	ErrStale = errors.New("apisec: timestamp outside the accepted window")

	// ErrDecrypt is a sealed body that cannot be decrypted: a member that
	// is not base64, an IV or tag of the wrong size, or a ciphertext that
	// fails authentication (wrong key, wrong additional data, truncated
	// or altered).
	ErrDecrypt = errors.New("apisec: cannot decrypt message")

	// ErrPayload is a decrypted plaintext that is not a JSON object, or
	// whose "_n" or "_timestamp" member is missing or of the wrong type, or
	// (for "_timestamp") differs from the header.
	ErrPayload = errors.New("apisec: malformed decrypted payload")

	// ErrBody is a body given to SealRequest or SealReply that is not a
	// JSON object, or that already has an "_n", "_appid" or "_timestamp"
	// member.
	ErrBody = errors.New("apisec: body to seal is not a plain JSON object")

	// ErrURLPath is a urlpath that is not an absolute http(s) URL without
	// query or fragment (see URLPath).
	ErrURLPath = errors.New("apisec: urlpath must be an absolute URL without query")
)
