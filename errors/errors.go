// Package errors holds the typed errors every waybill client and the event
// handler share, so that one errors.Is check works whichever provider
// answered. It knows no provider's codes: each provider package maps its own
// codes to these sentinels when it builds an *APIError.
//
// Import it under another name, because it shadows the standard library:
//
//	import werrors "github.com/waybill-go/waybill/errors"
//
// A provider's refusal arrives as an *APIError whose Sentinel is the
// sentinel its code means, so callers branch on meaning rather than on
// numbers:
//
//	_, err := client.Cancel(ctx, req)
//	switch {
//	case errors.Is(err, werrors.ErrAlreadyHasTrace):
//		// too late: the parcel is moving
//	case errors.Is(err, werrors.ErrDuplicateCancel):
//		// already cancelled: treat as done
//	case werrors.Retryable(err):
//		// try again later
//	}
//
// errors.As gives the details (code, message with the request ID, carrier
// code, HTTP status). Codes no sentinel covers still arrive as an *APIError;
// they simply match no sentinel. A request that got no reply at all is a
// *TransportError; one the SDK refused before sending it is a *ParamError.
package errors

import (
	stderrors "errors"
)

// Provider names used in APIError.Provider and waybill.CancelResult.Provider.
//
// Deprecated: use logistics.Provider and apiusb.Provider.
const (
	ProviderWeChat = "wechat"
	ProviderAPIUSB = "apiusb"
)

// Sentinels. Match them with errors.Is; never compare error strings. Which
// provider codes map to which sentinel is documented by each provider
// package.
var (
	// ErrSystem is a failure on the provider's side or on the way there:
	// WeChat errcode -1 or -1000, APIUSB ret 5xx, any HTTP 5xx, and replies
	// that cannot be read (HTML pages, redirects, truncated or oversized
	// bodies). Retryable reports true for it.
	ErrSystem = stderrors.New("waybill: provider system error")

	// ErrInvalidParam is a request the provider (WeChat 930561, APIUSB ret
	// 400) or the SDK itself refused as malformed. Local validation errors
	// are *ParamError values that name the field.
	ErrInvalidParam = stderrors.New("waybill: invalid parameter")

	// ErrWaybillNotFound is WeChat errcode 40199: no such waybill_id.
	ErrWaybillNotFound = stderrors.New("waybill: waybill not found")

	// ErrDeliveryNotFound is WeChat errcode 9300503: no such delivery_id.
	ErrDeliveryNotFound = stderrors.New("waybill: delivery company not found")

	// ErrOrderNotFound is WeChat errcode 930563: no such order_id.
	ErrOrderNotFound = stderrors.New("waybill: order not found")

	// ErrAlreadyHasTrace is WeChat errcode 9300506: the waybill already has
	// tracking events, so it is too late to cancel it.
	ErrAlreadyHasTrace = stderrors.New("waybill: waybill already has a trace and cannot be cancelled")

	// ErrDuplicateCancel is WeChat errcode 9300524: the order was cancelled
	// before. For most shop backends this means the goal is already met.
	ErrDuplicateCancel = stderrors.New("waybill: order already cancelled")

	// ErrDuplicateOrder is WeChat errcode 9300522: the order_id was used
	// before. After an order/add whose answer was lost, logistics.Client
	// turns it into the order that attempt created; on a first attempt it
	// means the shop's order ID is not unique.
	ErrDuplicateOrder = stderrors.New("waybill: order ID already used")

	// ErrAccountNotBound is WeChat errcode 9300525 or 9300530: the carrier
	// account (biz_id) is not bound to the app, or not approved yet.
	ErrAccountNotBound = stderrors.New("waybill: carrier account not bound")

	// ErrCarrier is WeChat errcode 9300501: the carrier refused. The
	// carrier's own code and message are in APIError.CarrierCode and
	// APIError.CarrierMessage.
	ErrCarrier = stderrors.New("waybill: carrier refused the request")

	// ErrInvalidToken is WeChat errcode 40001, 40014 or 42001 on a business
	// API: the access token was refused, and still refused after the one
	// refresh the client makes (or could not be refreshed, as a static token
	// cannot).
	ErrInvalidToken = stderrors.New("waybill: access token invalid or expired")

	// ErrInvalidCredentials is a token endpoint refusing the credentials
	// themselves: WeChat's token endpoints answering 40001, 40013, 40125,
	// 40243, 41002 or 41004 (AppID or AppSecret wrong, missing or frozen),
	// or APIUSB's App.Auth.ApplyToken refusing the app key or secret;
	// also WeChat refusing a request's API security (934011 unsigned,
	// 40230–40240 bad keys, key numbers or signature) and a carrier
	// account's wrong password (9300531). Fetching again will not help;
	// fix the configuration.
	ErrInvalidCredentials = stderrors.New("waybill: app credentials refused")

	// ErrRateLimited is WeChat errcode 45009 (daily quota) or 45011 (per
	// minute quota). Clients never retry it on their own; Retryable reports
	// true for it, since a later attempt may succeed.
	ErrRateLimited = stderrors.New("waybill: provider rate limit reached")

	// ErrServiceNotFound is APIUSB ret 404: the service name is unknown.
	ErrServiceNotFound = stderrors.New("waybill: service not found")

	// ErrUnauthorized is a request the provider would not let through for
	// who or where it came from rather than for its credentials' validity:
	// APIUSB ret 401, 403 or 406 (token or signature refused), WeChat 48001
	// (the app may not call this API), 40164 and 89503/89506/89507 (the
	// caller's IP is not allowed).
	ErrUnauthorized = stderrors.New("waybill: request not authorized")

	// ErrAlreadyPickedUp is what a carrier's OnCancelWaybill returns when
	// the parcel was already collected (ResultCode 30002). Provider packages
	// may also map their own "already picked up" codes to it.
	ErrAlreadyPickedUp = stderrors.New("waybill: parcel already picked up")

	// ErrInvalidWaybill is what a carrier's OnCancelWaybill returns for a
	// waybill that is void: cancelled before, or signed for too long ago
	// (ResultCode 30003).
	ErrInvalidWaybill = stderrors.New("waybill: waybill is void")

	// ErrCancelNotSupported is what a carrier's OnCancelWaybill returns when
	// it cannot cancel waybills at all (ResultCode 30004).
	ErrCancelNotSupported = stderrors.New("waybill: carrier does not support cancelling")
)
