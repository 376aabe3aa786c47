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
		return TooLate, fmt.Sprintf("the carrier refused (carrier code %d: %s)", apiErr.CarrierCode, apiErr.CarrierMessage)
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
	case errors.Is(err, werrors.ErrRateLimited):
		return TryLater, "the provider's quota is used up: try again later"
	case errors.Is(err, werrors.ErrSystem):
		return TryLater, "the provider had a system error: try again later (" + err.Error() + ")"
	case werrors.Retryable(err):
		return TryLater, "could not reach the provider: " + err.Error()
	case apiErr != nil:
		return Fix, fmt.Sprintf("the provider refused with code %d: %s", apiErr.Code, apiErr.Message)
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
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}
