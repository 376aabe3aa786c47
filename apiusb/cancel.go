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
	"github.com/waybill-go/waybill/internal/jsonx"
	"github.com/waybill-go/waybill/internal/pipeline"
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
//   - ret 200 but data.code other than 200: Code is data.code, matching the
//     sentinel WithDataCodes maps it to (none by default), and Message is
//     data.message followed by msg in parentheses when msg says something
//     else.
//   - ret 200 but data not an object with an integer code: Code 0, which
//     matches errors.ErrSystem, because nothing says the order was
//     cancelled.
//
// A reply that is not an envelope at all (an HTML gateway page, an empty or
// truncated body, a redirect) returns a nil response and an error matching
// errors.ErrSystem.
//
// req is checked before anything is sent. Transport errors, ret 5xx and
// HTTP 5xx without an envelope are retried under the client's RetryPolicy.
// Such a retry may reach APIUSB after an earlier attempt that already
// cancelled the order but whose answer was lost. If the retry's data.code
// is mapped to errors.ErrDuplicateCancel with WithDataCodes, CancelOrder
// then reports success (with that response), as the order is cancelled;
// on the first attempt the same code is an error matching
// ErrDuplicateCancel. Without such a mapping, check the order's state when
// a retried call fails.
func (c *Client) CancelOrder(ctx context.Context, req *CancelOrderRequest) (*CancelOrderResponse, error) {
	resp, _, err := c.cancelOrder(ctx, req)
	return resp, err
}

// cancelOrder is CancelOrder that also says whether success was settled
// after a lost answer.
func (c *Client) cancelOrder(ctx context.Context, req *CancelOrderRequest) (*CancelOrderResponse, bool, error) {
	if err := req.Validate(); err != nil {
		return nil, false, err
	}
	params, err := query.Values(req)
	if err != nil {
		return nil, false, fmt.Errorf("apiusb: encoding %s parameters: %w", CancelService, err)
	}
	resp := new(CancelOrderResponse)
	enveloped := false
	out, err := c.call(ctx, CancelService, params, resp, func(r *httpx.Reply) pipeline.Judgement {
		*resp = CancelOrderResponse{}
		var data wireCancelData
		env, j := parseEnvelope(c.pipe, CancelService, r, &data)
		if enveloped = env != nil; !enveloped {
			return j
		}
		resp.Ret, resp.Msg = env.Ret, env.Msg
		if env.Ret != 200 {
			return c.judgeRet(CancelService, env)
		}
		return c.judgeCancelData(env, &data, resp)
	})
	switch {
	case err == nil:
		return resp, out.Settled, nil
	case enveloped && errors.As(err, new(*werrors.APIError)):
		return resp, false, err
	}
	return nil, false, err
}

// wireCancelData is how a CCancelOrder reply's data object is decoded, each
// member kept raw to be read leniently.
type wireCancelData struct {
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// judgeCancelData fills resp.Data from the data of an envelope whose ret is
// 200 and judges it: success only for data.code 200.
func (c *Client) judgeCancelData(env *envelope, data *wireCancelData, resp *CancelOrderResponse) pipeline.Judgement {
	if env.DataKind != "" {
		return c.noCode(env, fmt.Errorf("%w: data is %s", errNoCode, env.DataKind))
	}
	resp.Data.Message = jsonx.Text(data.Message)
	resp.Data.Data = jsonx.Text(data.Data)
	code, ok, err := jsonx.Int(data.Code)
	switch {
	case err != nil:
		return c.noCode(env, fmt.Errorf("%w: %w", errBadCode, err))
	case !ok:
		return c.noCode(env, errNoCode)
	}
	resp.Data.Code = code
	if code == 200 {
		return pipeline.Judgement{Verdict: pipeline.Success}
	}
	msg := resp.Data.Message
	if resp.Msg != "" && resp.Msg != msg {
		if msg == "" {
			msg = resp.Msg
		} else {
			msg += " (" + resp.Msg + ")"
		}
	}
	return pipeline.Judgement{Verdict: pipeline.Refused, Err: &werrors.APIError{
		Provider:   Provider,
		Op:         CancelService,
		Code:       code,
		CodeName:   "code",
		Message:    msg,
		HTTPStatus: env.Status,
		Sentinel:   c.dataSentinel(code),
	}}
}

// dataSentinel maps a data.code: WithDataCodes first, then the table of
// ret, whose numbers some services reuse for their business codes.
func (c *Client) dataSentinel(code int) error {
	if s, ok := c.dataCodes[code]; ok {
		return s
	}
	if code == 0 {
		return werrors.ErrSystem // no code at all, as far as meaning goes
	}
	return retSentinel(code)
}

// noCode judges ret 200 without a usable data.code: nothing says the order
// was cancelled, nor that it was not.
func (c *Client) noCode(env *envelope, cause error) pipeline.Judgement {
	j := c.pipe.UnusableJudgement(CancelService, env.Status, cause)
	if env.Msg != "" {
		j.Err.(*werrors.APIError).Message = env.Msg
	}
	return j
}

// Cancel implements waybill.Canceller: OrderID is sent as orderId,
// WaybillID as taskId and Reason as cancelMsg; all three are required.
// DeliveryID and OpenID are not used. The result's Message is data.data
// ("取消成功"), or data.message when data.data is empty; after a lost
// answer settled by a code mapped to ErrDuplicateCancel it says so.
func (c *Client) Cancel(ctx context.Context, req waybill.CancelRequest) (*waybill.CancelResult, error) {
	if err := errors.Join(
		required("OrderID", "orderId", req.OrderID),
		required("WaybillID", "taskId", req.WaybillID),
		required("Reason", "cancelMsg", req.Reason),
	); err != nil {
		return nil, err
	}
	resp, settled, err := c.cancelOrder(ctx, &CancelOrderRequest{OrderID: req.OrderID, TaskID: req.WaybillID, CancelMsg: req.Reason})
	if err != nil {
		return nil, err
	}
	msg := resp.Data.Data
	if msg == "" {
		msg = resp.Data.Message
	}
	if settled {
		msg = "already cancelled (an earlier attempt's answer was lost): " + msg
	}
	return &waybill.CancelResult{Provider: Provider, OrderID: req.OrderID, WaybillID: req.WaybillID, Message: msg}, nil
}
