package logistics

import (
	"context"
	"errors"
	"net/http"

	werrors "github.com/waybill-go/waybill/errors"
)

// endpoint is one WeChat API the client calls. The client's pipeline sends a
// request to base URL + path with the access token and judges the reply:
// errcode 0 (a number, or the numeric string "0") with HTTP 2xx is a
// success; when the reply has no top-level errcode at all, it is a success
// only if every member named in success is present at top level and not
// null. Anything else is an *errors.APIError.
type endpoint struct {
	op      string   // names the API in errors and logs, e.g. "order/add"
	method  string   // http.MethodPost or http.MethodGet
	path    string   // e.g. "/cgi-bin/express/business/order/add"
	success []string // top-level reply members whose presence marks a success when the reply has no errcode
	// (nil: a reply without a top-level errcode is never a success)
}

const (
	shopPrefix    = "/cgi-bin/express/business/"
	carrierPrefix = "/cgi-bin/express/delivery/"
)

// The shop-side endpoints. The success members are those WeChat's
// documented success samples carry: several of these replies have no errcode.
var (
	epAddOrder        = &endpoint{op: "order/add", method: http.MethodPost, path: shopPrefix + "order/add", success: []string{"order_id", "waybill_id"}}
	epGetOrder        = &endpoint{op: "order/get", method: http.MethodPost, path: shopPrefix + "order/get", success: []string{"order_id", "waybill_id"}}
	epBatchGetOrder   = &endpoint{op: "order/batchget", method: http.MethodPost, path: shopPrefix + "order/batchget", success: []string{"order_list"}}
	epGetPath         = &endpoint{op: "path/get", method: http.MethodPost, path: shopPrefix + "path/get", success: []string{"waybill_id", "path_item_num"}}
	epGetAllDelivery  = &endpoint{op: "delivery/getall", method: http.MethodGet, path: shopPrefix + "delivery/getall", success: []string{"count", "data"}}
	epGetAllAccount   = &endpoint{op: "account/getall", method: http.MethodGet, path: shopPrefix + "account/getall", success: []string{"count", "list"}}
	epBindAccount     = &endpoint{op: "account/bind", method: http.MethodPost, path: shopPrefix + "account/bind"}
	epGetQuota        = &endpoint{op: "quota/get", method: http.MethodPost, path: shopPrefix + "quota/get", success: []string{"quota_num"}}
	epUpdatePrinter   = &endpoint{op: "printer/update", method: http.MethodPost, path: shopPrefix + "printer/update"}
	epGetAllPrinter   = &endpoint{op: "printer/getall", method: http.MethodGet, path: shopPrefix + "printer/getall", success: []string{"count"}}
	epTestUpdateOrder = &endpoint{op: "test_update_order", method: http.MethodPost, path: shopPrefix + "test_update_order"}
)

// The carrier-side endpoints.
var (
	epUpdatePath      = &endpoint{op: "path/update", method: http.MethodPost, path: carrierPrefix + "path/update"}
	epGetContact      = &endpoint{op: "contact/get", method: http.MethodPost, path: carrierPrefix + "contact/get", success: []string{"waybill_id", "sender", "receiver"}}
	epPreviewTemplate = &endpoint{op: "template/preview", method: http.MethodPost, path: carrierPrefix + "template/preview", success: []string{"waybill_id", "rendered_waybill_template"}}
	epUpdateBusiness  = &endpoint{op: "service/business/update", method: http.MethodPost, path: carrierPrefix + "service/business/update"}
)

// validator is a request that checks itself before it is sent.
type validator interface{ Validate() error }

// statusReply is the reply of endpoints that answer only errcode and errmsg.
type statusReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// send validates req (nil: a request without a body, such as a GET), calls
// ep and decodes the reply into a new R. On errcode != 0 it returns the
// decoded reply together with the *errors.APIError; on other failures nil.
func send[R any](ctx context.Context, c *Client, ep *endpoint, req validator) (*R, error) {
	var body any
	if req != nil {
		if err := req.Validate(); err != nil {
			return nil, err
		}
		body = req
	}
	out := new(R)
	if err := c.do(ctx, ep, body, out); err != nil {
		var apiErr *werrors.APIError
		if errors.As(err, &apiErr) && apiErr.Code != 0 {
			return out, err
		}
		return nil, err
	}
	return out, nil
}
