package logistics

import (
	"errors"
	"strconv"

	werrors "github.com/waybill-go/waybill/errors"
)

// ResultCodes a carrier's answer can carry besides cancel_waybill's (see
// ResultCode). check_biz and get_quota document these two; the handler
// answers add_waybill from the same table, as carriers do.
const (
	ResultBizNotFound   = 10001 // the BizID (customer code or monthly account) does not exist
	ResultWrongPassword = 10002 // the BizPwd is wrong
)

// ResultError lets a callback answer a ResultCode of its choosing, for
// example one of its event's documented codes that no sentinel maps to:
//
//	return &logistics.ResultError{Code: logistics.ResultWrongPassword}
//
// Msg, if set, is sent to WeChat as ResultMsg (otherwise ResultMessage's
// text is); it should not describe the carrier's internals. A Code of 0
// is not a success: it answers -1. Err, if set, is logged and unwrapped.
type ResultError struct {
	Code int
	Msg  string
	Err  error
}

// Error describes the code and the wrapped error.
func (e *ResultError) Error() string {
	s := "logistics: answer ResultCode " + strconv.Itoa(e.Code)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *ResultError) Unwrap() error { return e.Err }

// ResultCode is the ResultCode a carrier's answer to cancel_waybill carries
// for the error its callback returned: 0 for nil, 30001 for an error
// matching errors.ErrInvalidParam, 30002 for ErrAlreadyPickedUp, 30003 for
// ErrInvalidWaybill, 30004 for ErrCancelNotSupported (wrapped errors count,
// checked in that order), the Code of a *ResultError and -1 for anything
// else.
func ResultCode(err error) int {
	if code, ok := explicitCode(err); ok {
		return code
	}
	switch {
	case errors.Is(err, werrors.ErrInvalidParam):
		return 30001
	case errors.Is(err, werrors.ErrAlreadyPickedUp):
		return 30002
	case errors.Is(err, werrors.ErrInvalidWaybill):
		return 30003
	case errors.Is(err, werrors.ErrCancelNotSupported):
		return 30004
	}
	return -1
}

// BizResultCode is the ResultCode of an answer to add_waybill, check_biz
// or get_quota for the error its callback returned: 0 for nil, 10001
// (ResultBizNotFound) for an error matching errors.ErrInvalidParam or
// ErrAccountNotBound, 10002 (ResultWrongPassword) for ErrUnauthorized or
// ErrInvalidCredentials, the Code of a *ResultError and -1 for anything
// else.
func BizResultCode(err error) int {
	if code, ok := explicitCode(err); ok {
		return code
	}
	switch {
	case errors.Is(err, werrors.ErrInvalidParam), errors.Is(err, werrors.ErrAccountNotBound):
		return ResultBizNotFound
	case errors.Is(err, werrors.ErrUnauthorized), errors.Is(err, werrors.ErrInvalidCredentials):
		return ResultWrongPassword
	}
	return -1
}

// explicitCode handles nil and *ResultError for both tables.
func explicitCode(err error) (int, bool) {
	if err == nil {
		return 0, true
	}
	var re *ResultError
	if errors.As(err, &re) {
		if re.Code == 0 {
			return -1, true
		}
		return re.Code, true
	}
	return 0, false
}

// resultMsg is the ResultMsg for an answer: the ResultError's own Msg if
// the callback gave one, else ResultMessage's.
func resultMsg(code int, err error) string {
	var re *ResultError
	if errors.As(err, &re) && re.Msg != "" && code == re.Code {
		return re.Msg
	}
	return ResultMessage(code)
}

// ResultMessage is the ResultMsg sent with a ResultCode: "success" for 0 and
// a fixed short description otherwise. The callback's own error text is never
// sent to WeChat, since it may describe the carrier's internals.
func ResultMessage(code int) string {
	switch code {
	case 0:
		return "success"
	case -1:
		return "system error"
	case 30001:
		return "invalid parameter"
	case 30002:
		return "already picked up"
	case 30003:
		return "invalid waybill"
	case 30004:
		return "cancellation not supported"
	case ResultBizNotFound:
		return "business account not found"
	case ResultWrongPassword:
		return "wrong business password"
	}
	return "error"
}
