// Package apisec implements WeChat's server API security (服务端 API 签名与加密)
// in its RSA + AES mode: requests encrypted with AES-256-GCM and signed with
// the app's RSA key, replies signed with WeChat's platform key and encrypted
// with the same symmetric key. It is self-contained so that the SDK's HTTP
// pipeline (the client side) and the fake WeChat of logisticstest (the
// server side) share one implementation.
//
// # Wire format
//
// A sealed message, request or reply, is the JSON body
//
//	{"iv":"<base64 of 12 random bytes>","data":"<base64 ciphertext>","authtag":"<base64 16-byte GCM tag>"}
//
// whose plaintext is the original JSON object with three members put first:
// "_n" (a random string), "_appid" (the app ID) and "_timestamp" (a JSON
// number equal to the Wechatmp-TimeStamp header). The GCM additional data is
//
//	urlpath|appid|timestamp|sn
//
// where urlpath is the full URL with scheme and host but without the query
// (see URLPath), timestamp the message's own Wechatmp-TimeStamp in Unix
// seconds and sn the symmetric key's number from the console.
//
// The signature is RSASSA-PSS with SHA-256 over
//
//	urlpath + "\n" + appid + "\n" + timestamp + "\n" + body
//
// where body is the sealed JSON exactly as sent. Requests carry it in
// Wechatmp-Signature beside Wechatmp-Appid and Wechatmp-TimeStamp; replies
// add Wechatmp-Serial, the number of the platform certificate that signed,
// and during a certificate rotation also the pair Wechatmp-Serial-Deprecated
// and Wechatmp-Signature-Deprecated. One version of WeChat's documentation
// puts the key number on a line of its own in the signed string; WeChat's
// servers refuse that (errcode 40234), and the guide's own worked example
// verifies only without it, so no such line is written or expected here.
//
// Requests are signed with a PSS salt of 32 bytes, as the guide requires.
// Reply signatures are verified with the salt length detected from the
// signature, as the guide advises; its example reply uses 32.
//
// # Client side
//
// New parses a Config (the four keys of the console plus the app ID) once;
// the resulting Keys seals requests (SealRequest) and opens replies
// (OpenReply). A reply is accepted only when its app ID, platform serial,
// signature, timestamp, ciphertext and the members inside all check out;
// each refusal matches one of the Err* values of this package (errors.Is).
// The opened plaintext keeps its "_n", "_appid" and "_timestamp" members:
// decoding it into the typed response ignores them.
//
// # Server side
//
// Platform plays WeChat for tests: it opens requests (OpenRequest, refusing
// them with the errcodes WeChat documents) and seals replies (SealReply),
// optionally with a retiring key to exercise certificate rotation.
// GenerateTestKeys makes a matching set of keys for both sides.
//
// No value of this package prints key material: Config, Keys, Platform,
// PlatformConfig and TestKeys redact themselves under every fmt verb and in
// log/slog, and no error text contains a key.
package apisec
