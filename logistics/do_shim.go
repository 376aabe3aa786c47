package logistics

// TEMPORARY: this file stands in for the client's HTTP pipeline and is
// replaced by it. It sends once, without retries or token refresh.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// do sends req as the JSON body (nil: no body) to ep and decodes the reply
// into out (nil: discarded); see endpoint for what counts as a success.
func (c *Client) do(ctx context.Context, ep *endpoint, req, out any) error {
	var body []byte
	if req != nil {
		b, err := json.Marshal(req)
		if err != nil {
			return fmt.Errorf("logistics: %s: encoding request: %w", ep.op, err)
		}
		body = b
	}
	token, err := c.token(ctx)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(c.cancelURL, "/cgi-bin/express/business/order/cancel")
	r := httpx.Request{Method: ep.method, URL: withToken(base+ep.path, token), Body: body, ContentType: "application/json", LogOp: ep.op}
	reply, err := c.http.Send(ctx, &r, 1)
	unusable := func(status int, cause error) error {
		return &werrors.APIError{Provider: werrors.ProviderWeChat, Op: ep.op, HTTPStatus: status, Message: "unusable reply", Err: cause}
	}
	switch {
	case errors.Is(err, httpx.ErrReplyTooLarge):
		return unusable(reply.Status, err)
	case err != nil:
		return fmt.Errorf("logistics: %s: %w", ep.op, httpx.ScrubError(err, token))
	}
	var top map[string]json.RawMessage
	if apiErr := httpx.DecodeJSON(werrors.ProviderWeChat, ep.op, reply, &top); apiErr != nil {
		return apiErr
	}
	var head struct {
		Msg      string `json:"errmsg"`
		CarrCode int    `json:"delivery_resultcode"`
		CarrMsg  string `json:"delivery_resultmsg"`
	}
	raw, hasCode := top["errcode"]
	code, codeErr := int64(0), error(nil)
	if hasCode {
		_ = json.Unmarshal(reply.Body, &head) // best effort: only for the messages
		code, codeErr = json.Number(strings.Trim(string(raw), `"`)).Int64()
	}
	body = reply.Body
	if codeErr == nil && len(raw) > 0 && raw[0] == '"' { // "0": decode the rest as if it were 0
		top["errcode"] = json.RawMessage(strconv.FormatInt(code, 10))
		body, _ = json.Marshal(top)
	}
	switch {
	case hasCode && codeErr != nil:
		return unusable(reply.Status, fmt.Errorf("errcode %.40s is not a number", raw))
	case hasCode && code != 0:
		if out != nil {
			_ = json.Unmarshal(body, out)
		}
		return &werrors.APIError{Provider: werrors.ProviderWeChat, Op: ep.op, Code: int(code), Message: httpx.Scrub(head.Msg, token),
			CarrierCode: head.CarrCode, CarrierMessage: httpx.Scrub(head.CarrMsg, token), HTTPStatus: reply.Status}
	case reply.Status < 200 || reply.Status > 299:
		return unusable(reply.Status, errors.New("HTTP status is not 2xx"))
	case !hasCode && !hasMembers(top, ep.success):
		return unusable(reply.Status, errors.New("reply has neither errcode nor the success members"))
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return unusable(reply.Status, fmt.Errorf("decoding reply: %w", err))
		}
	}
	return nil
}

func hasMembers(top map[string]json.RawMessage, names []string) bool {
	for _, n := range names {
		if v, ok := top[n]; !ok || string(v) == "null" {
			return false
		}
	}
	return names != nil
}
