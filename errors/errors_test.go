package errors_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
)

var allSentinels = []error{
	werrors.ErrSystem, werrors.ErrInvalidParam, werrors.ErrWaybillNotFound, werrors.ErrDeliveryNotFound,
	werrors.ErrOrderNotFound, werrors.ErrAlreadyHasTrace, werrors.ErrDuplicateCancel, werrors.ErrCarrier,
	werrors.ErrInvalidToken, werrors.ErrInvalidCredentials, werrors.ErrRateLimited, werrors.ErrServiceNotFound,
	werrors.ErrUnauthorized, werrors.ErrAlreadyPickedUp, werrors.ErrInvalidWaybill, werrors.ErrCancelNotSupported,
}

// matchesOnly checks that err matches want and no other sentinel.
func matchesOnly(t *testing.T, err, want error) {
	t.Helper()
	for _, s := range allSentinels {
		if got := errors.Is(err, s); got != (s == want) {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", err, s, got, s == want)
		}
	}
}

func TestAPIErrorMatchesItsSentinelOnly(t *testing.T) {
	t.Parallel()
	for _, s := range append(allSentinels, nil) {
		err := error(&werrors.APIError{Provider: "wechat", Code: 123, Message: "m", HTTPStatus: 200, Sentinel: s})
		matchesOnly(t, err, s)
		// Wrapping keeps the match and the details.
		matchesOnly(t, fmt.Errorf("cancelling: %w", err), s)
		var apiErr *werrors.APIError
		if !errors.As(fmt.Errorf("x: %w", err), &apiErr) || apiErr.Code != 123 {
			t.Fatalf("errors.As lost the code: %+v", apiErr)
		}
	}
}

func TestUnusableReplyKeepsItsCause(t *testing.T) {
	t.Parallel()
	cause := errors.New("unexpected end of JSON input")
	err := &werrors.APIError{Provider: "apiusb", HTTPStatus: 502, Message: "unusable reply", Sentinel: werrors.ErrSystem, Err: cause}
	matchesOnly(t, err, werrors.ErrSystem)
	if !errors.Is(err, cause) {
		t.Error("cause not reachable through Unwrap")
	}
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	err := &werrors.APIError{
		Provider: "wechat", Op: "order/cancel", Code: 9300501, CodeName: "errcode",
		Message: "delivery logic error rid: 6512abcd-1234", CarrierCode: 1001, CarrierMessage: "no",
	}
	got := err.Error()
	for _, want := range []string{"wechat", "order/cancel", "errcode 9300501", "rid: 6512abcd-1234", "carrier 1001", "no"} {
		if !strings.Contains(got, want) {
			t.Errorf("Error() = %q, missing %q", got, want)
		}
	}
	for _, c := range []struct {
		err  *werrors.APIError
		want string
	}{
		{&werrors.APIError{Provider: "apiusb", Code: 404, CodeName: "ret", Message: "no such service"}, "apiusb: ret 404: no such service"},
		{&werrors.APIError{Provider: "apiusb", Code: 601, CodeName: "code", Message: "task not found"}, "apiusb: code 601: task not found"},
		{&werrors.APIError{Provider: "x", Code: 7}, "x: code 7"},
		{&werrors.APIError{Provider: "wechat", HTTPStatus: 502, Message: "unusable reply", Err: errors.New("not JSON")}, "wechat: HTTP 502: unusable reply: not JSON"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestParamError(t *testing.T) {
	t.Parallel()
	err := error(&werrors.ParamError{Field: "OrderID", Reason: "is required"})
	matchesOnly(t, err, werrors.ErrInvalidParam)
	if got := err.Error(); got != "waybill: invalid parameter OrderID: is required" {
		t.Errorf("Error() = %q", got)
	}
	var pe *werrors.ParamError
	if !errors.As(errors.Join(err, errors.New("other")), &pe) || pe.Field != "OrderID" {
		t.Errorf("errors.As gave %+v", pe)
	}
}

// retryableStub decides for itself, as the SDK's store errors do.
type retryableStub bool

func (r retryableStub) Error() string   { return "stub" }
func (r retryableStub) Retryable() bool { return bool(r) }

func TestRetryable(t *testing.T) {
	t.Parallel()
	refused := &url.Error{Op: "Post", URL: "https://x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	ownTimeout := &url.Error{Op: "Post", URL: "https://x", Err: context.DeadlineExceeded}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"system", &werrors.APIError{Code: -1, Sentinel: werrors.ErrSystem}, true},
		{"rate limited, wrapped", fmt.Errorf("x: %w", &werrors.APIError{Code: 45009, Sentinel: werrors.ErrRateLimited}), true},
		{"business refusal", &werrors.APIError{Code: 9300506, Sentinel: werrors.ErrAlreadyHasTrace}, false},
		{"unknown code", &werrors.APIError{Code: 777}, false},
		{"invalid param", &werrors.ParamError{Field: "OrderID", Reason: "is required"}, false},
		{"bad credentials", &werrors.APIError{Code: 40125, Sentinel: werrors.ErrInvalidCredentials}, false},
		{"invalid token", &werrors.APIError{Code: 40001, Sentinel: werrors.ErrInvalidToken}, false},
		{"connection refused", &werrors.TransportError{Provider: "wechat", Op: "order/cancel", Err: refused}, true},
		{"SDK client timeout", &werrors.TransportError{Provider: "wechat", Err: ownTimeout, MaybeSent: true}, true},
		{"caller's deadline", &werrors.TransportError{Provider: "wechat", Err: ownTimeout, CallerDone: true}, false},
		{"caller cancelled", fmt.Errorf("x: %w", context.Canceled), false},
		{"bare deadline", context.DeadlineExceeded, false},
		{"type decides: yes", fmt.Errorf("store: %w", retryableStub(true)), true},
		{"type decides: no, over a system error", fmt.Errorf("%w: %w", retryableStub(false), werrors.ErrSystem), false},
		{"plain error", errors.New("boom"), false},
	}
	for _, c := range cases {
		if got := werrors.Retryable(c.err); got != c.want {
			t.Errorf("%s: Retryable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestTransportError(t *testing.T) {
	t.Parallel()
	inner := &url.Error{Op: "Post", URL: "https://api.weixin.qq.com/x?access_token=REDACTED", Err: context.DeadlineExceeded}
	err := error(&werrors.TransportError{Provider: "wechat", Op: "order/cancel", Err: inner, MaybeSent: true})
	if got := err.Error(); !strings.HasPrefix(got, "wechat order/cancel: no reply: Post") {
		t.Errorf("Error() = %q", got)
	}
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		t.Error("the HTTP client's error is not reachable")
	}
	matchesOnly(t, err, nil)
}
