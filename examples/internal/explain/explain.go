// Package explain turns the SDK's errors into the plain sentences the
// example programs print. It shows the errors.Is / errors.As branches a shop
// backend typically writes.
package explain

import (
	"context"
	"errors"
	"fmt"

	werrors "github.com/waybill-go/waybill/errors"
)

// Outcome is what a shop backend should make of a cancellation's error.
type Outcome int

// Outcomes, from best to worst.
const (
	Done     Outcome = iota // cancelled now, or earlier
	TooLate                 // the parcel is moving: cannot cancel any more
	Fix                     // the request or the set-up is wrong: fix it, do not retry
	TryLater                // transient: retry later
	Refused                 // refused for a reason given in a code this program cannot read
)

// Cancel explains the error a Cancel call returned, nil included.
func Cancel(err error) (Outcome, string) {
	var apiErr *werrors.APIError
	errors.As(err, &apiErr)
	switch {
	case err == nil:
		return Done, "cancelled"
	case errors.Is(err, werrors.ErrDuplicateCancel):
		return Done, "already cancelled before: nothing left to do"
	case errors.Is(err, werrors.ErrAlreadyHasTrace), errors.Is(err, werrors.ErrAlreadyPickedUp):
		return TooLate, "too late: the parcel is already with the courier"
	case errors.Is(err, werrors.ErrCarrier):
		// The reason is the carrier's own: the parcel may have moved, or
		// the carrier may not know the waybill. Only its message says.
		return Refused, fmt.Sprintf("the carrier refused (carrier code %d: %s)", apiErr.CarrierCode, apiErr.CarrierMessage)
	case errors.Is(err, werrors.ErrWaybillNotFound):
		return Fix, "no such waybill: check the waybill ID"
	case errors.Is(err, werrors.ErrOrderNotFound):
		return Fix, "no such order: check the order ID"
	case errors.Is(err, werrors.ErrDeliveryNotFound):
		return Fix, "unknown delivery company: check the delivery ID"
	case errors.Is(err, werrors.ErrInvalidParam):
		return Fix, "the request is invalid: " + err.Error()
	case errors.Is(err, werrors.ErrInvalidCredentials):
		return Fix, "the app's credentials were refused: check the AppID and AppSecret (or the APIUSB app key and secret)"
	case errors.Is(err, werrors.ErrInvalidToken):
		return Fix, "the access token was refused even after a refresh: check that nothing else fetches tokens for this app"
	case errors.Is(err, werrors.ErrUnauthorized):
		return Fix, "the provider would not let the request through: check the access token, the IP whitelist and the API's permissions"
	case errors.Is(err, werrors.ErrServiceNotFound):
		return Fix, "the provider does not know this service: check the base URL"
	case errors.Is(err, context.DeadlineExceeded) && !werrors.Retryable(err):
		return TryLater, "no answer in time: the outcome is unknown, cancelling again is safe"
	case errors.Is(err, context.Canceled):
		return TryLater, "stopped before an answer came: the outcome is unknown, cancelling again is safe"
	case errors.Is(err, werrors.ErrRateLimited):
		return TryLater, "the provider's quota is used up: try again later"
	case errors.Is(err, werrors.ErrSystem):
		return TryLater, "the provider had a system error: try again later (" + err.Error() + ")"
	case werrors.Retryable(err):
		return TryLater, "could not reach the provider: " + err.Error()
	case apiErr != nil:
		// A code the SDK does not map: APIUSB's data.code values are the
		// account's own (apiusb.WithDataCodes maps them), and WeChat adds
		// codes now and then. Whether it is final, or a fix helps, only
		// the message says.
		return Refused, fmt.Sprintf("the provider refused with code %d: %s", apiErr.Code, apiErr.Message)
	}
	return Fix, "unexpected failure: " + err.Error()
}

// Advice says what a shop backend does next.
func (o Outcome) Advice() string {
	switch o {
	case Done:
		return "mark the order cancelled"
	case TooLate:
		return "tell the customer the parcel is already on its way"
	case Fix:
		return "fix the request or the configuration; retrying as is will not help"
	case TryLater:
		return "retry later: cancelling again is safe"
	case Refused:
		return "read the reason above: only it says whether the order can still be cancelled, and the same request " +
			"gets the same answer (APIUSB: map your account's codes with apiusb.WithDataCodes)"
	}
	return "look into it"
}

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case Done:
		return "done"
	case TooLate:
		return "too late"
	case Fix:
		return "needs fixing"
	case TryLater:
		return "try later"
	case Refused:
		return "refused"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}
