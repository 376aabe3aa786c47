// Package jsonx reads single JSON values leniently, the way providers send
// them: integers as numbers or numeric strings, texts of any type. Both
// providers' reply judges use it.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// IsNull reports whether raw is JSON null.
func IsNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

// Quoted reports whether raw is a JSON string.
func Quoted(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '"'
}

// Int reads an integer sent as a JSON number or as a string holding one,
// such as 200, "200", " 200 " or 200.0, in the range of int32 (codes and
// counts). ok is false for a missing value or null; err says a value is
// there but is no integer in range (the value itself stays out of the
// message: it is the provider's text, and could be anything).
func Int(raw []byte) (n int, ok bool, err error) {
	v, ok, err := Int64(raw)
	if err == nil && ok && (v < math.MinInt32 || v > math.MaxInt32) {
		return 0, false, errors.New(Kind(raw) + " is not an integer in range")
	}
	return int(v), ok, err
}

// Int64 is Int for the range of int64 (times, amounts); a value sent as a
// number with a fraction or exponent must be exact below 2⁵³.
func Int64(raw []byte) (n int64, ok bool, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || IsNull(raw) {
		return 0, false, nil
	}
	if raw[0] != '"' {
		if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return v, true, nil
		}
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, false, err
		}
		text = strings.TrimSpace(text)
	}
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		return v, true, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		return int64(f), true, nil
	}
	return 0, false, errors.New(Kind(raw) + " is not an integer in range")
}

// Text returns a JSON string's value, "" for null or nothing, and the
// compact JSON text of any other value, as valid UTF-8.
func Text(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || IsNull(raw) {
		return ""
	}
	if s, ok := plainString(raw); ok {
		return s
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	// Strings inside raw JSON may hold invalid UTF-8, which decoded
	// strings never do; keep the text valid like them.
	return strings.ToValidUTF8(buf.String(), "\uFFFD")
}

// Kind names the JSON type of raw, for error messages.
func Kind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "missing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// plainString returns the value of the JSON string raw when it needs no
// decoding: quoted, without escapes or control characters, valid UTF-8.
// encoding/json would decode it to the same value, at the cost of a few
// allocations that every reply's errmsg would pay.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(inner) {
		return "", false
	}
	return string(inner), true
}
