package apiusb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/jsonx"
	"github.com/waybill-go/waybill/internal/pipeline"
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
// type is recorded in DataKind.
func decodeEnvelope(body []byte, data any) (*envelope, error) {
	wire := wireEnvelope{Data: data}
	env := &envelope{Data: data}
	if err := json.Unmarshal(body, &wire); err != nil {
		// encoding/json reports a mismatched member and still fills the
		// others; only data may mismatch, its fields being raw.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field != "data" {
			return nil, fmt.Errorf("decoding reply: %w", err)
		}
		env.DataKind = jsonKind(te.Value)
	} else if wire.Data == nil {
		// encoding/json clears an interface member on null.
		env.DataKind = "null"
	}
	env.Msg = jsonx.Text(wire.Msg)
	if raw := wire.Ret; raw != nil && !jsonx.IsNull(raw) {
		n, ok, err := jsonx.Int(raw)
		if err != nil {
			return nil, fmt.Errorf("decoding reply: ret: %w", err)
		}
		env.Ret, env.HasRet = n, ok
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

// parseEnvelope decodes reply into an envelope and its data member into
// data. A body that does not decode or has no usable ret gives the
// judgement of an unusable reply (an *errors.APIError matching
// errors.ErrSystem) and a nil envelope. Trailing commas before } or ] (as
// in the provider's own sample reply) are tolerated; the pipeline has
// already removed a byte order mark and made sure the body is a JSON object.
func parseEnvelope(p *pipeline.Pipeline, service string, reply *httpx.Reply, data any) (*envelope, pipeline.Judgement) {
	env, err := decodeEnvelope(reply.Body, data)
	if err != nil {
		// Only a body that does not decode as it is can need relaxing:
		// valid JSON has no comma before a closing bracket. Trying the
		// body as sent first keeps a second pass off the happy path.
		if relaxed := relaxJSON(reply.Body); len(relaxed) < len(reply.Body) {
			env, err = decodeEnvelope(relaxed, data)
		}
	}
	if err == nil && !env.HasRet {
		err = errNoRet
	}
	if err != nil {
		return nil, p.UnusableJudgement(service, reply.Status, err)
	}
	env.Status = reply.Status
	return env, pipeline.Judgement{}
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

// intOf reads an integer leniently (see jsonx.Int64); a missing value or
// null is an error too.
func intOf(raw []byte) (int64, error) {
	n, ok, err := jsonx.Int64(raw)
	if err == nil && !ok {
		err = errors.New(jsonx.Kind(raw) + " is not an integer")
	}
	return n, err
}
