package httpx

import (
	"encoding/json"
	"errors"
	"fmt"

	werrors "github.com/waybill-go/waybill/errors"
)

// ErrNotJSON is the cause of an *APIError for a reply that is not JSON at all.
var ErrNotJSON = errors.New("reply is not JSON")

// DecodeJSON decodes a reply body into v. A body that is not a JSON object
// (an HTML error page, an empty body, truncated JSON) gives an
// *errors.APIError with Code 0 and the HTTP status, which matches
// errors.ErrSystem; its Err says what was wrong with the body.
func DecodeJSON(provider, op string, r *Reply, v any) *werrors.APIError {
	body := r.Body
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n') {
		i++
	}
	var cause error
	if i == len(body) || body[i] != '{' {
		cause = fmt.Errorf("%w (Content-Type %q, %d bytes)", ErrNotJSON, r.ContentType, len(body))
	} else if err := json.Unmarshal(body, v); err != nil {
		cause = fmt.Errorf("decoding reply: %w", err)
	}
	if cause == nil {
		return nil
	}
	return &werrors.APIError{
		Provider:   provider,
		Op:         op,
		HTTPStatus: r.Status,
		Message:    "unusable reply",
		Err:        cause,
	}
}
