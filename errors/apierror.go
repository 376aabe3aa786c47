package errors

import (
	"strconv"
	"strings"
)

// APIError is a provider's refusal, or a reply the SDK could not use.
//
// errors.Is(err, ErrX) holds when Sentinel is ErrX; errors.As gives the
// details. The provider package that builds an APIError sets Sentinel from
// its own code table. A reply without a usable code (an HTML error page, a
// redirect, a truncated or oversized body) has Code 0, Sentinel ErrSystem
// and its cause in Err.
type APIError struct {
	Provider       string // the provider's name: "wechat", "apiusb", …
	Op             string // the API that answered, e.g. "order/cancel"
	Code           int    // the provider's code: WeChat errcode, APIUSB ret or data.code
	CodeName       string // what the provider calls Code ("errcode", "ret", "code"); "" reads "code"
	Message        string // errmsg / msg / data.message, as the provider sent it (rid kept, secrets removed)
	RequestID      string // WeChat's " rid: …" suffix of errmsg, for support tickets
	CarrierCode    int    // WeChat delivery_resultcode
	CarrierMessage string // WeChat delivery_resultmsg, or another carrier-side message
	HTTPStatus     int    // the HTTP status of the reply, 0 if there was none
	Sentinel       error  // the sentinel Code means; nil for a code no sentinel covers
	Err            error  // why the reply could not be used, if that is the failure
}

// Error describes the failure in one line. It never includes credentials:
// the SDK removes every secret it holds from a provider's texts before it
// builds an APIError.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Op != "" {
		b.WriteByte(' ')
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	if e.Code != 0 {
		name := e.CodeName
		if name == "" {
			name = "code"
		}
		b.WriteString(name)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(e.Code))
	} else {
		b.WriteString("HTTP ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.CarrierCode != 0 || e.CarrierMessage != "" {
		b.WriteString(" (carrier ")
		b.WriteString(strconv.Itoa(e.CarrierCode))
		if e.CarrierMessage != "" {
			b.WriteString(": ")
			b.WriteString(e.CarrierMessage)
		}
		b.WriteByte(')')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause of an unusable reply, if any.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether target is e's Sentinel.
func (e *APIError) Is(target error) bool {
	return e.Sentinel != nil && e.Sentinel == target
}
