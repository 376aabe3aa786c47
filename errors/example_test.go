package errors_test

import (
	"errors"
	"fmt"

	werrors "github.com/waybill-go/waybill/errors"
)

// A shop backend branches on what a refusal means, not on its number.
func ExampleAPIError() {
	var err error = fmt.Errorf("cancel order 42: %w", &werrors.APIError{
		Provider: werrors.ProviderWeChat,
		Op:       "order/cancel",
		Code:     9300506,
		Message:  "waybill has trace rid: 65a1-77",
	})

	switch {
	case errors.Is(err, werrors.ErrDuplicateCancel):
		fmt.Println("already cancelled: nothing to do")
	case errors.Is(err, werrors.ErrAlreadyHasTrace):
		fmt.Println("too late: the parcel is on its way")
	}
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("code:", apiErr.Code, "request id:", werrors.RequestIDFromMessage(apiErr.Message))
	}
	// Output:
	// too late: the parcel is on its way
	// code: 9300506 request id: 65a1-77
}
