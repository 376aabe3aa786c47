package logistics

import (
	"context"
	"errors"
	"net/http"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/wxapi"
)

// CancelOrderRequest is the body of order/cancel.
type CancelOrderRequest struct {
	OrderID    string `json:"order_id"`
	OpenID     string `json:"openid,omitempty"`
	DeliveryID string `json:"delivery_id"`
	WaybillID  string `json:"waybill_id"`
}

// Validate reports every required field that is empty, as an error
// matching errors.ErrInvalidParam that names it.
func (r *CancelOrderRequest) Validate() error {
	if r == nil {
		return nilRequest("CancelOrderRequest")
	}
	return errors.Join(
		text("OrderID", r.OrderID, true, 0),
		text("DeliveryID", r.DeliveryID, true, 0),
		text("WaybillID", r.WaybillID, true, 0),
	)
}

// CancelOrderResponse is WeChat's reply to order/cancel.
type CancelOrderResponse struct {
	ErrCode            int    `json:"errcode"`
	ErrMsg             string `json:"errmsg"`
	DeliveryResultCode int    `json:"delivery_resultcode"`
	DeliveryResultMsg  string `json:"delivery_resultmsg"`
}

var cancelEndpoint = newEndpoint("order/cancel", http.MethodPost, shopPrefix+"order/cancel", nil, nil).
	alreadyDone(werrors.ErrDuplicateCancel)

func (r *CancelOrderResponse) setStatus(s wxapi.Status) {
	*r = CancelOrderResponse{ErrCode: s.ErrCode, ErrMsg: s.ErrMsg, DeliveryResultCode: s.DeliveryResultCode, DeliveryResultMsg: s.DeliveryResultMsg}
}

// CancelOrder cancels a waybill: POST /cgi-bin/express/business/order/cancel.
//
// A reply whose top-level errcode is 0 returns the response and nil. Any
// other errcode returns the decoded response together with an
// *errors.APIError that keeps errcode, errmsg (with its rid),
// delivery_resultcode and delivery_resultmsg; match it with errors.Is
// against the sentinels of package errors. A reply that does not say
// errcode 0 (an HTML page, errcode null, a redirect, an oversized body)
// returns a nil response and an error matching errors.ErrSystem.
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
//
// When the outcome is still unknown after the retries (the last attempt's
// answer was lost too, or was a system error), CancelOrder asks order/get
// (GetOrder) once, within the same context: if WeChat says the order is
// cancelled, it reports success with a response whose ErrMsg says how it
// knows; if the order is still open, it returns the cancel's own error.
// If that query fails as well, the cancel's error is returned, its text
// telling of the failed query; it matches what the cancel's error matched
// (errors.ErrSystem, or a transport error), never the query's, and
// cancelling again is safe.
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
	resp := new(CancelOrderResponse)
	settle := func(ctx context.Context) (bool, error) {
		got, err := c.GetOrder(ctx, &GetOrderRequest{OrderID: req.OrderID, OpenID: req.OpenID, DeliveryID: req.DeliveryID, WaybillID: req.WaybillID})
		if err != nil {
			return false, err
		}
		return got.OrderStatus == OrderStatusCancelled, nil
	}
	out, err := c.call(ctx, cancelEndpoint, req, resp, settle)
	switch {
	case err == nil && out.Asked:
		return &CancelOrderResponse{ErrMsg: settledByQuery}, true, nil
	case err == nil:
		return resp, out.Settled, nil
	case isAPIError(err):
		return resp, false, err
	}
	return nil, false, err
}

// settledByQuery is the ErrMsg of a cancellation order/get confirmed.
const settledByQuery = "cancelled: order/get confirmed it after the cancel's answer was lost"

// Cancel implements waybill.Canceller: it maps OrderID, WaybillID,
// DeliveryID and OpenID onto CancelOrder. OrderID, WaybillID and DeliveryID
// are required.
func (c *Client) Cancel(ctx context.Context, req waybill.CancelRequest) (*waybill.CancelResult, error) {
	r := &CancelOrderRequest{OrderID: req.OrderID, OpenID: req.OpenID, DeliveryID: req.DeliveryID, WaybillID: req.WaybillID}
	resp, settled, err := c.cancelOrder(ctx, r)
	if err != nil {
		return nil, err
	}
	return &waybill.CancelResult{Provider: Provider, OrderID: req.OrderID, WaybillID: req.WaybillID,
		Message: settledMessage(resp.ErrMsg, settled, settledByQuery)}, nil
}

// settledMessage is CancelResult.Message for a cancellation whose reply said
// msg: a success settled by a retry's "already cancelled" says so; one
// confirmed by a query (msg is then byQuery) speaks for itself.
func settledMessage(msg string, settled bool, byQuery string) string {
	if settled && msg != byQuery {
		return "already cancelled (an earlier attempt's answer was lost): " + msg
	}
	return msg
}
