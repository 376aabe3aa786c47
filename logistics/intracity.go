package logistics

import (
	"context"
	"errors"
	"net/http"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
)

// This file is 同城配送 (same-city delivery, /cgi-bin/express/intracity/…):
// WeChat's own courier dispatch (SF 同城, Dada) for a shop's stores. Every
// call requires WeChat API security (WithAPISecurity).

// ProviderIntracity is waybill.CancelResult.Provider for 同城配送
// cancellations. APIError.Provider stays Provider ("wechat").
const ProviderIntracity = "wechat-intracity"

// Reasons for IntracityCancelRequest.CancelReasonID, as WeChat numbers them.
const (
	IntracityReasonNotNeeded   = 1  // no longer needed
	IntracityReasonWrongInfo   = 2  // the order's information is wrong
	IntracityReasonNoCourier   = 3  // no courier took the order
	IntracityReasonOther       = 99 // another reason, told in CancelReason
	intracityReasonsDocumented = "1, 2, 3 or 99"
)

// Statuses of a 同城配送 order (order_status in QueryOrder's and
// CancelOrder's replies).
const (
	IntracityOrderCreated            = 10000 // created, waiting for a courier
	IntracityOrderCancelledByShop    = 20000 // cancelled by the shop (CancelOrder)
	IntracityOrderCancelledByCarrier = 20001 // cancelled by the delivery company
	IntracityOrderAccepted           = 30000 // a courier accepted it
	IntracityOrderCourierAtStore     = 40000 // the courier arrived at the store
	IntracityOrderDelivering         = 50000 // on its way
	IntracityOrderCourierWithdrew    = 60000 // the courier gave the order back
	IntracityOrderDelivered          = 70000 // delivered
	IntracityOrderAbnormal           = 90000 // something went wrong on the way
)

// IntracityCancelled reports whether status is a cancelled order, whoever
// cancelled it.
func IntracityCancelled(status int) bool {
	return status == IntracityOrderCancelledByShop || status == IntracityOrderCancelledByCarrier
}

// intracityCodes are the errcodes WeChat documents for 同城配送.
var intracityCodes = map[int]error{
	934001: werrors.ErrInvalidParam,       // a parameter is wrong
	934008: werrors.ErrInvalidParam,       // the store is another app's
	934021: werrors.ErrInvalidParam,       // no such store
	934012: werrors.ErrInvalidCredentials, // the access token is another app's
	934016: werrors.ErrOrderNotFound,      // no such order
	934017: werrors.ErrAlreadyHasTrace,    // the order is past the point where it can be cancelled
	934018: werrors.ErrDuplicateCancel,    // cancelled before
	934999: werrors.ErrSystem,             // WeChat's internal error
	61007:  werrors.ErrUnauthorized,       // a third-party platform without the 同城配送 permission set
}

var (
	epIntracityCancel = newEndpoint("intracity/cancelorder", http.MethodPost, "/cgi-bin/express/intracity/cancelorder", nil, intracityCodes).
				alreadyDone(werrors.ErrDuplicateCancel).sealed()
	epIntracityQuery = newEndpoint("intracity/queryorder", http.MethodPost, "/cgi-bin/express/intracity/queryorder", nil, intracityCodes).sealed()
)

// IntracityClient calls WeChat's 同城配送 API. Get one from Client.Intracity;
// it shares the client's token source, pipeline and API security keys.
type IntracityClient struct {
	c *Client
}

var _ waybill.Canceller = (*IntracityClient)(nil)

// Intracity returns the client's 同城配送 calls. They need WithAPISecurity.
func (c *Client) Intracity() *IntracityClient { return &IntracityClient{c: c} }

// intracityOrderRef is how 同城配送 names an order: wx_order_id alone, or
// wx_store_id together with store_order_id.
func intracityOrderRef(wxStoreID, storeOrderID, wxOrderID string) error {
	const how = "wx_order_id alone, or wx_store_id with store_order_id, names the order"
	switch {
	case wxStoreID != "" && storeOrderID == "":
		return &werrors.ParamError{Field: "StoreOrderID", Reason: "is required with WxStoreID (" + how + ")"}
	case wxStoreID == "" && storeOrderID != "":
		return &werrors.ParamError{Field: "WxStoreID", Reason: "is required with StoreOrderID (" + how + ")"}
	case wxOrderID == "" && wxStoreID == "":
		return &werrors.ParamError{Field: "WxOrderID", Reason: "is required unless WxStoreID and StoreOrderID are given (" + how + ")"}
	}
	return nil
}

// IntracityCancelRequest is the body of intracity/cancelorder.
type IntracityCancelRequest struct {
	WxStoreID      string `json:"wx_store_id,omitempty"`
	StoreOrderID   string `json:"store_order_id,omitempty"`
	WxOrderID      string `json:"wx_order_id,omitempty"`
	CancelReasonID int    `json:"cancel_reason_id"` // one of the IntracityReason constants
	CancelReason   string `json:"cancel_reason,omitempty"`
}

// Validate checks that the order is named (WxOrderID, or WxStoreID with
// StoreOrderID) and that CancelReasonID is one WeChat documents.
func (r *IntracityCancelRequest) Validate() error {
	if r == nil {
		return nilRequest("IntracityCancelRequest")
	}
	var reason error
	switch r.CancelReasonID {
	case IntracityReasonNotNeeded, IntracityReasonWrongInfo, IntracityReasonNoCourier, IntracityReasonOther:
	case 0:
		reason = &werrors.ParamError{Field: "CancelReasonID", Reason: "is required (" + intracityReasonsDocumented + ")"}
	default:
		reason = &werrors.ParamError{Field: "CancelReasonID", Reason: "must be " + intracityReasonsDocumented}
	}
	return errors.Join(intracityOrderRef(r.WxStoreID, r.StoreOrderID, r.WxOrderID), reason)
}

// IntracityCancelResponse is WeChat's reply to intracity/cancelorder.
type IntracityCancelResponse struct {
	ErrCode      int    `json:"errcode"`
	ErrMsg       string `json:"errmsg"`
	WxStoreID    string `json:"wx_store_id"`
	WxOrderID    string `json:"wx_order_id"`
	StoreOrderID string `json:"store_order_id"`
	OrderStatus  int    `json:"order_status"` // one of the IntracityOrder constants
	AppID        string `json:"appid"`
	DeductFee    int64  `json:"deductfee"` // penalty in fen (分, CNY cents), 0 when none
}

// CancelOrder cancels a 同城配送 order: POST
// /cgi-bin/express/intracity/cancelorder, sealed with WeChat API security
// (WithAPISecurity is required; without it the call fails before anything
// is sent with an error naming APISecurity).
//
// A cancellation after a courier accepted the order costs a penalty, which
// the response reports in DeductFee (fen). Errcode 0 returns the response
// and nil; any other errcode returns the decoded response together with an
// *errors.APIError: 934016 matches errors.ErrOrderNotFound, 934017 (the
// order can no longer be cancelled, e.g. delivered) errors.ErrAlreadyHasTrace,
// 934018 (cancelled before) errors.ErrDuplicateCancel, 934001, 934008 and
// 934021 errors.ErrInvalidParam, 934012 errors.ErrInvalidCredentials,
// 934999 errors.ErrSystem (retried).
//
// Unknown outcomes are settled as for the 物流助手 CancelOrder: a 934018
// heard after an attempt whose answer was lost is a success (QueryOrder is
// then asked for what was deducted: the response carries its status and
// deductfee with the 934018 errcode and errmsg, or, if the query fails, a
// DeductFee of 0 and an ErrMsg saying the fee is unknown); when the outcome
// is still unknown after the retries, QueryOrder is asked once: a
// cancelled order is a success (the response then carries the query's
// status and deductfee, and an ErrMsg saying so), an open one returns the
// cancel's own error.
func (ic *IntracityClient) CancelOrder(ctx context.Context, req *IntracityCancelRequest) (*IntracityCancelResponse, error) {
	resp, _, err := ic.cancelOrder(ctx, req)
	return resp, err
}

// settledByIntracityQuery is the ErrMsg of a cancellation queryorder
// confirmed.
const settledByIntracityQuery = "cancelled: intracity/queryorder confirmed it after the cancel's answer was lost"

// cancelOrder is CancelOrder that also says whether success was settled
// after a lost answer.
func (ic *IntracityClient) cancelOrder(ctx context.Context, req *IntracityCancelRequest) (*IntracityCancelResponse, bool, error) {
	if err := req.Validate(); err != nil {
		return nil, false, err
	}
	resp := new(IntracityCancelResponse)
	var queried *IntracityQueryResponse
	settle := func(ctx context.Context) (bool, error) {
		got, err := ic.QueryOrder(ctx, &IntracityQueryRequest{WxStoreID: req.WxStoreID, StoreOrderID: req.StoreOrderID, WxOrderID: req.WxOrderID})
		if err != nil {
			return false, err
		}
		queried = got
		return IntracityCancelled(got.OrderStatus), nil
	}
	out, err := ic.c.call(ctx, epIntracityCancel, req, resp, settle)
	switch {
	case err == nil && queried != nil:
		return queried.cancelResponse(settledByIntracityQuery), true, nil
	case err == nil && out.Settled:
		// A retry heard 934018: the lost attempt cancelled the order, and
		// only queryorder knows what it deducted.
		if got, qerr := settle(ctx); qerr == nil && got {
			r := queried.cancelResponse(resp.ErrMsg)
			r.ErrCode = resp.ErrCode
			return r, true, nil
		}
		resp.ErrMsg += " (deductfee unknown: intracity/queryorder did not confirm the cancellation)"
		return resp, true, nil
	case err == nil:
		return resp, false, nil
	case isAPIError(err):
		return resp, false, err
	}
	return nil, false, err
}

// cancelResponse is what a cancellation confirmed by this query reports.
func (q *IntracityQueryResponse) cancelResponse(msg string) *IntracityCancelResponse {
	return &IntracityCancelResponse{ErrMsg: msg, WxStoreID: q.WxStoreID, WxOrderID: q.WxOrderID, StoreOrderID: q.StoreOrderID,
		OrderStatus: q.OrderStatus, AppID: q.AppID, DeductFee: q.DeductFee}
}

// Cancel implements waybill.Canceller for 同城配送: WaybillID is the
// wx_order_id (required); Reason, when given, is sent as cancel_reason with
// cancel_reason_id 99 (other), and an empty Reason sends cancel_reason_id 1
// (no longer needed). OrderID is echoed in the result but not sent (naming
// an order by store_order_id needs its wx_store_id, which CancelRequest
// does not carry); DeliveryID and OpenID are not used. The result's
// DeductFee is the penalty WeChat deducted, in fen.
func (ic *IntracityClient) Cancel(ctx context.Context, req waybill.CancelRequest) (*waybill.CancelResult, error) {
	if err := text("WaybillID", req.WaybillID, true, 0); err != nil {
		return nil, err
	}
	r := &IntracityCancelRequest{WxOrderID: req.WaybillID, CancelReasonID: IntracityReasonNotNeeded}
	if req.Reason != "" {
		r.CancelReasonID, r.CancelReason = IntracityReasonOther, req.Reason
	}
	resp, settled, err := ic.cancelOrder(ctx, r)
	if err != nil {
		return nil, err
	}
	return &waybill.CancelResult{Provider: ProviderIntracity, OrderID: req.OrderID, WaybillID: req.WaybillID,
		Message: settledMessage(resp.ErrMsg, settled, settledByIntracityQuery), DeductFee: resp.DeductFee}, nil
}

// IntracityQueryRequest is the body of intracity/queryorder.
type IntracityQueryRequest struct {
	WxStoreID    string `json:"wx_store_id,omitempty"`
	StoreOrderID string `json:"store_order_id,omitempty"`
	WxOrderID    string `json:"wx_order_id,omitempty"`
}

// Validate checks that the order is named: WxOrderID, or WxStoreID with
// StoreOrderID.
func (r *IntracityQueryRequest) Validate() error {
	if r == nil {
		return nilRequest("IntracityQueryRequest")
	}
	return intracityOrderRef(r.WxStoreID, r.StoreOrderID, r.WxOrderID)
}

// IntracityQueryResponse is WeChat's reply to intracity/queryorder. Money is
// in fen (分), distances in metres, times in Unix seconds (0 when the
// event has not happened).
type IntracityQueryResponse struct {
	ErrCode            int                  `json:"errcode"`
	ErrMsg             string               `json:"errmsg"`
	WxOrderID          string               `json:"wx_order_id"`
	StoreOrderID       string               `json:"store_order_id"`
	WxStoreID          string               `json:"wx_store_id"`
	OrderStatus        int                  `json:"order_status"` // one of the IntracityOrder constants
	AppID              string               `json:"appid"`
	UserOpenID         string               `json:"user_openid"`
	ServiceTransID     string               `json:"service_trans_id"` // the delivery company: "SFTC", "DADA"
	DeliveryNo         string               `json:"delivery_no"`      // the delivery company's order number
	Distance           float64              `json:"distance"`
	ActualFee          int64                `json:"actualfee"`
	DeductFee          int64                `json:"deductfee"`
	CreateTime         int64                `json:"create_time"`
	AcceptTime         int64                `json:"accept_time"`
	FetchTime          int64                `json:"fetch_time"`
	FinishTime         int64                `json:"finish_time"`
	CancelTime         int64                `json:"cancel_time"`
	ExpectedFinishTime int64                `json:"expected_finish_time"`
	FetchCode          string               `json:"fetch_code"` // shown at the store
	RecvCode           string               `json:"recv_code"`  // shown by the receiver
	OrderSeq           string               `json:"order_seq"`
	TransporterInfo    IntracityTransporter `json:"transporter_info"`
	StoreInfo          IntracityStore       `json:"store_info"`
	ReceiverInfo       IntracityReceiver    `json:"receiver_info"`
	CargoInfo          IntracityCargo       `json:"cargo_info"`
}

// IntracityTransporter is the courier of a 同城配送 order.
type IntracityTransporter struct {
	TransporterName  string `json:"transporter_name"`
	TransporterPhone string `json:"transporter_phone"`
}

// IntracityStore is the store a 同城配送 order leaves from.
type IntracityStore struct {
	WxStoreID string  `json:"wx_store_id"`
	StoreName string  `json:"store_name"`
	Address   string  `json:"address"`
	Lng       float64 `json:"lng"`
	Lat       float64 `json:"lat"`
	PhoneNum  string  `json:"phone_num"`
}

// IntracityReceiver is who a 同城配送 order goes to.
type IntracityReceiver struct {
	ReceiverName string  `json:"receiver_name"`
	Address      string  `json:"address"`
	PhoneNum     string  `json:"phone_num"`
	Lng          float64 `json:"lng"`
	Lat          float64 `json:"lat"`
}

// IntracityCargo is what a 同城配送 order carries.
type IntracityCargo struct {
	CargoName   string               `json:"cargo_name"`
	CargoWeight int64                `json:"cargo_weight"` // grams
	CargoPrice  int64                `json:"cargo_price"`  // fen
	CargoType   int                  `json:"cargo_type"`
	CargoNum    int                  `json:"cargo_num"`
	ItemList    []IntracityCargoItem `json:"item_list"`
}

// IntracityCargoItem is one article of a 同城配送 order.
type IntracityCargoItem struct {
	ItemName   string `json:"item_name"`
	ItemPicURL string `json:"item_pic_url"`
	Num        int    `json:"num"`
}

// QueryOrder reads a 同城配送 order: POST
// /cgi-bin/express/intracity/queryorder, sealed with WeChat API security.
// Errcode 0 returns the response; 934016 matches errors.ErrOrderNotFound.
func (ic *IntracityClient) QueryOrder(ctx context.Context, req *IntracityQueryRequest) (*IntracityQueryResponse, error) {
	return send[IntracityQueryResponse](ctx, ic.c, epIntracityQuery, req)
}
