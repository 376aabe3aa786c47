package logistics

import (
	"context"
	"errors"
	"net/http"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/wxapi"
)

// endpoint is one WeChat API the client calls. The client's pipeline sends a
// request to base URL + path with the access token and judges the reply:
// errcode 0 (a number, or the numeric string "0") with HTTP 2xx is a
// success; when the reply has no top-level errcode at all, it is a success
// only if every member named in success is present at top level and not
// null. Anything else is an *errors.APIError.
type endpoint struct {
	op     string // names the API in errors and logs, e.g. "order/add"
	method string // http.MethodPost or http.MethodGet
	path   string // e.g. "/cgi-bin/express/business/order/add"
	wx     wxapi.Endpoint
	// done is the sentinel of a refusal meaning the call's effect is
	// already there; after a lost answer it means the call succeeded.
	done error
	// secured marks an endpoint whose calls are sealed with WeChat API
	// security (WithAPISecurity), which the client then requires.
	secured bool
}

// sealed marks e as sealed under WeChat API security and returns e.
func (e *endpoint) sealed() *endpoint {
	e.secured = true
	return e
}

// alreadyDone sets e's "already done" sentinel and returns e.
func (e *endpoint) alreadyDone(s error) *endpoint {
	e.done = s
	return e
}

// newEndpoint describes an API. success names the top-level reply members
// whose presence marks a success when the reply has no errcode (nil: a
// reply without a top-level errcode is never a success); codes maps
// errcodes only this API documents to sentinels (nil for none).
func newEndpoint(op, method, path string, success []string, codes map[int]error) *endpoint {
	for _, name := range success {
		if !wxapi.Reads(name) {
			panic("logistics: the reply judge does not read the success member " + name + " of " + op)
		}
	}
	return &endpoint{op: op, method: method, path: path,
		wx: wxapi.Endpoint{Op: op, Success: success, Codes: codes}}
}

const (
	shopPrefix    = "/cgi-bin/express/business/"
	carrierPrefix = "/cgi-bin/express/delivery/"
)

// The shop-side endpoints. The success members are those WeChat's
// documented success samples carry: several of these replies have no errcode.
var (
	epAddOrder        = newEndpoint("order/add", http.MethodPost, shopPrefix+"order/add", []string{"order_id", "waybill_id"}, nil).alreadyDone(werrors.ErrDuplicateOrder)
	epGetOrder        = newEndpoint("order/get", http.MethodPost, shopPrefix+"order/get", []string{"order_id", "waybill_id"}, nil)
	epBatchGetOrder   = newEndpoint("order/batchget", http.MethodPost, shopPrefix+"order/batchget", []string{"order_list"}, nil)
	epGetPath         = newEndpoint("path/get", http.MethodPost, shopPrefix+"path/get", []string{"waybill_id", "path_item_num"}, nil)
	epGetAllDelivery  = newEndpoint("delivery/getall", http.MethodGet, shopPrefix+"delivery/getall", []string{"count", "data"}, nil)
	epGetAllAccount   = newEndpoint("account/getall", http.MethodGet, shopPrefix+"account/getall", []string{"count", "list"}, nil)
	epBindAccount     = newEndpoint("account/bind", http.MethodPost, shopPrefix+"account/bind", nil, nil)
	epGetQuota        = newEndpoint("quota/get", http.MethodPost, shopPrefix+"quota/get", []string{"quota_num"}, nil)
	epUpdatePrinter   = newEndpoint("printer/update", http.MethodPost, shopPrefix+"printer/update", nil, nil)
	epGetAllPrinter   = newEndpoint("printer/getall", http.MethodGet, shopPrefix+"printer/getall", []string{"count"}, nil)
	epTestUpdateOrder = newEndpoint("test_update_order", http.MethodPost, shopPrefix+"test_update_order", nil, nil)
)

// The carrier-side endpoints.
var (
	epUpdatePath      = newEndpoint("path/update", http.MethodPost, carrierPrefix+"path/update", nil, nil)
	epGetContact      = newEndpoint("contact/get", http.MethodPost, carrierPrefix+"contact/get", []string{"waybill_id", "sender", "receiver"}, nil)
	epPreviewTemplate = newEndpoint("template/preview", http.MethodPost, carrierPrefix+"template/preview", []string{"waybill_id", "rendered_waybill_template"}, nil)
	epUpdateBusiness  = newEndpoint("service/business/update", http.MethodPost, carrierPrefix+"service/business/update", nil, nil)
)

// validator is a request that checks itself before it is sent.
type validator interface{ Validate() error }

// statusReply is the reply of endpoints that answer only errcode and errmsg.
type statusReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (r *statusReply) setStatus(s wxapi.Status) {
	*r = statusReply{ErrCode: s.ErrCode, ErrMsg: s.ErrMsg}
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
