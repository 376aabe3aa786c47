package logistics_test

import (
	"errors"
	"slices"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
)

// fieldsOf returns the fields named by the *ParamErrors joined in err.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !errors.Is(err, werrors.ErrInvalidParam) {
		t.Fatalf("%v does not match ErrInvalidParam", err)
	}
	var out []string
	var walk func(error)
	walk = func(e error) {
		var pe *werrors.ParamError
		if errors.As(e, &pe) && pe == e {
			out = append(out, pe.Field)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	slices.Sort(out)
	return out
}

// wantFields checks that err names exactly the given fields.
func wantFields(t *testing.T, name string, err error, want ...string) {
	t.Helper()
	got := fieldsOf(t, err)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: fields %v, want %v (err: %v)", name, got, want, err)
	}
}
