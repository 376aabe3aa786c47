package explain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
)

func TestCancel(t *testing.T) {
	t.Parallel()
	wx := func(code int) error { return &werrors.APIError{Provider: "wechat", Code: code, HTTPStatus: 200} }
	cases := []struct {
		err     error
		outcome Outcome
		says    string
	}{
		{nil, Done, "cancelled"},
		{wx(9300524), Done, "already cancelled"},
		{fmt.Errorf("wrapped: %w", wx(9300506)), TooLate, "tracking"},
		{&werrors.APIError{Provider: "wechat", Code: 9300501, CarrierCode: 12, CarrierMessage: "no"}, TooLate, "carrier code 12: no"},
		{wx(40199), Fix, "waybill ID"},
		{wx(930563), Fix, "order ID"},
		{wx(9300503), Fix, "delivery ID"},
		{werrors.Required("OrderID", ""), Fix, "OrderID"},
		{wx(40001), Fix, "AppSecret"},
		{&werrors.APIError{Provider: "apiusb", Code: 406}, Fix, "credentials"},
		{&werrors.APIError{Provider: "apiusb", Code: 404}, Fix, "base URL"},
		{wx(45009), TryLater, "quota"},
		{context.DeadlineExceeded, TryLater, "in time"},
		{wx(-1), TryLater, "system error"},
		{wx(12345), Fix, "code 12345"},
		{errors.New("dial tcp: refused"), TryLater, "could not reach"},
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
	for _, o := range []Outcome{Done, TooLate, Fix, TryLater, Outcome(9)} {
		if a := o.Advice(); a == "" || seen[a] {
			t.Errorf("%v: advice %q empty or shared", o, a)
		} else {
			seen[a] = true
		}
	}
}
