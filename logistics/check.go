package logistics

import (
	"math"
	"strconv"
	"strings"

	werrors "github.com/waybill-go/waybill/errors"
)

// text checks a string field: present when required, and at most maxBytes
// bytes long (WeChat counts bytes, so one Chinese character takes three).
// maxBytes 0 means no limit. It returns nil or a *werrors.ParamError naming
// the field.
func text(field, value string, required bool, maxBytes int) error {
	switch {
	case required && strings.TrimSpace(value) == "":
		return &werrors.ParamError{Field: field, Reason: "is required"}
	case maxBytes > 0 && len(value) > maxBytes:
		return &werrors.ParamError{Field: field, Reason: "is " + strconv.Itoa(len(value)) + " bytes long, WeChat allows at most " + strconv.Itoa(maxBytes)}
	}
	return nil
}

// invalid returns a *werrors.ParamError naming field when bad holds.
func invalid(bad bool, field, reason string) error {
	if !bad {
		return nil
	}
	return &werrors.ParamError{Field: field, Reason: reason}
}

// badNumber reports a float that JSON cannot carry or that is negative.
func badNumber(f float64) bool {
	return math.IsNaN(f) || math.IsInf(f, 0) || f < 0
}

// nilRequest is the error for a nil request pointer.
func nilRequest(name string) error {
	return &werrors.ParamError{Field: name, Reason: "is nil"}
}

// at names the fields of a nested value ("Sender", "Cargo.DetailList[2]")
// and builds a field's full name only when that field is wrong: a valid
// request is checked without allocating a name.
type at struct {
	base  string // "Sender", "Cargo.DetailList"
	index int    // the list index, or -1 for none
}

func under(base string) at           { return at{base: base, index: -1} }
func item(base string, index int) at { return at{base: base, index: index} }

func (p at) name(field string) string {
	if p.index < 0 {
		return p.base + "." + field
	}
	return p.base + "[" + strconv.Itoa(p.index) + "]." + field
}

// text is text for the field called field under p.
func (p at) text(field, value string, required bool, maxBytes int) error {
	return rename(text(field, value, required, maxBytes), p, field)
}

// invalid is invalid for the field called field under p.
func (p at) invalid(bad bool, field, reason string) error {
	return rename(invalid(bad, field, reason), p, field)
}

func rename(err error, p at, field string) error {
	if pe, ok := err.(*werrors.ParamError); ok {
		pe.Field = p.name(field)
	}
	return err
}
