package errors_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
)

var allSentinels = []error{
	werrors.ErrSystem, werrors.ErrInvalidParam, werrors.ErrWaybillNotFound, werrors.ErrDeliveryNotFound,
	werrors.ErrOrderNotFound, werrors.ErrAlreadyHasTrace, werrors.ErrDuplicateCancel, werrors.ErrCarrier,
	werrors.ErrInvalidToken, werrors.ErrRateLimited, werrors.ErrServiceNotFound, werrors.ErrUnauthorized,
	werrors.ErrAlreadyPickedUp, werrors.ErrInvalidWaybill, werrors.ErrCancelNotSupported,
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

func TestWeChatCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code int
		want error
	}{
		{-1, werrors.ErrSystem},
		{-1000, werrors.ErrSystem},
		{40199, werrors.ErrWaybillNotFound},
		{9300503, werrors.ErrDeliveryNotFound},
		{930563, werrors.ErrOrderNotFound},
		{930561, werrors.ErrInvalidParam},
		{9300506, werrors.ErrAlreadyHasTrace},
		{9300524, werrors.ErrDuplicateCancel},
		{9300501, werrors.ErrCarrier},
		{40001, werrors.ErrInvalidToken},
		{40014, werrors.ErrInvalidToken},
		{42001, werrors.ErrInvalidToken},
		{45009, werrors.ErrRateLimited},
		{45011, werrors.ErrRateLimited},
		{41001, nil},   // token missing: a bug, no sentinel
		{9300999, nil}, // unknown code
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.code), func(t *testing.T) {
			t.Parallel()
			err := error(&werrors.APIError{Provider: werrors.ProviderWeChat, Code: c.code, Message: "m", HTTPStatus: 200})
			matchesOnly(t, err, c.want)
			// Wrapping keeps the match.
			matchesOnly(t, fmt.Errorf("cancelling: %w", err), c.want)
			var apiErr *werrors.APIError
			if !errors.As(fmt.Errorf("x: %w", err), &apiErr) || apiErr.Code != c.code {
				t.Fatalf("errors.As lost the code: %+v", apiErr)
			}
		})
	}
}

func TestAPIUSBCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code int
		want error
	}{
		{400, werrors.ErrInvalidParam},
		{401, werrors.ErrUnauthorized},
		{403, werrors.ErrUnauthorized},
		{406, werrors.ErrUnauthorized},
		{404, werrors.ErrServiceNotFound},
		{500, werrors.ErrSystem},
		{503, werrors.ErrSystem},
		{599, werrors.ErrSystem},
		{-1, nil}, // WeChat's -1 means nothing for APIUSB
		{1001, nil},
		{40001, nil},
	}
	for _, c := range cases {
		err := &werrors.APIError{Provider: werrors.ProviderAPIUSB, Code: c.code, HTTPStatus: 200}
		matchesOnly(t, err, c.want)
	}
}

func TestUnusableReplyIsSystem(t *testing.T) {
	t.Parallel()
	cause := errors.New("unexpected end of JSON input")
	for _, p := range []string{werrors.ProviderWeChat, werrors.ProviderAPIUSB} {
		err := &werrors.APIError{Provider: p, HTTPStatus: 502, Message: "unusable reply", Err: cause}
		matchesOnly(t, err, werrors.ErrSystem)
		if !errors.Is(err, cause) {
			t.Errorf("%s: cause not reachable through Unwrap", p)
		}
		// An unknown code with HTTP 5xx is a system error too.
		matchesOnly(t, &werrors.APIError{Provider: p, Code: 12345, HTTPStatus: 503}, werrors.ErrSystem)
		// A known code keeps its meaning whatever the status.
		matchesOnly(t, &werrors.APIError{Provider: werrors.ProviderWeChat, Code: 45009, HTTPStatus: 500}, werrors.ErrRateLimited)
	}
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	err := &werrors.APIError{
		Provider: werrors.ProviderWeChat, Op: "order/cancel", Code: 9300501,
		Message: "delivery logic error rid: 6512abcd-1234", CarrierCode: 1001, CarrierMessage: "no",
	}
	got := err.Error()
	for _, want := range []string{"wechat", "order/cancel", "9300501", "rid: 6512abcd-1234", "carrier 1001", "no"} {
		if !strings.Contains(got, want) {
			t.Errorf("Error() = %q, missing %q", got, want)
		}
	}
	if got := (&werrors.APIError{Provider: werrors.ProviderAPIUSB, Code: 404, Message: "no such service"}).Error(); got != "apiusb: ret 404: no such service" {
		t.Errorf("apiusb Error() = %q", got)
	}
	if got := (&werrors.APIError{Provider: werrors.ProviderAPIUSB, Code: 601, DataCode: true, Message: "task not found"}).Error(); got != "apiusb: code 601: task not found" {
		t.Errorf("apiusb inner Error() = %q", got)
	}
	if got := (&werrors.APIError{Provider: werrors.ProviderWeChat, HTTPStatus: 502, Message: "unusable reply", Err: errors.New("not JSON")}).Error(); got != "wechat: HTTP 502: unusable reply: not JSON" {
		t.Errorf("HTTP Error() = %q", got)
	}
}

func TestRequestIDFromMessage(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"invalid credential, access_token is invalid or not latest rid: 6512c0a1-0a6b5c2e-1f2e3d4c": "6512c0a1-0a6b5c2e-1f2e3d4c",
		"ok":       "",
		"":         "",
		"x rid:":   "",
		"rid:  r1": "r1",
	}
	for msg, want := range cases {
		if got := werrors.RequestIDFromMessage(msg); got != want {
			t.Errorf("RequestIDFromMessage(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestParamError(t *testing.T) {
	t.Parallel()
	if werrors.Required("OrderID", "o1") != nil {
		t.Fatal("Required refused a value")
	}
	err := werrors.Required("OrderID", "  ")
	matchesOnly(t, err, werrors.ErrInvalidParam)
	if !strings.Contains(err.Error(), "OrderID") {
		t.Errorf("error %q does not name the field", err)
	}
	var pe *werrors.ParamError
	if !errors.As(err, &pe) || pe.Field != "OrderID" {
		t.Errorf("errors.As gave %+v", pe)
	}
}

func TestIsTokenRejected(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]bool{40001: true, 40014: true, 42001: true, 41001: false, 0: false, -1: false} {
		if got := werrors.IsTokenRejected(code); got != want {
			t.Errorf("IsTokenRejected(%d) = %v", code, got)
		}
	}
}

func TestSentinel(t *testing.T) {
	t.Parallel()
	if s := (&werrors.APIError{Provider: werrors.ProviderWeChat, Code: 9300506}).Sentinel(); s != werrors.ErrAlreadyHasTrace {
		t.Errorf("Sentinel() = %v", s)
	}
	if s := (&werrors.APIError{Provider: werrors.ProviderWeChat, Code: 777, HTTPStatus: 200}).Sentinel(); s != nil {
		t.Errorf("unknown code Sentinel() = %v, want nil", s)
	}
}
