package errors

import (
	"strconv"
	"strings"
)

// APIError is a provider's refusal, or a reply the SDK could not use.
//
// errors.Is(err, ErrX) holds for the sentinel the code maps to (see the
// sentinels' docs); errors.As gives the details. An APIError whose Code is 0
// stands for a reply without a usable code (an HTML error page, a truncated
// body, an HTTP 5xx) and matches ErrSystem; Err then holds the cause.
type APIError struct {
	Provider       string // ProviderWeChat or ProviderAPIUSB
	Op             string // the API that answered, e.g. "order/cancel"
	Code           int    // WeChat errcode; APIUSB ret, or data.code when ret was 200
	Message        string // errmsg / msg / data.message, as the provider sent it (rid kept)
	RequestID      string // WeChat's " rid: …" suffix of errmsg, for support tickets
	CarrierCode    int    // WeChat delivery_resultcode
	CarrierMessage string // WeChat delivery_resultmsg
	HTTPStatus     int    // the HTTP status of the reply, 0 if there was none
	Err            error  // why the reply could not be used, if that is the failure
	// DataCode is set for APIUSB when Code is the inner data.code of a
	// reply whose ret was 200, rather than ret itself.
	DataCode bool
}

// Error describes the failure in one line. It never includes credentials:
// providers' messages are kept as they were sent, and the SDK strips any
// token from them before building an APIError.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Op != "" {
		b.WriteByte(' ')
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	switch {
	case e.Code != 0 && e.DataCode:
		b.WriteString("code ")
		b.WriteString(strconv.Itoa(e.Code))
	case e.Code != 0 && e.Provider == ProviderAPIUSB:
		b.WriteString("ret ")
		b.WriteString(strconv.Itoa(e.Code))
	case e.Code != 0:
		b.WriteString("errcode ")
		b.WriteString(strconv.Itoa(e.Code))
	default:
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

// Is reports whether target is the sentinel that e's code maps to.
func (e *APIError) Is(target error) bool {
	s := e.Sentinel()
	return s != nil && s == target
}

// Sentinel returns the sentinel error e's code maps to, or nil for a code
// that no sentinel covers.
func (e *APIError) Sentinel() error {
	var s error
	if e.Provider == ProviderAPIUSB {
		s = apiusbSentinel(e.Code)
	} else {
		s = wechatSentinel(e.Code)
	}
	if s == nil && (e.Code == 0 || e.HTTPStatus >= 500) {
		return ErrSystem
	}
	return s
}

func wechatSentinel(code int) error {
	switch code {
	case -1, -1000:
		return ErrSystem
	case 930561:
		return ErrInvalidParam
	case 40199:
		return ErrWaybillNotFound
	case 9300503:
		return ErrDeliveryNotFound
	case 930563:
		return ErrOrderNotFound
	case 9300506:
		return ErrAlreadyHasTrace
	case 9300524:
		return ErrDuplicateCancel
	case 9300501:
		return ErrCarrier
	case 40001, 40014, 42001:
		return ErrInvalidToken
	case 45009, 45011:
		return ErrRateLimited
	}
	return nil
}

func apiusbSentinel(code int) error {
	switch {
	case code == 400:
		return ErrInvalidParam
	case code == 401, code == 403, code == 406:
		return ErrUnauthorized
	case code == 404:
		return ErrServiceNotFound
	case code >= 500 && code <= 599:
		return ErrSystem
	}
	return nil
}

// IsTokenRejected reports whether a WeChat errcode means "this access token
// is invalid or expired" (40001, 40014, 42001): the case where a client drops
// the token, fetches a new one and re-sends once.
func IsTokenRejected(code int) bool {
	return code == 40001 || code == 40014 || code == 42001
}

// RequestIDFromMessage returns the request ID WeChat appends to errmsg as
// " rid: …", or "" if there is none.
func RequestIDFromMessage(msg string) string {
	i := strings.LastIndex(msg, "rid:")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(msg[i+len("rid:"):])
}

// ParamError is a request the SDK refused before sending it. It matches
// ErrInvalidParam and names the offending field.
type ParamError struct {
	Field  string // the field as the caller knows it, e.g. "OrderID"
	Reason string // what is wrong, e.g. "is required"
}

// Error names the field and the problem.
func (e *ParamError) Error() string {
	return "waybill: invalid parameter " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidParam.
func (e *ParamError) Is(target error) bool { return target == ErrInvalidParam }

// Required returns a *ParamError for a required field that is empty, or nil
// if value is not empty.
func Required(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return &ParamError{Field: field, Reason: "is required"}
	}
	return nil
}
