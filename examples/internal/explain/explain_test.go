package explain

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
)

func TestCancel(t *testing.T) {
	t.Parallel()
	wx := func(code int, s error) error {
		return &werrors.APIError{Provider: "wechat", Code: code, HTTPStatus: 200, Sentinel: s}
	}
	refused := &url.Error{Op: "Post", URL: "https://x", Err: errors.New("connection refused")}
	cases := []struct {
		err     error
		outcome Outcome
		says    string
	}{
		{nil, Done, "cancelled"},
		{wx(9300524, werrors.ErrDuplicateCancel), Done, "already cancelled"},
		{fmt.Errorf("wrapped: %w", wx(9300506, werrors.ErrAlreadyHasTrace)), TooLate, "courier"},
		{&werrors.APIError{Provider: "apiusb", Code: 1001, Sentinel: werrors.ErrAlreadyHasTrace}, TooLate, "courier"},
		{&werrors.APIError{Provider: "wechat", Code: 9300501, CarrierCode: 12, CarrierMessage: "no", Sentinel: werrors.ErrCarrier}, Refused, "carrier code 12: no"},
		// APIUSB's "picked up" at an account whose codes are not mapped.
		{&werrors.APIError{Provider: "apiusb", Code: 1001, Message: "task already picked up"}, Refused, "code 1001: task already picked up"},
		{wx(40199, werrors.ErrWaybillNotFound), Fix, "waybill ID"},
		{wx(930563, werrors.ErrOrderNotFound), Fix, "order ID"},
		{wx(9300503, werrors.ErrDeliveryNotFound), Fix, "delivery ID"},
		{&werrors.ParamError{Field: "OrderID", Reason: "is required"}, Fix, "OrderID"},
		{wx(40125, werrors.ErrInvalidCredentials), Fix, "AppSecret"},
		{wx(40001, werrors.ErrInvalidToken), Fix, "fetches tokens"},
		{&werrors.APIError{Provider: "apiusb", Code: 406, Sentinel: werrors.ErrUnauthorized}, Fix, "whitelist"},
		{&werrors.APIError{Provider: "apiusb", Code: 404, Sentinel: werrors.ErrServiceNotFound}, Fix, "base URL"},
		{wx(45009, werrors.ErrRateLimited), TryLater, "quota"},
		{context.DeadlineExceeded, TryLater, "in time"},
		{fmt.Errorf("wrapped: %w", context.Canceled), TryLater, "outcome is unknown"},
		{wx(-1, werrors.ErrSystem), TryLater, "system error"},
		{wx(12345, nil), Refused, "code 12345"},
		{&werrors.TransportError{Provider: "wechat", Err: refused}, TryLater, "could not reach"},
		{errors.New("boom"), Fix, "unexpected"},
	}
	for _, c := range cases {
		o, says := Cancel(c.err)
		if o != c.outcome || !strings.Contains(says, c.says) {
			t.Errorf("Cancel(%v) = %v, %q; want %v, …%q…", c.err, o, says, c.outcome, c.says)
		}
	}
	if Outcome(9).String() != "Outcome(9)" || TooLate.String() != "too late" {
		t.Error("Outcome.String")
	}
	seen := map[string]bool{}
	for _, o := range []Outcome{Done, TooLate, Fix, TryLater, Refused, Outcome(9)} {
		if a := o.Advice(); a == "" || seen[a] {
			t.Errorf("%v: advice %q empty or shared", o, a)
		} else {
			seen[a] = true
		}
	}
}

// Each outcome's advice is what a shop backend should do about it, and
// never what would be wrong for it: retrying a final answer, "fixing" a
// transient failure.
func TestAdviceFitsTheOutcome(t *testing.T) {
	t.Parallel()
	for o, c := range map[Outcome]struct{ has, hasNot string }{
		Done:     {"mark the order cancelled", "retry"},
		TooLate:  {"already on its way", "retry"},
		Fix:      {"fix the request or the configuration", "retry later"},
		TryLater: {"retry later", "fix"},
		Refused:  {"read the reason", "retry later"},
	} {
		if a := o.Advice(); !strings.Contains(a, c.has) || strings.Contains(a, c.hasNot) {
			t.Errorf("%v: advice %q, want it to say %q and not %q", o, a, c.has, c.hasNot)
		}
	}
}
