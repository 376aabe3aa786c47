package logistics

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
)

// CancelOrderRequest is the body of order/cancel.
type CancelOrderRequest struct {
	OrderID    string `json:"order_id"`
	OpenID     string `json:"openid,omitempty"`
	DeliveryID string `json:"delivery_id"`
	WaybillID  string `json:"waybill_id"`
}

// Validate reports the first required field that is empty, as an error
// matching errors.ErrInvalidParam that names it.
func (r *CancelOrderRequest) Validate() error {
	if r == nil {
		return &werrors.ParamError{Field: "CancelOrderRequest", Reason: "is nil"}
	}
	return errors.Join(
		werrors.Required("OrderID", r.OrderID),
		werrors.Required("DeliveryID", r.DeliveryID),
		werrors.Required("WaybillID", r.WaybillID),
	)
}

// CancelOrderResponse is WeChat's reply to order/cancel.
type CancelOrderResponse struct {
	ErrCode            int    `json:"errcode"`
	ErrMsg             string `json:"errmsg"`
	DeliveryResultCode int    `json:"delivery_resultcode"`
	DeliveryResultMsg  string `json:"delivery_resultmsg"`
}

func (r *CancelOrderResponse) code() int       { return r.ErrCode }
func (r *CancelOrderResponse) message() string { return r.ErrMsg }
func (r *CancelOrderResponse) annotate(e *werrors.APIError) {
	e.CarrierCode, e.CarrierMessage = r.DeliveryResultCode, r.DeliveryResultMsg
}

const cancelOp = "order/cancel"

// CancelOrder cancels a waybill: POST /cgi-bin/express/business/order/cancel.
//
// A reply with errcode 0 returns the response and nil. Any other errcode
// returns the decoded response together with an *errors.APIError that keeps
// errcode, errmsg (with its rid), delivery_resultcode and delivery_resultmsg;
// match it with errors.Is against the sentinels of package errors.
//
// The request is checked before anything is sent. If WeChat rejects the
// access token (40001, 40014, 42001), the client invalidates it, gets a new
// one and re-sends the identical body once; a second rejection matches
// errors.ErrInvalidToken. Transport errors, HTTP 5xx and errcode -1/-1000 are
// retried under the client's RetryPolicy.
//
// Unknown outcomes: when an earlier attempt may have reached WeChat but its
// answer was lost (a dropped connection, a 5xx, errcode -1) and a retry is
// answered 9300524 ("already cancelled"), the order is cancelled, most likely
// by that earlier attempt, so CancelOrder reports success and returns the
// 9300524 response with a nil error. A 9300524 on the first attempt is an
// error matching errors.ErrDuplicateCancel.
func (c *Client) CancelOrder(ctx context.Context, req *CancelOrderRequest) (*CancelOrderResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	resp := new(CancelOrderResponse)
	unknown, err := c.call(ctx, cancelOp, c.cancelURL, body, resp)
	if err == nil {
		return resp, nil
	}
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code == 0 {
		return nil, err // no usable reply to show
	}
	if unknown && apiErr.Code == 9300524 {
		return resp, nil
	}
	return resp, err
}

// Cancel implements waybill.Canceller: it maps OrderID, WaybillID,
// DeliveryID and OpenID onto CancelOrder. OrderID, WaybillID and DeliveryID
// are required.
func (c *Client) Cancel(ctx context.Context, req waybill.CancelRequest) (*waybill.CancelResult, error) {
	r := &CancelOrderRequest{OrderID: req.OrderID, OpenID: req.OpenID, DeliveryID: req.DeliveryID, WaybillID: req.WaybillID}
	resp, err := c.CancelOrder(ctx, r)
	if err != nil {
		return nil, err
	}
	msg := resp.ErrMsg
	if resp.ErrCode == 9300524 {
		msg = "already cancelled (an earlier attempt's answer was lost): " + msg
	}
	return &waybill.CancelResult{Provider: werrors.ProviderWeChat, OrderID: req.OrderID, WaybillID: req.WaybillID, Message: msg}, nil
}
