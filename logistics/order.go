package logistics

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// Order sources for AddOrderRequest.AddSource.
const (
	AddSourceMiniProgram = 0 // an order placed in the mini program: OpenID required, the user gets logistics notices
	AddSourceAppOrH5     = 2 // an order placed in an App or H5 page: WxAppID required, no notices are sent
)

// Order statuses in GetOrderResponse.OrderStatus.
const (
	OrderStatusNormal    = 0
	OrderStatusCancelled = 1
)

// Contact is a sender or receiver of a waybill. Name, Province, City, Area
// and Address are required, and Tel or Mobile; WeChat counts the limits in
// bytes (see the field comments).
type Contact struct {
	Name     string `json:"name"`                // at most 64 bytes
	Tel      string `json:"tel,omitempty"`       // landline, at most 32 bytes; Tel or Mobile is required
	Mobile   string `json:"mobile,omitempty"`    // at most 32 bytes
	Company  string `json:"company,omitempty"`   // at most 64 bytes
	PostCode string `json:"post_code,omitempty"` // at most 10 bytes
	Country  string `json:"country,omitempty"`   // at most 64 bytes
	Province string `json:"province"`            // e.g. "广东省", at most 64 bytes
	City     string `json:"city"`                // e.g. "广州市", at most 64 bytes
	Area     string `json:"area"`                // district or county, e.g. "海珠区", at most 64 bytes
	Address  string `json:"address"`             // street and house, at most 512 bytes
}

// validate checks c's fields; prefix ("Sender", "Receiver") starts the
// field names in the errors.
func (c *Contact) validate(prefix string) error {
	p := under(prefix)
	return errors.Join(
		p.text("Name", c.Name, true, 64),
		p.invalid(c.Tel == "" && c.Mobile == "", "Mobile", "Tel or Mobile is required"),
		p.text("Tel", c.Tel, false, 32),
		p.text("Mobile", c.Mobile, false, 32),
		p.text("Company", c.Company, false, 64),
		p.text("PostCode", c.PostCode, false, 10),
		p.text("Country", c.Country, false, 64),
		p.text("Province", c.Province, true, 64),
		p.text("City", c.City, true, 64),
		p.text("Area", c.Area, true, 64),
		p.text("Address", c.Address, true, 512),
	)
}

// Cargo describes the parcel handed to the carrier.
type Cargo struct {
	Count      int         `json:"count"`       // number of packages, at least 1
	Weight     float64     `json:"weight"`      // total weight in kilograms, more than 0
	SpaceX     float64     `json:"space_x"`     // length in centimetres
	SpaceY     float64     `json:"space_y"`     // width in centimetres
	SpaceZ     float64     `json:"space_z"`     // height in centimetres
	DetailList []CargoItem `json:"detail_list"` // what is inside; at least one item (carriers refuse an empty list)
}

// CargoItem is one kind of goods inside the parcel.
type CargoItem struct {
	Name  string `json:"name"`  // at most 128 bytes
	Count int    `json:"count"` // at least 1
}

func (c *Cargo) validate() error {
	errs := []error{
		invalid(c.Count < 1, "Cargo.Count", "must be at least 1"),
		invalid(badNumber(c.Weight) || c.Weight == 0, "Cargo.Weight", "must be a positive number of kilograms"),
		invalid(badNumber(c.SpaceX), "Cargo.SpaceX", "must be a finite, non-negative number of centimetres"),
		invalid(badNumber(c.SpaceY), "Cargo.SpaceY", "must be a finite, non-negative number of centimetres"),
		invalid(badNumber(c.SpaceZ), "Cargo.SpaceZ", "must be a finite, non-negative number of centimetres"),
		invalid(len(c.DetailList) == 0, "Cargo.DetailList", "needs at least one item"),
	}
	for i, it := range c.DetailList {
		f := item("Cargo.DetailList", i)
		errs = append(errs, f.text("Name", it.Name, true, 128), f.invalid(it.Count < 1, "Count", "must be at least 1"))
	}
	return errors.Join(errs...)
}

// Shop is what the user's logistics notice and the label show about the
// goods. WxaPath is required, and either DetailList (WeChat's newer form,
// one entry per product) or all of ImgURL, GoodsName and GoodsCount.
type Shop struct {
	WxaPath    string     `json:"wxa_path"`              // the mini program page to open, e.g. the order page
	ImgURL     string     `json:"img_url,omitempty"`     // thumbnail of the goods
	GoodsName  string     `json:"goods_name,omitempty"`  // at most 128 bytes
	GoodsCount int        `json:"goods_count,omitempty"` // at least 1 when DetailList is empty
	DetailList []ShopItem `json:"detail_list,omitempty"`
}

// ShopItem is one product in Shop.DetailList.
type ShopItem struct {
	GoodsName   string `json:"goods_name"`           // at most 128 bytes
	GoodsImgURL string `json:"goods_img_url"`        // picture of the product
	GoodsDesc   string `json:"goods_desc,omitempty"` // at most 128 bytes
}

func (s *Shop) validate() error {
	errs := []error{text("Shop.WxaPath", s.WxaPath, true, 0)}
	if len(s.DetailList) == 0 {
		errs = append(errs,
			text("Shop.ImgURL", s.ImgURL, true, 0),
			text("Shop.GoodsName", s.GoodsName, true, 128),
			invalid(s.GoodsCount < 1, "Shop.GoodsCount", "must be at least 1 (or fill Shop.DetailList)"))
	}
	for i, it := range s.DetailList {
		f := item("Shop.DetailList", i)
		errs = append(errs,
			f.text("GoodsName", it.GoodsName, true, 128),
			f.text("GoodsImgURL", it.GoodsImgURL, true, 0),
			f.text("GoodsDesc", it.GoodsDesc, false, 128))
	}
	return errors.Join(errs...)
}

// Insured is the declared value insurance (保价).
type Insured struct {
	UseInsured   int   `json:"use_insured"`   // 1 insures the parcel, 0 does not
	InsuredValue int64 `json:"insured_value"` // in fen (分): 10000 is ¥100; more than 0 when UseInsured is 1
}

// Service is a carrier's service type, as GetAllDelivery and GetAllAccount
// list them (e.g. 0 "标准快递").
type Service struct {
	ServiceType int    `json:"service_type"`
	ServiceName string `json:"service_name"`
}

// WaybillData is one key/value pair for rendering the label, e.g.
// {"SF_bagAddr", "广州"}. It is printing data, not tracking: see GetPath.
type WaybillData struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// AddOrderRequest is the body of order/add.
type AddOrderRequest struct {
	AddSource    int     `json:"add_source"`              // AddSourceMiniProgram or AddSourceAppOrH5
	WxAppID      string  `json:"wx_appid,omitempty"`      // the App's or H5's AppID: required when AddSource is 2
	OrderID      string  `json:"order_id"`                // the shop's order ID, unique, at most 512 bytes
	OpenID       string  `json:"openid,omitempty"`        // the user: required when AddSource is 0
	DeliveryID   string  `json:"delivery_id"`             // carrier, e.g. "SF" (see GetAllDelivery)
	BizID        string  `json:"biz_id"`                  // the shop's account at the carrier, or its cash account (cash_biz_id, e.g. "SF_CASH")
	CustomRemark string  `json:"custom_remark,omitempty"` // printed on the label, e.g. "易碎物品"; at most 1024 bytes
	TagID        int64   `json:"tagid,omitempty"`         // platform mini programs: the merchant the order belongs to
	Sender       Contact `json:"sender"`
	Receiver     Contact `json:"receiver"`
	Cargo        Cargo   `json:"cargo"`
	Shop         Shop    `json:"shop"`
	Insured      Insured `json:"insured"`
	Service      Service `json:"service"`
	// ExpectTime is when the courier should come, in Unix seconds (it must
	// lie in the future); 0 means a pickup time was agreed beforehand. SF
	// cash orders (BizID "SF_CASH") need it, or no courier comes.
	ExpectTime int64 `json:"expect_time"`
	// TakeMode selects how YTO settles the order: 0 with the local branch
	// (default), 1 with headquarters.
	TakeMode int `json:"take_mode,omitempty"`
}

// Validate checks what WeChat's documentation makes mandatory, and the
// rules carriers enforce in practice (a non-empty cargo detail list, a
// positive count and weight, names within WeChat's byte limits). It returns
// nil or every problem found, joined, each a *errors.ParamError naming its
// field (e.g. "Sender.Mobile").
func (r *AddOrderRequest) Validate() error {
	if r == nil {
		return nilRequest("AddOrderRequest")
	}
	return errors.Join(
		text("OrderID", r.OrderID, true, 512),
		text("DeliveryID", r.DeliveryID, true, 0),
		text("BizID", r.BizID, true, 0),
		invalid(r.AddSource != AddSourceMiniProgram && r.AddSource != AddSourceAppOrH5, "AddSource", "must be 0 (mini program) or 2 (App or H5)"),
		invalid(r.AddSource == AddSourceMiniProgram && r.OpenID == "", "OpenID", "is required when AddSource is 0"),
		invalid(r.AddSource == AddSourceAppOrH5 && r.WxAppID == "", "WxAppID", "is required when AddSource is 2"),
		text("CustomRemark", r.CustomRemark, false, 1024),
		invalid(r.TagID < 0, "TagID", "must not be negative"),
		r.Sender.validate("Sender"),
		r.Receiver.validate("Receiver"),
		r.Cargo.validate(),
		r.Shop.validate(),
		invalid(r.Insured.UseInsured != 0 && r.Insured.UseInsured != 1, "Insured.UseInsured", "must be 0 or 1"),
		invalid(r.Insured.InsuredValue < 0 || (r.Insured.UseInsured == 1 && r.Insured.InsuredValue == 0), "Insured.InsuredValue", "must be a positive amount in fen when UseInsured is 1"),
		text("Service.ServiceName", r.Service.ServiceName, true, 0),
		invalid(r.ExpectTime < 0, "ExpectTime", "must not be negative"),
		invalid(r.DeliveryID == "SF" && r.BizID == "SF_CASH" && r.ExpectTime == 0, "ExpectTime", "is required for SF cash orders (BizID SF_CASH)"),
		invalid(r.TakeMode != 0 && r.TakeMode != 1, "TakeMode", "must be 0 or 1"),
	)
}

// AddOrderResponse is WeChat's reply to order/add.
type AddOrderResponse struct {
	ErrCode            int           `json:"errcode"`
	ErrMsg             string        `json:"errmsg"`
	OrderID            string        `json:"order_id"`
	WaybillID          string        `json:"waybill_id"`
	WaybillData        []WaybillData `json:"waybill_data"` // may be empty, e.g. when the courier prints the label at pickup
	DeliveryResultCode int           `json:"delivery_resultcode"`
	DeliveryResultMsg  string        `json:"delivery_resultmsg"`
}

// AddOrder creates a waybill: POST /cgi-bin/express/business/order/add.
//
// WeChat's success reply carries no errcode: a reply is a success when it
// has errcode 0, or no errcode and both order_id and waybill_id. Keep the
// waybill ID; calling AddOrder again with identical parameters returns the
// same waybill.
//
// Notable errcodes, as an *errors.APIError returned with the decoded
// response: 9300501 the carrier refused (errors.ErrCarrier; its reason is in
// CarrierCode/CarrierMessage, e.g. a wrong BizID password), 9300503 unknown
// DeliveryID, 9300522 the OrderID was used before, 9300526 a field is too
// long, 9300534 and 9300536 a WxAppID that does not belong with this mini
// program, 9300535 incomplete Shop data.
//
// Lost answers: when an attempt may have reached WeChat without its answer
// coming back and a retry is refused with 9300522 (errors.ErrDuplicateOrder:
// "this order_id was used"), that attempt created the waybill. AddOrder
// then reads it with GetOrder and returns its order ID, waybill ID and
// waybill data, with a nil error, rather than create a second shipment or
// report a failure. Should that read fail, the error says so and wraps the
// read's error. A 9300522 on the first attempt is an error matching
// errors.ErrDuplicateOrder.
func (c *Client) AddOrder(ctx context.Context, req *AddOrderRequest) (*AddOrderResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	resp := new(AddOrderResponse)
	out, err := c.call(ctx, epAddOrder, req, resp, nil)
	switch {
	case err == nil && out.Settled:
		got, err := c.GetOrder(ctx, &GetOrderRequest{OrderID: req.OrderID, OpenID: req.OpenID, DeliveryID: req.DeliveryID})
		if err != nil {
			return nil, fmt.Errorf("logistics: order/add: the order exists (an attempt whose answer was lost created it), but reading it failed: %w", err)
		}
		return &AddOrderResponse{OrderID: got.OrderID, WaybillID: got.WaybillID, WaybillData: got.WaybillData}, nil
	case err == nil:
		return resp, nil
	case isAPIError(err):
		return resp, err
	}
	return nil, err
}

// GetOrderRequest is the body of order/get.
type GetOrderRequest struct {
	OrderID    string `json:"order_id"`
	OpenID     string `json:"openid,omitempty"` // not needed for AddSource 2 orders
	DeliveryID string `json:"delivery_id"`
	WaybillID  string `json:"waybill_id,omitempty"`
	PrintType  int    `json:"print_type,omitempty"` // 0: the two-part label (default), 1: the one-part label
}

// Validate checks that OrderID and DeliveryID are set and PrintType is 0 or 1.
func (r *GetOrderRequest) Validate() error {
	if r == nil {
		return nilRequest("GetOrderRequest")
	}
	return errors.Join(
		text("OrderID", r.OrderID, true, 512),
		text("DeliveryID", r.DeliveryID, true, 0),
		invalid(r.PrintType != 0 && r.PrintType != 1, "PrintType", "must be 0 (two-part label) or 1 (one-part label)"),
	)
}

// GetOrderResponse is WeChat's reply to order/get, and one entry of
// order/batchget's reply (which has its own errcode per order).
type GetOrderResponse struct {
	ErrCode     int           `json:"errcode"`
	ErrMsg      string        `json:"errmsg"`
	OrderID     string        `json:"order_id"`
	DeliveryID  string        `json:"delivery_id"`
	WaybillID   string        `json:"waybill_id"`
	OrderStatus int           `json:"order_status"` // OrderStatusNormal or OrderStatusCancelled
	PrintHTML   string        `json:"print_html"`   // the label as base64-encoded HTML
	WaybillData []WaybillData `json:"waybill_data"`
}

// GetOrder reads a waybill and its label: POST
// /cgi-bin/express/business/order/get.
//
// A reply is a success when it has errcode 0, or no errcode and both
// order_id and waybill_id. OrderStatus tells whether the waybill was
// cancelled. Notable errcodes: 930563 no such order (errors.ErrOrderNotFound),
// 9300503 unknown DeliveryID, 9300528 and 40199 no such waybill.
func (c *Client) GetOrder(ctx context.Context, req *GetOrderRequest) (*GetOrderResponse, error) {
	return send[GetOrderResponse](ctx, c, epGetOrder, req)
}

// OrderRef names one waybill in BatchGetOrderRequest.
type OrderRef struct {
	OrderID    string `json:"order_id"`
	DeliveryID string `json:"delivery_id"`
	WaybillID  string `json:"waybill_id"`
}

// MaxBatchGetOrder is how many orders one BatchGetOrder call may ask for.
const MaxBatchGetOrder = 100

// BatchGetOrderRequest is the body of order/batchget.
type BatchGetOrderRequest struct {
	OrderList []OrderRef `json:"order_list"` // 1 to MaxBatchGetOrder entries
}

// Validate checks the list's length and that every entry is complete.
func (r *BatchGetOrderRequest) Validate() error {
	if r == nil {
		return nilRequest("BatchGetOrderRequest")
	}
	n := len(r.OrderList)
	errs := []error{invalid(n == 0 || n > MaxBatchGetOrder, "OrderList", "must have 1 to "+strconv.Itoa(MaxBatchGetOrder)+" entries, has "+strconv.Itoa(n))}
	for i, o := range r.OrderList {
		f := item("OrderList", i)
		errs = append(errs, f.text("OrderID", o.OrderID, true, 512), f.text("DeliveryID", o.DeliveryID, true, 0), f.text("WaybillID", o.WaybillID, true, 0))
	}
	return errors.Join(errs...)
}

// BatchGetOrderResponse is WeChat's reply to order/batchget. Each entry
// carries its own ErrCode: a batch can succeed while some orders fail.
type BatchGetOrderResponse struct {
	ErrCode   int                `json:"errcode"`
	ErrMsg    string             `json:"errmsg"`
	OrderList []GetOrderResponse `json:"order_list"`
}

// BatchGetOrder reads up to 100 waybills at once: POST
// /cgi-bin/express/business/order/batchget.
//
// A reply is a success when it has errcode 0, or no errcode and an
// order_list; check each entry's ErrCode. OpenID and PrintType are not
// available here (use GetOrder).
func (c *Client) BatchGetOrder(ctx context.Context, req *BatchGetOrderRequest) (*BatchGetOrderResponse, error) {
	return send[BatchGetOrderResponse](ctx, c, epBatchGetOrder, req)
}
