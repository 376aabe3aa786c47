package errors

// ParamError is a request or a configuration the SDK refused before sending
// anything. It matches ErrInvalidParam and names the offending field.
type ParamError struct {
	Field  string // the field as the caller knows it, e.g. "OrderID" or "Sender.Mobile"
	Reason string // what is wrong, e.g. "is required"
}

// Error names the field and the problem.
func (e *ParamError) Error() string {
	return "waybill: invalid parameter " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidParam.
func (e *ParamError) Is(target error) bool { return target == ErrInvalidParam }
