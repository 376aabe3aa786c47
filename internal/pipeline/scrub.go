package pipeline

import (
	"bytes"
	"errors"
	"reflect"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// secrets are the values a call must never let out: the access tokens it
// sent and the provider's other secrets.
type secrets struct {
	// room holds the first few, so that a call (a token, perhaps a
	// refreshed one, perhaps an AppSecret) allocates no list.
	room [4]string
	n    int
	more []string
}

func (s *secrets) add(v string) {
	switch {
	case len(v) < httpx.MinSecretLen:
	case s.n < len(s.room):
		s.room[s.n] = v
		s.n++
	default:
		s.more = append(s.more, v)
	}
}

// all returns every secret.
func (s *secrets) all() []string {
	if len(s.more) == 0 {
		return s.room[:s.n]
	}
	return append(s.room[:s.n:s.n], s.more...)
}

// text returns t with every secret replaced by REDACTED.
func (s *secrets) text(t string) string { return httpx.Scrub(t, s.all()...) }

// mayBeIn reports whether a string decoded from body can contain a secret:
// only if body holds one as it is, or holds an escape that could spell one.
func (s *secrets) mayBeIn(body []byte) bool {
	if bytes.IndexByte(body, '\\') >= 0 {
		return s.n > 0
	}
	for _, v := range s.all() {
		if bytes.Contains(body, []byte(v)) {
			return true
		}
	}
	return false
}

// apiError scrubs the provider's texts in err's *APIError, if it has one.
func (s *secrets) apiError(err error) {
	if err == nil || s.n == 0 {
		return
	}
	var e *werrors.APIError
	if !errors.As(err, &e) {
		return
	}
	e.Message = s.text(e.Message)
	e.RequestID = s.text(e.RequestID)
	e.CarrierMessage = s.text(e.CarrierMessage)
}

// error is the last line of defence: err with any secret left in its text
// replaced.
func (s *secrets) error(err error) error { return httpx.ScrubError(err, s.all()...) }

// value replaces every secret in the strings reachable from v: the fields
// of structs (exported or not, as long as they can be set), the elements
// of slices and arrays, the values of maps, through pointers and
// interfaces.
func (s *secrets) value(v any) {
	if s.n > 0 && v != nil {
		s.walk(reflect.ValueOf(v), 0)
	}
}

// maxDepth stops the walk on absurdly deep (or cyclic) values.
const maxDepth = 32

func (s *secrets) walk(v reflect.Value, depth int) {
	if depth > maxDepth {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			s.walk(v.Elem(), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			s.walk(v.Field(i), depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			s.walk(v.Index(i), depth+1)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			val := iter.Value()
			if val.Kind() == reflect.String {
				if t := s.text(val.String()); t != val.String() {
					v.SetMapIndex(iter.Key(), reflect.ValueOf(t).Convert(val.Type()))
				}
				continue
			}
			s.walk(val, depth+1)
		}
	case reflect.String:
		if v.CanSet() {
			if t := s.text(v.String()); t != v.String() {
				v.SetString(t)
			}
		}
	}
}
