package apiusb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-querystring/query"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// CancelService is the PhalApi service name of the cancel call, sent as s.
const CancelService = "App.Logistics.CCancelOrder"

// CancelOrderRequest holds the parameters of App.Logistics.CCancelOrder.
// All three are required.
type CancelOrderRequest struct {
	OrderID   string `url:"orderId"`   // the platform's order ID
	TaskID    string `url:"taskId"`    // the task (shipment) ID
	CancelMsg string `url:"cancelMsg"` // why the order is cancelled
}

// Validate reports every required field that is empty, as an error
// matching errors.ErrInvalidParam that names it.
func (r *CancelOrderRequest) Validate() error {
	if r == nil {
		return &werrors.ParamError{Field: "CancelOrderRequest", Reason: "is nil"}
	}
	return errors.Join(
		required("OrderID", "orderId", r.OrderID),
		required("TaskID", "taskId", r.TaskID),
		required("CancelMsg", "cancelMsg", r.CancelMsg),
	)
}

// required is errors.Required with the wire name added to the reason.
func required(field, param, value string) error {
	if strings.TrimSpace(value) == "" {
		return &werrors.ParamError{Field: field, Reason: "is required (APIUSB parameter " + param + ")"}
	}
	return nil
}

// CancelOrderData is the business result inside a CCancelOrder reply.
type CancelOrderData struct {
	Code    int    `json:"code"`    // 200 when the order was cancelled
	Message string `json:"message"` // e.g. "success"
	Data    string `json:"data"`    // e.g. "取消成功"; a non-string value is kept as its JSON text
}

// CancelOrderResponse is APIUSB's reply to App.Logistics.CCancelOrder.
type CancelOrderResponse struct {
	Ret  int             `json:"ret"`  // 200 when the request was accepted
	Data CancelOrderData `json:"data"` // zero unless data was an object
	Msg  string          `json:"msg"`  // the envelope's message, usually empty on success
}

// CancelOrder cancels an order with App.Logistics.CCancelOrder.
//
// The order is cancelled when, and only when, the reply has ret 200 and
// data.code 200: then CancelOrder returns the response and nil. Otherwise
// the error is an *errors.APIError, returned together with the decoded
// response whenever the reply was a PhalApi envelope:
//
//   - ret other than 200: Code is ret and Message is msg. Ret 400 matches
//     errors.ErrInvalidParam, 401/403/406 errors.ErrUnauthorized, 404
//     errors.ErrServiceNotFound and 5xx errors.ErrSystem.
//   - ret 200 but data.code other than 200: Code is data.code, mapped by
//     the same table, and Message is data.message followed by msg in
//     parentheses when msg says something else.
//   - ret 200 but data not an object with an integer code: Code 0, which
//     matches errors.ErrSystem, because nothing says the order was
//     cancelled.
//
// A reply that is not an envelope at all (an HTML gateway page, an empty or
// truncated body) returns a nil response and an error matching
// errors.ErrSystem.
//
// req is checked before anything is sent. Transport errors, ret 5xx and
// HTTP 5xx without an envelope are retried under the client's RetryPolicy.
// Such a retry may reach APIUSB after an earlier attempt that already
// cancelled the order but whose answer was lost; APIUSB then answers with
// its own refusal, so check the order's state when a retried call fails.
func (c *Client) CancelOrder(ctx context.Context, req *CancelOrderRequest) (*CancelOrderResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	params, err := query.Values(req)
	if err != nil {
		return nil, fmt.Errorf("apiusb: encoding %s parameters: %w", CancelService, err)
	}
	env, token, err := c.call(ctx, CancelService, params, func() any { return new(wireCancelData) })
	if env == nil {
		return nil, err
	}
	resp, apiErr := decodeCancel(env, token)
	if err != nil {
		return resp, err
	}
	if apiErr != nil {
		return resp, apiErr
	}
	return resp, nil
}

// wireCancelData is how a CCancelOrder reply's data object is decoded, each
// member kept raw to be read leniently.
type wireCancelData struct {
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// decodeCancel fills a response from env and judges its data. The error is
// nil only for data.code 200; ret is judged by the caller (env.refused).
// secret is removed from the provider's texts, in the response too, so that
// logging a response cannot leak a token the provider echoed.
func decodeCancel(env *envelope, secret string) (*CancelOrderResponse, *werrors.APIError) {
	resp := &CancelOrderResponse{Ret: env.Ret, Msg: httpx.Scrub(env.Msg, secret)}
	data := env.Data.(*wireCancelData)
	if env.DataKind != "" {
		return resp, noCode(env, resp.Msg, fmt.Errorf("%w: data is %s", errNoCode, env.DataKind))
	}
	resp.Data.Message = httpx.Scrub(textOf(data.Message), secret)
	resp.Data.Data = httpx.Scrub(textOf(data.Data), secret)
	raw := data.Code
	if raw == nil || isNull(raw) {
		return resp, noCode(env, resp.Msg, errNoCode)
	}
	code, err := parseInt(raw)
	if err != nil {
		return resp, noCode(env, resp.Msg, fmt.Errorf("%w: %w", errBadCode, err))
	}
	resp.Data.Code = code
	if code == 200 {
		return resp, nil
	}
	msg := resp.Data.Message
	if resp.Msg != "" && resp.Msg != msg {
		if msg == "" {
			msg = resp.Msg
		} else {
			msg += " (" + resp.Msg + ")"
		}
	}
	return resp, &werrors.APIError{
		Provider:   werrors.ProviderAPIUSB,
		Op:         CancelService,
		Code:       code,
		Message:    msg,
		HTTPStatus: env.Status,
		DataCode:   true,
	}
}

// noCode is the error for ret 200 without a usable data.code; msg is the
// envelope's message, already scrubbed.
func noCode(env *envelope, msg string, cause error) *werrors.APIError {
	e := unusable(CancelService, env.Status, cause)
	if msg != "" {
		e.Message = msg
	}
	return e
}

// Cancel implements waybill.Canceller: OrderID is sent as orderId,
// WaybillID as taskId and Reason as cancelMsg; all three are required.
// DeliveryID and OpenID are not used. The result's Message is data.data
// ("取消成功"), or data.message when data.data is empty.
func (c *Client) Cancel(ctx context.Context, req waybill.CancelRequest) (*waybill.CancelResult, error) {
	if err := errors.Join(
		required("OrderID", "orderId", req.OrderID),
		required("WaybillID", "taskId", req.WaybillID),
		required("Reason", "cancelMsg", req.Reason),
	); err != nil {
		return nil, err
	}
	resp, err := c.CancelOrder(ctx, &CancelOrderRequest{OrderID: req.OrderID, TaskID: req.WaybillID, CancelMsg: req.Reason})
	if err != nil {
		return nil, err
	}
	msg := resp.Data.Data
	if msg == "" {
		msg = resp.Data.Message
	}
	return &waybill.CancelResult{Provider: werrors.ProviderAPIUSB, OrderID: req.OrderID, WaybillID: req.WaybillID, Message: msg}, nil
}
