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
// number or a numeric string, msg anything; data is decoded into the
// service's own type in the same pass.
type envelope struct {
	Ret    int
	HasRet bool   // ret was present and not null
	Msg    string // msg; a non-string msg is kept as its JSON text
	Data   any    // the service's data target, filled when data was an object
	// DataKind names data's JSON type ("a string", "an array", "null", …)
	// when it did not fit the service's data type; "" when it did or was
	// missing.
	DataKind string
	Status   int // the HTTP status of the reply
}

// wireEnvelope is how a reply is decoded. Data holds a pointer to the
// service's data type (a struct of json.RawMessage fields, or a map of
// them), which encoding/json fills in place, so the reply is read in one
// pass whatever its shape.
type wireEnvelope struct {
	Ret  json.RawMessage `json:"ret"`
	Msg  json.RawMessage `json:"msg"`
	Data any             `json:"data"`
}

// decodeEnvelope decodes body, a reply's body, into an envelope and its
// data member into data. Only a ret that is neither a number nor a numeric
// string (nor null) is an error; a data of another shape than the service's
// type is recorded in DataKind. A body that is not a JSON object gives
// httpx.DecodeJSON's error, which describes it.
func decodeEnvelope(service string, reply *httpx.Reply, body []byte, data any) (*envelope, *werrors.APIError) {
	wire := wireEnvelope{Data: data}
	env := &envelope{Data: data}
	if apiErr := httpx.DecodeJSON(werrors.ProviderAPIUSB, service, &httpx.Reply{Status: reply.Status, ContentType: reply.ContentType, Body: body}, &wire); apiErr != nil {
		// encoding/json reports a mismatched member and still fills the
		// others; only data may mismatch, its fields being raw.
		var te *json.UnmarshalTypeError
		if !errors.As(apiErr.Err, &te) || te.Field != "data" {
			return nil, apiErr
		}
		env.DataKind = jsonKind(te.Value)
	} else if wire.Data == nil {
		// encoding/json clears an interface member on null.
		env.DataKind = "null"
	}
	env.Msg = textOf(wire.Msg)
	if raw := wire.Ret; raw != nil && !isNull(raw) {
		n, err := parseInt(raw)
		if err != nil {
			// Worded as httpx.DecodeJSON words a decoding failure.
			return nil, unusable(service, reply.Status, fmt.Errorf("decoding reply: ret: %w", err))
		}
		env.Ret, env.HasRet = n, true
	}
	return env, nil
}

// jsonKind names the JSON type in an UnmarshalTypeError's Value ("string",
// "number 5", …) with its article.
func jsonKind(value string) string {
	switch {
	case value == "array", value == "object":
		return "an " + value
	case value == "bool":
		return "a boolean"
	case strings.HasPrefix(value, "number"):
		return "a number"
	}
	return "a " + value
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
func parseEnvelope(service string, reply *httpx.Reply, data any) (*envelope, *werrors.APIError) {
	body := bytes.TrimPrefix(reply.Body, bom)
	env, apiErr := decodeEnvelope(service, reply, body, data)
	if apiErr != nil {
		// Only a body that does not decode as it is can need relaxing:
		// valid JSON has no comma before a closing bracket. Trying the
		// body as sent first keeps a second pass off the happy path.
		if relaxed := relaxJSON(body); len(relaxed) < len(body) {
			env, apiErr = decodeEnvelope(service, reply, relaxed, data)
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
