package logistics

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
)

// This file is 微信小店 电子面单 (WeChat Shop electronic waybills,
// /channels/ec/logistics/ewaybill/biz/…). Its calls take the 微信小店's
// access token: build the Client from the shop's AppID and AppSecret.

// ProviderEWaybill is waybill.CancelResult.Provider for 微信小店 电子面单
// cancellations. APIError.Provider stays Provider ("wechat").
const ProviderEWaybill = "wechat-ewaybill"

// ewaybillCodes are the errcodes WeChat documents for cancelling an
// electronic waybill. 10025021 (added in November 2025) is documented
// without a published meaning; it arrives as an *errors.APIError matching
// no sentinel.
var ewaybillCodes = map[int]error{
	10025006: werrors.ErrCarrier,          // the carrier refused: see delivery_error_msg
	10025010: werrors.ErrOrderNotFound,    // no such electronic waybill
	10025011: werrors.ErrSystem,           // update conflict: try again (retried)
	10025012: werrors.ErrDeliveryNotFound, // wrong delivery_id
	10025020: werrors.ErrInvalidParam,     // ewaybill_order_id is not a Uint64 written as a string
	10025030: werrors.ErrSystem,           // the carrier did not answer in time (retried)
}

var epEWaybillCancel = newEndpoint("ewaybill/order/cancel", http.MethodPost, "/channels/ec/logistics/ewaybill/biz/order/cancel", nil, ewaybillCodes)

// EWaybillClient calls the 微信小店 电子面单 API. Get one from
// Client.EWaybill; it shares the client's token source and pipeline.
type EWaybillClient struct {
	c *Client
}

var _ waybill.Canceller = (*EWaybillClient)(nil)

// EWaybill returns the client's 微信小店 电子面单 calls.
func (c *Client) EWaybill() *EWaybillClient { return &EWaybillClient{c: c} }

// EWaybillCancelRequest is the body of ewaybill/biz/order/cancel.
type EWaybillCancelRequest struct {
	EWaybillOrderID string `json:"ewaybill_order_id"` // a Uint64 written as a string
	DeliveryID      string `json:"delivery_id"`
	WaybillID       string `json:"waybill_id"`
}

// Validate checks that every field is set and that EWaybillOrderID is an
// unsigned 64-bit decimal number, as WeChat requires (errcode 10025020).
func (r *EWaybillCancelRequest) Validate() error {
	if r == nil {
		return nilRequest("EWaybillCancelRequest")
	}
	return r.validate("EWaybillOrderID", "DeliveryID", "WaybillID")
}

// validate checks r, naming its fields as the caller knows them.
func (r *EWaybillCancelRequest) validate(orderField, deliveryField, waybillField string) error {
	return errors.Join(
		checkUint64(orderField, r.EWaybillOrderID),
		text(deliveryField, r.DeliveryID, true, 0),
		text(waybillField, r.WaybillID, true, 0),
	)
}

// checkUint64 accepts a decimal unsigned 64-bit number written as a string.
func checkUint64(field, v string) error {
	if v == "" {
		return &werrors.ParamError{Field: field, Reason: "is required"}
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return &werrors.ParamError{Field: field, Reason: "must be the ewaybill_order_id: decimal digits only (a Uint64 written as a string)"}
		}
	}
	if _, err := strconv.ParseUint(v, 10, 64); err != nil {
		return &werrors.ParamError{Field: field, Reason: "must be the ewaybill_order_id: it does not fit an unsigned 64-bit number"}
	}
	return nil
}

// EWaybillCancelResponse is WeChat's reply to ewaybill/biz/order/cancel.
type EWaybillCancelResponse struct {
	ErrCode          int    `json:"errcode"`
	ErrMsg           string `json:"errmsg"`
	DeliveryErrorMsg string `json:"delivery_error_msg"` // the carrier's reason, with 10025006
}

// CancelOrder cancels an electronic waybill that was issued (取号): POST
// /channels/ec/logistics/ewaybill/biz/order/cancel.
//
// Errcode 0 returns the response and nil. Any other errcode returns the
// decoded response together with an *errors.APIError: 10025006 (the carrier
// refused; its reason, delivery_error_msg, is APIError.CarrierMessage)
// matches errors.ErrCarrier, 10025010 errors.ErrOrderNotFound, 10025012
// errors.ErrDeliveryNotFound, 10025020 errors.ErrInvalidParam; 10025011 (an
// update conflict) and 10025030 (the carrier timed out) match
// errors.ErrSystem and are retried under the client's RetryPolicy.
//
// WeChat documents no "already cancelled" answer and no query of a
// cancellation here, so an outcome left unknown by lost answers stays an
// error (matching errors.ErrSystem or a transport error); cancelling again
// is the way to find out.
func (ec *EWaybillClient) CancelOrder(ctx context.Context, req *EWaybillCancelRequest) (*EWaybillCancelResponse, error) {
	return send[EWaybillCancelResponse](ctx, ec.c, epEWaybillCancel, req)
}

// Cancel implements waybill.Canceller for 微信小店 电子面单: OrderID is the
// ewaybill_order_id (a Uint64 written as a string), DeliveryID the
// delivery_id, WaybillID the waybill_id; all three are required. OpenID and
// Reason are not used.
func (ec *EWaybillClient) Cancel(ctx context.Context, req waybill.CancelRequest) (*waybill.CancelResult, error) {
	r := &EWaybillCancelRequest{EWaybillOrderID: req.OrderID, DeliveryID: req.DeliveryID, WaybillID: req.WaybillID}
	if err := r.validate("OrderID", "DeliveryID", "WaybillID"); err != nil {
		return nil, err
	}
	resp, err := ec.CancelOrder(ctx, r)
	if err != nil {
		return nil, err
	}
	return &waybill.CancelResult{Provider: ProviderEWaybill, OrderID: req.OrderID, WaybillID: req.WaybillID, Message: resp.ErrMsg}, nil
}
