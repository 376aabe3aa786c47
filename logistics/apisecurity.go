package logistics

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/apisec"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/pipeline"
	"github.com/waybill-go/waybill/internal/wxapi"
)

// APISecurity is what the mini program console's API security page (开发 →
// 开发管理 → 开发设置 → API 安全) gives an app for WeChat's server API
// security (服务端 API 签名与加密) in its RSA + AES256_GCM mode.
//
// It never prints or logs a key: String, Format (every verb),
// LogValue and MarshalJSON show the app ID, the two key numbers and whether
// the secrets are set.
type APISecurity struct {
	AppID           string // sent as Wechatmp-Appid; part of AAD and signature
	SymmetricKey    string // base64 of the 32-byte AES256_GCM key from the console
	SymmetricSN     string // its number (SN) from the console
	PrivateKeyPEM   []byte // the app's RSA private key (PKCS#1 or PKCS#8 PEM)
	PlatformCertPEM []byte // WeChat's platform certificate (or public key) PEM, to verify replies
	PlatformSN      string // its number (SN): replies signed under another SN are refused
	// (during rotation a matching Wechatmp-Serial-Deprecated pair is accepted)
}

func (s APISecurity) config() apisec.Config {
	return apisec.Config{
		AppID:           s.AppID,
		SymmetricKey:    s.SymmetricKey,
		SymmetricSN:     s.SymmetricSN,
		PrivateKeyPEM:   s.PrivateKeyPEM,
		PlatformCertPEM: s.PlatformCertPEM,
		PlatformSN:      s.PlatformSN,
	}
}

// String shows the identifiers only.
func (s APISecurity) String() string {
	return "logistics.APISecurity" + strings.TrimPrefix(s.config().String(), "apisec.Config")
}

// Format prints String for every verb.
func (s APISecurity) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue logs the identifiers only.
func (s APISecurity) LogValue() slog.Value { return s.config().LogValue() }

// MarshalJSON encodes the identifiers only (slog's JSON handler encodes a
// value nested in another with encoding/json).
func (s APISecurity) MarshalJSON() ([]byte, error) { return s.config().MarshalJSON() }

// WithAPISecurity turns on WeChat's server API security for the client.
// The keys are parsed here, once: a missing or malformed one fails
// NewClient with an error matching errors.ErrInvalidParam that names the
// field (for example "APISecurity.PrivateKeyPEM") and never shows a key.
//
// Every call to an endpoint that this SDK seals is then, on every attempt
// (with a fresh timestamp and nonce): encrypted with AES256_GCM (the
// original JSON plus "_n", "_appid" and "_timestamp"; additional data
// urlpath|appid|timestamp|sn), signed with the app's key (RSA-PSS, SHA-256,
// salt 32, over urlpath\nappid\ntimestamp\nbody) and sent with the
// Wechatmp-Appid, Wechatmp-TimeStamp and Wechatmp-Signature headers. Its
// reply is accepted only when Wechatmp-Appid is the app's, Wechatmp-Serial
// is PlatformSN (or, during a certificate rotation, the
// Wechatmp-Serial-Deprecated pair names it), the platform signature
// verifies, the reply is dated within five minutes of the request, the
// body decrypts and its "_appid" and "_timestamp" match. A reply that fails
// any check is an *errors.APIError matching errors.ErrSystem (an unusable
// reply, whose outcome is unknown) that also matches ErrReplyNotVerified. A
// reply that is not sealed at all is never a success: when it carries a
// WeChat errcode (a refusal before the security layer, such as 934011 for a
// missing signature or 40234 for a bad one) that errcode is the
// *errors.APIError; otherwise it is unusable as above.
//
// WeChat's refusals under API security, errcode 934011 and 40230–40240,
// match errors.ErrInvalidCredentials on every endpoint: the keys, their
// numbers or the console's switch do not fit together, and retrying will
// not help until the configuration is fixed.
//
// Endpoints sealed: 同城配送 (Intracity().CancelOrder, Cancel, QueryOrder),
// where WeChat requires API security; without this option those calls fail
// before anything is sent with an error matching errors.ErrInvalidParam
// that names APISecurity.
//
// Endpoints not sealed: the rest of 物流助手 and 微信小店 电子面单, which
// WeChat does not require to be sealed while the console's API security
// switch is off. WeChat's pages name delivery/getall, account/getall and
// printer/getall as supporting encrypted requests, but these are GET calls
// without a body, and WeChat's guide does not say how a GET request is
// sealed (the sealed form is a POST body); until a sealed POST to them is
// known to work, they are sent as plain GET requests. With the console's
// switch on, WeChat may refuse them (934011), which matches
// errors.ErrInvalidCredentials as above.
func WithAPISecurity(s APISecurity) Option {
	return func(c *config) error {
		keys, err := apisec.New(s.config())
		if err != nil {
			return fmt.Errorf("WithAPISecurity: %w", err)
		}
		c.security = keys
		return nil
	}
}

// ErrReplyNotVerified is the cause of the error for a reply to a sealed
// call that failed WeChat API security's checks: no or a wrong signature,
// an unknown platform serial, a timestamp outside the five-minute window,
// a body that is not sealed or does not decrypt, or "_appid" and
// "_timestamp" members that do not match. errors.Is(err,
// ErrReplyNotVerified) holds for such an error, which also matches
// errors.ErrSystem; its text says which check failed, never a key.
var ErrReplyNotVerified = errors.New("reply failed API security verification")

// errSecurityRequired is the local refusal of a sealed endpoint on a
// client without WithAPISecurity.
func errSecurityRequired(op string) error {
	return &werrors.ParamError{Field: "APISecurity", Reason: "is required for " + op +
		" (WeChat requires API security there): configure the client with logistics.WithAPISecurity"}
}

// seal makes x a call under API security: every attempt's request is
// sealed and signed, and every reply verified and opened before the
// endpoint's judge reads it.
func (x *exchange) seal() error {
	if x.c.security == nil {
		return errSecurityRequired(x.ep.op)
	}
	u, err := url.Parse(x.c.baseURL + x.ep.path)
	if err != nil {
		return fmt.Errorf("logistics: %s: %w", x.ep.op, err)
	}
	x.urlpath = apisec.URLPath(u)
	return nil
}

// sealedRequest seals the request afresh for each attempt: its timestamp
// and nonce are the attempt's own.
func (x *exchange) sealedRequest(token string) (*httpx.Request, error) {
	x.sentAt = time.Now() // attempts run one after another
	sealed, hdr, err := x.c.security.SealRequest(x.urlpath, x.body, x.sentAt)
	if err != nil {
		return nil, err
	}
	return &httpx.Request{Method: x.ep.method, URL: x.c.url(x.ep, token), LogOp: x.ep.op,
		Body: sealed, ContentType: "application/json", Header: hdr}, nil
}

// openReply verifies and opens a reply, then judges its plaintext.
func (x *exchange) openReply(r *httpx.Reply) pipeline.Judgement {
	plain, err := x.c.security.OpenReply(x.urlpath, r.Header, r.Body, x.sentAt, time.Now())
	if err == nil {
		r.Body = plain // what out is decoded from, and scrubbed after (pipeline.Exchange.Judge)
		return x.judge(r)
	}
	cause := fmt.Errorf("%w: %w", ErrReplyNotVerified, err)
	if errors.Is(err, apisec.ErrNotSealed) {
		// WeChat refuses a request before its security layer in plain
		// JSON: its errcode says why. Such a reply is never a success.
		if j := wxapi.Judge(x.c.pipe, &x.ep.wx, r, x.out); j.Verdict != pipeline.Success && isAPIError(j.Err) {
			return j
		}
	}
	return x.c.pipe.UnusableJudgement(x.ep.op, r.Status, cause)
}
