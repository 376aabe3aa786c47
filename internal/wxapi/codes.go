package wxapi

import werrors "github.com/waybill-go/waybill/errors"

// businessCodes maps the errcodes of WeChat's business APIs to sentinels.
// Codes that no shop or carrier would branch on are left out: they arrive
// as an *errors.APIError matching no sentinel.
var businessCodes = map[int]error{
	-1:    werrors.ErrSystem, // system busy
	-1000: werrors.ErrSystem, // system error
	// The access token.
	40001: werrors.ErrInvalidToken, // invalid or not the latest
	40014: werrors.ErrInvalidToken, // malformed
	42001: werrors.ErrInvalidToken, // expired
	41001: werrors.ErrInvalidToken, // missing: a bug, never refreshed
	// Who may call.
	48001: werrors.ErrUnauthorized, // the app is not authorised for this API
	40164: werrors.ErrUnauthorized, // the caller's IP is not whitelisted
	89503: werrors.ErrUnauthorized, // the IP awaits the admin's confirmation
	89506: werrors.ErrUnauthorized, // the admin refused the IP
	89507: werrors.ErrUnauthorized, // the admin refused the IP for an hour
	// WeChat's server API security (服务端 API 签名与加密) refusing a
	// request: the keys, their numbers or the console's switch do not fit
	// together. Fix the configuration; retrying will not help.
	934011: werrors.ErrInvalidCredentials, // not signed (or signed wrongly) where security is required
	40230:  werrors.ErrInvalidCredentials,
	40231:  werrors.ErrInvalidCredentials, // Wechatmp-TimeStamp missing
	40232:  werrors.ErrInvalidCredentials, // Wechatmp-Signature missing
	40233:  werrors.ErrInvalidCredentials, // Wechatmp-Appid missing
	40234:  werrors.ErrInvalidCredentials, // the signature does not verify
	40235:  werrors.ErrInvalidCredentials, // the body does not decrypt
	40236:  werrors.ErrInvalidCredentials,
	40237:  werrors.ErrInvalidCredentials, // Wechatmp-Appid is not the token's app
	40238:  werrors.ErrInvalidCredentials,
	40239:  werrors.ErrInvalidCredentials,
	40240:  werrors.ErrInvalidCredentials, // the timestamp is outside the window
	// Quotas.
	45009: werrors.ErrRateLimited, // daily quota reached
	45011: werrors.ErrRateLimited, // per-minute quota reached
	// Malformed requests.
	40003:  werrors.ErrInvalidParam, // invalid openid
	44002:  werrors.ErrInvalidParam, // empty POST body
	47001:  werrors.ErrInvalidParam, // data format error
	930561: werrors.ErrInvalidParam, // 物流助手: parameter error
	// 物流助手 (express business) orders.
	40199:   werrors.ErrWaybillNotFound,    // no such waybill_id
	9300503: werrors.ErrDeliveryNotFound,   // no such delivery_id
	930563:  werrors.ErrOrderNotFound,      // no such order_id
	9300506: werrors.ErrAlreadyHasTrace,    // the waybill has a trace: too late to cancel
	9300524: werrors.ErrDuplicateCancel,    // cancelled before
	9300501: werrors.ErrCarrier,            // the carrier refused: see delivery_resultcode
	9300502: werrors.ErrCarrier,            // the carrier's system failed
	9300522: werrors.ErrDuplicateOrder,     // order_id used before
	9300525: werrors.ErrAccountNotBound,    // biz_id not bound
	9300530: werrors.ErrAccountNotBound,    // biz_id not bound, or not approved
	9300531: werrors.ErrInvalidCredentials, // wrong carrier account or password
	9300528: werrors.ErrWaybillNotFound,    // invalid waybill_id
	9300507: werrors.ErrInvalidParam,       // wrong order Token (path/update)
	9300512: werrors.ErrInvalidParam,       // malformed field
	9300517: werrors.ErrInvalidParam,       // update_type invalid
	9300526: werrors.ErrInvalidParam,       // a field is too long
	9300534: werrors.ErrInvalidParam,       // malformed add_source or wx_appid
	9300535: werrors.ErrInvalidParam,       // invalid shop: goods name, picture or count
	9300536: werrors.ErrInvalidParam,       // invalid wx_appid
}

// tokenCodes maps the errcodes of the token endpoints (/cgi-bin/token,
// /cgi-bin/stable_token), where 40001 speaks of the AppSecret, not of an
// access token.
var tokenCodes = map[int]error{
	-1:    werrors.ErrSystem,
	40001: werrors.ErrInvalidCredentials, // wrong AppSecret
	40013: werrors.ErrInvalidCredentials, // invalid AppID
	40125: werrors.ErrInvalidCredentials, // invalid AppSecret
	40243: werrors.ErrInvalidCredentials, // AppSecret frozen
	41002: werrors.ErrInvalidCredentials, // AppID missing
	41004: werrors.ErrInvalidCredentials, // AppSecret missing
	40164: werrors.ErrUnauthorized,       // the caller's IP is not whitelisted
	89503: werrors.ErrUnauthorized,
	89506: werrors.ErrUnauthorized,
	89507: werrors.ErrUnauthorized,
	45009: werrors.ErrRateLimited,
	45011: werrors.ErrRateLimited,
}

// Sentinel returns the sentinel a WeChat errcode means on ep, or nil: ep's
// own codes first, then the token endpoints' or the business APIs' table.
func Sentinel(code int, ep *Endpoint) error {
	if s, ok := ep.Codes[code]; ok {
		return s
	}
	if ep.Token {
		return tokenCodes[code]
	}
	return businessCodes[code]
}

// TokenRejected reports whether a business API's errcode means "this access
// token is invalid or expired" (40001, 40014, 42001): the case where the
// client drops the token, fetches a new one and sends the call once more.
// 41001 (no token sent) is a bug, not a case for a refresh.
func TokenRejected(code int) bool {
	return code == 40001 || code == 40014 || code == 42001
}
