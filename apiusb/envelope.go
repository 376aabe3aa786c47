package apiusb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// envelope is the part of a PhalApi reply every service shares:
// {"ret": …, "data": …, "msg": …}. It decodes leniently: ret may be a
// number or a numeric string, msg anything, and data is kept raw for the
// service to interpret.
type envelope struct {
	Ret    int
	HasRet bool            // ret was present and not null
	Msg    string          // msg; a non-string msg is kept as its JSON text
	Data   json.RawMessage // data as sent; nil when missing
	Status int             // the HTTP status of the reply
}

// envelopeKeys are the members of a reply's top level that decodeEnvelope
// reads, in the order of its value array.
var envelopeKeys = [...]string{"ret", "msg", "data"}

// decodeEnvelope decodes body, a reply's body, into an envelope. Only a ret
// that is neither a number nor a numeric string (nor null) is an error; any
// other member may have any shape. Member names are matched exactly, and the
// last of duplicate members wins, as when decoding into a
// map[string]json.RawMessage.
//
// A body that is valid JSON is read in two quick passes, one validating
// (validJSON) and one slicing out the members' raw values without copying
// them; anything else goes to httpx.DecodeJSON, whose error describes it.
func decodeEnvelope(service string, reply *httpx.Reply, body []byte) (*envelope, *werrors.APIError) {
	if !isObject(body) || !validJSON(body) {
		var fields map[string]json.RawMessage
		if apiErr := httpx.DecodeJSON(werrors.ProviderAPIUSB, service, &httpx.Reply{Status: reply.Status, ContentType: reply.ContentType, Body: body}, &fields); apiErr != nil {
			return nil, apiErr
		}
	}
	var vals [len(envelopeKeys)]json.RawMessage
	members(body, envelopeKeys[:], vals[:])
	env := &envelope{Data: vals[2]}
	if raw := vals[0]; raw != nil && !isNull(raw) {
		n, err := parseInt(raw)
		if err != nil {
			// Worded as httpx.DecodeJSON words a decoding failure.
			return nil, unusable(service, reply.Status, fmt.Errorf("decoding reply: %w", fmt.Errorf("ret: %w", err)))
		}
		env.Ret, env.HasRet = n, true
	}
	env.Msg = textOf(vals[1])
	return env, nil
}

// isObject reports whether the first byte of b after white space is '{'.
func isObject(b []byte) bool {
	i := skipSpace(b, 0)
	return i < len(b) && b[i] == '{'
}

var (
	errNoRet   = errors.New("reply has no ret")
	errNoCode  = errors.New("reply has no data.code")
	errBadCode = errors.New("data.code is not an integer")
)

// bom is the UTF-8 byte order mark some PHP servers put before a reply.
var bom = []byte("\xef\xbb\xbf")

// parseEnvelope decodes reply into an envelope. A body that is not a JSON
// object (an HTML error page, an empty or truncated body) or has no usable
// ret gives an *errors.APIError with Code 0, which matches
// errors.ErrSystem. A UTF-8 byte order mark and trailing commas before } or
// ] (as in the provider's own sample reply) are tolerated.
func parseEnvelope(service string, reply *httpx.Reply) (*envelope, *werrors.APIError) {
	body := bytes.TrimPrefix(reply.Body, bom)
	env, apiErr := decodeEnvelope(service, reply, body)
	if apiErr != nil {
		// Only a body that does not decode as it is can need relaxing:
		// valid JSON has no comma before a closing bracket. Trying the
		// body as sent first keeps a second pass off the happy path.
		if relaxed := relaxJSON(body); len(relaxed) < len(body) {
			env, apiErr = decodeEnvelope(service, reply, relaxed)
		}
	}
	if apiErr != nil {
		return nil, apiErr
	}
	if !env.HasRet {
		return nil, unusable(service, reply.Status, errNoRet)
	}
	env.Status = reply.Status
	return env, nil
}

// unusable is the error for a reply that carries no code to go by.
func unusable(service string, status int, cause error) *werrors.APIError {
	return &werrors.APIError{
		Provider:   werrors.ProviderAPIUSB,
		Op:         service,
		HTTPStatus: status,
		Message:    "unusable reply",
		Err:        cause,
	}
}

// refused returns the error for an envelope whose ret is not 200, or nil.
// secret is removed from the provider's message.
func (e *envelope) refused(service, secret string) *werrors.APIError {
	if e.Ret == 200 {
		return nil
	}
	return &werrors.APIError{
		Provider:   werrors.ProviderAPIUSB,
		Op:         service,
		Code:       e.Ret,
		Message:    httpx.Scrub(e.Msg, secret),
		HTTPStatus: e.Status,
	}
}

// retryable reports whether a failed exchange is worth another attempt:
// ret 5xx, or no usable reply behind an HTTP 5xx. Client errors never are.
func retryable(env *envelope, apiErr *werrors.APIError) bool {
	if env != nil {
		return env.Ret >= 500 && env.Ret <= 599
	}
	return apiErr != nil && apiErr.HTTPStatus >= 500
}

// relaxJSON returns b with every comma that directly precedes (ignoring
// white space) a closing } or ] removed, outside strings. Valid JSON is
// returned unchanged and without copying.
func relaxJSON(b []byte) []byte {
	if json.Valid(b) || bytes.IndexByte(b, ',') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			out = append(out, c)
			continue
		}
		if c == '"' {
			inString = true
		} else if c == ',' {
			j := i + 1
			for j < len(b) && isSpace(b[j]) {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// parseInt reads an integer sent as a JSON number or a numeric string, such
// as 200, "200", " 200 " or 200.0.
func parseInt(raw json.RawMessage) (int, error) {
	raw = bytes.TrimSpace(raw)
	text := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		s, ok := plainString(raw)
		if !ok {
			if err := json.Unmarshal(raw, &s); err != nil {
				return 0, err
			}
		}
		text = strings.TrimSpace(s)
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil && int64(int(n)) == n {
		return int(n), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 || f > math.MaxInt || f < math.MinInt {
		// The value itself stays out of the message: it is the
		// provider's text, and could be anything.
		return 0, fmt.Errorf("%s is not an integer in range", kindOf(raw))
	}
	return int(f), nil
}

// textOf returns a JSON string's value, "" for null or nothing, and the
// compact JSON text of any other value, as valid UTF-8.
func textOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return ""
	}
	if raw[0] == '"' {
		if s, ok := plainString(raw); ok {
			return s
		}
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			return s
		}
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

// kindOf names the JSON type of raw, for error messages.
func kindOf(raw json.RawMessage) string {
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

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// members reads the JSON object obj in one pass and sets vals[i] to the raw
// value, without surrounding white space, of the last member whose name is
// names[i]; vals[i] stays nil if there is none. The values share obj's
// memory. obj must be valid JSON beginning (after white space) with '{', as
// checked by json.Valid; on anything else members stops early, without
// panicking.
func members(obj []byte, names []string, vals []json.RawMessage) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return // '}' or malformed
		}
		keyEnd := endOfString(obj, i)
		key := obj[i:keyEnd]
		i = skipSpace(obj, keyEnd)
		if i >= len(obj) || obj[i] != ':' {
			return
		}
		i = skipSpace(obj, i+1)
		start := i
		i = endOfValue(obj, i)
		if i <= start {
			return
		}
		for n, name := range names {
			if keyIs(key, name) {
				vals[n] = obj[start:i:i]
			}
		}
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != ',' {
			return
		}
		i++
	}
}

// keyIs reports whether the quoted JSON string key decodes to name. Names
// are ASCII, so a key without escapes matches only byte for byte, and
// invalid UTF-8 (which decoding turns into U+FFFD) never matches.
func keyIs(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return len(key) == len(name)+2 && string(key[1:len(key)-1]) == name
	}
	var s string
	return json.Unmarshal(key, &s) == nil && s == name
}

// endOfString returns the index just past the JSON string starting at
// b[i] == '"', or len(b) if it does not end.
func endOfString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// endOfValue returns the index just past the JSON value starting at b[i].
func endOfValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return endOfString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = endOfString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	}
	// A number, true, false or null ends at the next delimiter.
	for i < len(b) && !isSpace(b[i]) && b[i] != ',' && b[i] != '}' && b[i] != ']' {
		i++
	}
	return i
}

// plainString returns the value of the JSON string raw when it needs no
// decoding: quoted, without escapes or control characters, and valid UTF-8.
// Decoding such a string with encoding/json gives the same value.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	ascii := true
	for _, c := range inner {
		switch {
		case c < 0x20 || c == '"' || c == '\\':
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if !ascii && !utf8.Valid(inner) {
		return "", false
	}
	return string(inner), true
}

// maxJSONDepth is encoding/json's limit on nested objects and arrays.
const maxJSONDepth = 10000

// validJSON reports what json.Valid reports, at a fraction of its cost:
// encoding/json steps a state machine through a function call per byte,
// which on a small reply costs as much as the rest of its decoding.
func validJSON(b []byte) bool {
	var stackBuf [32]byte
	stack := stackBuf[:0] // the open containers, '{' or '['
	i := skipSpace(b, 0)
	for {
		// A value starts at b[i].
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(stack) == maxJSONDepth {
				return false
			}
			stack = append(stack, c)
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == c+2 { // '}' or ']'
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				if i = memberName(b, i); i < 0 {
					return false
				}
			}
			continue
		case c == '"':
			if i = stringEnd(b, i); i < 0 {
				return false
			}
		case c == '-' || ('0' <= c && c <= '9'):
			if i = numberEnd(b, i); i < 0 {
				return false
			}
		case bytes.HasPrefix(b[i:], []byte("true")), bytes.HasPrefix(b[i:], []byte("null")):
			i += 4
		case bytes.HasPrefix(b[i:], []byte("false")):
			i += 5
		default:
			return false
		}
		// A value ended at b[i]: close containers until one continues.
		for {
			i = skipSpace(b, i)
			if len(stack) == 0 {
				return i == len(b)
			}
			if i >= len(b) {
				return false
			}
			open := stack[len(stack)-1]
			if b[i] == open+2 {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if b[i] != ',' {
				return false
			}
			i = skipSpace(b, i+1)
			if open == '{' {
				if i = memberName(b, i); i < 0 {
					return false
				}
			}
			break
		}
	}
}

// memberName checks a member's name and colon starting at b[i] and returns
// the index of its value (after white space), or -1.
func memberName(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	if i = stringEnd(b, i); i < 0 {
		return -1
	}
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return -1
	}
	return skipSpace(b, i+1)
}

// stringEnd returns the index after the JSON string starting at b[i] ==
// '"', or -1 if it is not one: unterminated, with a control character or
// with a bad escape. Like encoding/json, it does not check UTF-8.
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		case c == '\\':
			i++
			if i >= len(b) {
				return -1
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return -1
				}
				for _, h := range b[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return -1
					}
				}
				i += 4
			default:
				return -1
			}
		}
	}
	return -1
}

// numberEnd returns the index after the JSON number starting at b[i], or -1:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func numberEnd(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digitsEnd(b, i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := digitsEnd(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digitsEnd(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func digitsEnd(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
