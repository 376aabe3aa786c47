package logistics

import (
	"context"
	"errors"
)

// Action types of path events (PathItem.ActionType, UpdatePathRequest and
// TestUpdateOrderRequest ActionType).
const (
	ActionPickedUp        = 100001 // collected by the courier
	ActionPickupFailed    = 100002
	ActionCourierAssigned = 100003
	ActionInTransit       = 200001
	ActionOutForDelivery  = 300002
	ActionSigned          = 300003 // delivered and signed for
	ActionSignFailed      = 300004
	ActionCancelled       = 400001
	ActionHeld            = 400002 // stuck, e.g. held at a depot
)

// validAction reports whether t is one of the documented action types.
func validAction(t int) bool {
	switch t {
	case ActionPickedUp, ActionPickupFailed, ActionCourierAssigned, ActionInTransit,
		ActionOutForDelivery, ActionSigned, ActionSignFailed, ActionCancelled, ActionHeld:
		return true
	}
	return false
}

// PathItem is one tracking event.
type PathItem struct {
	ActionTime int64  `json:"action_time"` // Unix seconds
	ActionType int    `json:"action_type"` // one of the Action constants
	ActionMsg  string `json:"action_msg"`
}

// checkAction validates the action fields shared by UpdatePathRequest and
// TestUpdateOrderRequest.
func checkAction(when int64, typ int, msg string) error {
	return errors.Join(
		invalid(when <= 0, "ActionTime", "must be a Unix time in seconds"),
		invalid(!validAction(typ), "ActionType", "is not a documented action type (see the Action constants)"),
		text("ActionMsg", msg, true, 0),
	)
}

// GetPathRequest is the body of path/get.
type GetPathRequest struct {
	OrderID    string `json:"order_id,omitempty"` // current docs no longer list it; sent when set
	OpenID     string `json:"openid,omitempty"`
	DeliveryID string `json:"delivery_id"`
	WaybillID  string `json:"waybill_id"`
}

// Validate checks that DeliveryID and WaybillID are set.
func (r *GetPathRequest) Validate() error {
	if r == nil {
		return nilRequest("GetPathRequest")
	}
	return errors.Join(text("DeliveryID", r.DeliveryID, true, 0), text("WaybillID", r.WaybillID, true, 0))
}

// GetPathResponse is WeChat's reply to path/get.
type GetPathResponse struct {
	ErrCode      int        `json:"errcode"`
	ErrMsg       string     `json:"errmsg"`
	OpenID       string     `json:"openid"`
	DeliveryID   string     `json:"delivery_id"`
	WaybillID    string     `json:"waybill_id"`
	PathItemNum  int        `json:"path_item_num"`
	PathItemList []PathItem `json:"path_item_list"` // oldest first
}

// GetPath lists a waybill's tracking events: POST
// /cgi-bin/express/business/path/get.
//
// WeChat's success reply carries no errcode: a reply is a success when it
// has errcode 0, or no errcode and both waybill_id and path_item_num.
// Notable errcodes: 40199 and 9300528 no such waybill, 9300503 unknown
// DeliveryID.
func (c *Client) GetPath(ctx context.Context, req *GetPathRequest) (*GetPathResponse, error) {
	return send[GetPathResponse](ctx, c, epGetPath, req)
}

// Test values that test_update_order requires.
const (
	TestBizID      = "test_biz_id"
	TestDeliveryID = "TEST"
)

// TestUpdateOrderRequest is the body of test_update_order.
type TestUpdateOrderRequest struct {
	BizID      string `json:"biz_id"`      // must be TestBizID
	OrderID    string `json:"order_id"`    // an order added with DeliveryID TestDeliveryID
	DeliveryID string `json:"delivery_id"` // must be TestDeliveryID
	WaybillID  string `json:"waybill_id"`
	ActionTime int64  `json:"action_time"`
	ActionType int    `json:"action_type"`
	ActionMsg  string `json:"action_msg"`
}

// Validate checks that every field is set, BizID and DeliveryID are the
// test values and ActionType is documented.
func (r *TestUpdateOrderRequest) Validate() error {
	if r == nil {
		return nilRequest("TestUpdateOrderRequest")
	}
	return errors.Join(
		invalid(r.BizID != TestBizID, "BizID", "must be "+TestBizID+" (test_update_order works on test orders only)"),
		text("OrderID", r.OrderID, true, 512),
		invalid(r.DeliveryID != TestDeliveryID, "DeliveryID", "must be "+TestDeliveryID+" (test_update_order works on test orders only)"),
		text("WaybillID", r.WaybillID, true, 0),
		checkAction(r.ActionTime, r.ActionType, r.ActionMsg),
	)
}

// TestUpdateOrder plays the carrier for a test order (DeliveryID "TEST",
// BizID "test_biz_id"): it adds a tracking event as if the carrier had
// reported it. POST /cgi-bin/express/business/test_update_order.
//
// Success is errcode 0. Notable errcodes: 930563 no such order
// (errors.ErrOrderNotFound), 40199 no such waybill.
func (c *Client) TestUpdateOrder(ctx context.Context, req *TestUpdateOrderRequest) error {
	_, err := send[statusReply](ctx, c, epTestUpdateOrder, req)
	return err
}
