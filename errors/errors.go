// Package errors holds the typed errors that every waybill client and the
// event handler share, so that one errors.Is check works whichever provider
// answered.
//
// Import it under another name, because it shadows the standard library:
//
//	import werrors "github.com/waybill-go/waybill/errors"
//
// A provider's refusal arrives as an *APIError. Its Is method maps the
// provider's code to one of the sentinels below, so callers branch on meaning
// rather than on numbers:
//
//	_, err := client.Cancel(ctx, req)
//	switch {
//	case errors.Is(err, werrors.ErrAlreadyHasTrace):
//		// too late: the parcel is moving
//	case errors.Is(err, werrors.ErrDuplicateCancel):
//		// already cancelled: treat as done
//	}
//
// errors.As gives the details (code, message with the request ID, carrier code,
// HTTP status). Codes no sentinel covers still arrive as an *APIError; they
// simply match no sentinel.
package errors

import (
	stderrors "errors"
)

// Provider names used in APIError.Provider and waybill.CancelResult.Provider.
const (
	ProviderWeChat = "wechat"
	ProviderAPIUSB = "apiusb"
)

// Sentinels. Match them with errors.Is; never compare error strings.
var (
	// ErrSystem is a failure on the provider's side or on the way there:
	// WeChat errcode -1 or -1000, APIUSB ret 5xx, any HTTP 5xx, and replies
	// that cannot be read (HTML pages, truncated or oversized bodies).
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

	// ErrCarrier is WeChat errcode 9300501: the carrier refused. The
	// carrier's own code and message are in APIError.CarrierCode and
	// APIError.CarrierMessage.
	ErrCarrier = stderrors.New("waybill: carrier refused the request")

	// ErrInvalidToken is WeChat errcode 40001, 40014 or 42001: the access
	// token was refused, and still refused after the one refresh the client
	// makes. On a token endpoint 40001 means the AppSecret is wrong.
	ErrInvalidToken = stderrors.New("waybill: access token invalid or expired")

	// ErrRateLimited is WeChat errcode 45009 (daily quota) or 45011 (per
	// minute quota). Clients never retry it on their own.
	ErrRateLimited = stderrors.New("waybill: provider rate limit reached")

	// ErrServiceNotFound is APIUSB ret 404: the service name is unknown.
	ErrServiceNotFound = stderrors.New("waybill: service not found")

	// ErrUnauthorized is APIUSB ret 401, 403 or 406: the access token or the
	// signature was refused.
	ErrUnauthorized = stderrors.New("waybill: request not authorized")

	// ErrAlreadyPickedUp is what a carrier's OnCancelWaybill returns when
	// the parcel was already collected (ResultCode 30002).
	ErrAlreadyPickedUp = stderrors.New("waybill: parcel already picked up")

	// ErrInvalidWaybill is what a carrier's OnCancelWaybill returns for a
	// waybill that is void: cancelled before, or signed for too long ago
	// (ResultCode 30003).
	ErrInvalidWaybill = stderrors.New("waybill: waybill is void")

	// ErrCancelNotSupported is what a carrier's OnCancelWaybill returns when
	// it cannot cancel waybills at all (ResultCode 30004).
	ErrCancelNotSupported = stderrors.New("waybill: carrier does not support cancelling")
)
