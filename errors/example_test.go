package errors_test

import (
	"errors"
	"fmt"

	werrors "github.com/waybill-go/waybill/errors"
)

// A shop backend branches on what a refusal means, not on its number.
func ExampleAPIError() {
	// What logistics.Client returns when WeChat answers errcode 9300506.
	var err error = fmt.Errorf("cancel order 42: %w", &werrors.APIError{
		Provider:  "wechat",
		Op:        "order/cancel",
		Code:      9300506,
		CodeName:  "errcode",
		Message:   "waybill has trace rid: 65a1-77",
		RequestID: "65a1-77",
		Sentinel:  werrors.ErrAlreadyHasTrace,
	})

	switch {
	case errors.Is(err, werrors.ErrDuplicateCancel):
		fmt.Println("already cancelled: nothing to do")
	case errors.Is(err, werrors.ErrAlreadyHasTrace):
		fmt.Println("too late: the parcel is on its way")
	}
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("code:", apiErr.Code, "request id:", apiErr.RequestID)
	}
	// Output:
	// too late: the parcel is on its way
	// code: 9300506 request id: 65a1-77
}

// Retryable answers the one question most callers have: is it worth
// trying again later?
func ExampleRetryable() {
	busy := &werrors.APIError{Provider: "wechat", Code: -1, CodeName: "errcode", Message: "system busy", Sentinel: werrors.ErrSystem}
	tooLate := &werrors.APIError{Provider: "wechat", Code: 9300506, CodeName: "errcode", Sentinel: werrors.ErrAlreadyHasTrace}
	bad := &werrors.ParamError{Field: "OrderID", Reason: "is required"}
	for _, err := range []error{busy, tooLate, bad} {
		fmt.Printf("%v → retry later: %v\n", err, werrors.Retryable(err))
	}
	// Output:
	// wechat: errcode -1: system busy → retry later: true
	// wechat: errcode 9300506 → retry later: false
	// waybill: invalid parameter OrderID: is required → retry later: false
}
