package logisticstest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/waybill-go/waybill/internal/fake"
	"github.com/waybill-go/waybill/logistics"
)

// Paths of the rest of the 物流助手 API that the fake serves, shop side
// (/cgi-bin/express/business/…) and carrier side (/cgi-bin/express/delivery/…).
const (
	PathAddOrder        = "/cgi-bin/express/business/order/add"
	PathGetOrder        = "/cgi-bin/express/business/order/get"
	PathBatchGetOrder   = "/cgi-bin/express/business/order/batchget"
	PathGetPath         = "/cgi-bin/express/business/path/get"
	PathGetAllDelivery  = "/cgi-bin/express/business/delivery/getall"
	PathGetAllAccount   = "/cgi-bin/express/business/account/getall"
	PathBindAccount     = "/cgi-bin/express/business/account/bind"
	PathGetQuota        = "/cgi-bin/express/business/quota/get"
	PathUpdatePrinter   = "/cgi-bin/express/business/printer/update"
	PathGetAllPrinter   = "/cgi-bin/express/business/printer/getall"
	PathTestUpdateOrder = "/cgi-bin/express/business/test_update_order"
	PathUpdatePath      = "/cgi-bin/express/delivery/path/update"
	PathGetContact      = "/cgi-bin/express/delivery/contact/get"
	PathPreviewTemplate = "/cgi-bin/express/delivery/template/preview"
	PathUpdateBusiness  = "/cgi-bin/express/delivery/service/business/update"
)

// DefaultQuota is the label quota of an account bound through BindAccount,
// until SetQuota changes it.
const DefaultQuota = 500

// shopBook is what the fake keeps beside Server.orders: what each order was
// created with, its waybill data and path, and the accounts, printers and
// quotas of the app. Its zero value is ready; s.mu guards it.
type shopBook struct {
	details  map[string]*orderDetail // by order ID
	accounts []logistics.Account
	printers map[string]string // openid → tagid_list
	quota    map[string]int64  // delivery_id + "/" + biz_id → labels left
	serial   int
}

type orderDetail struct {
	req   logistics.AddOrderRequest // zero for orders seeded with Server.AddOrder
	data  []logistics.WaybillData
	path  []logistics.PathItem
	token string // what add_waybill would have given the carrier
}

// wxErr is a refusal a handler answers with.
type wxErr struct {
	code int
	msg  string
}

var statusOK = map[string]any{"errcode": 0, "errmsg": "ok"}

func (s *Server) addShopRoutes(mux *http.ServeMux) {
	mux.HandleFunc(PathAddOrder, route(s, http.MethodPost, s.addOrder))
	mux.HandleFunc(PathGetOrder, route(s, http.MethodPost, s.getOrder))
	mux.HandleFunc(PathBatchGetOrder, route(s, http.MethodPost, s.batchGetOrder))
	mux.HandleFunc(PathGetPath, route(s, http.MethodPost, s.getPath))
	mux.HandleFunc(PathGetAllDelivery, route(s, http.MethodGet, s.getAllDelivery))
	mux.HandleFunc(PathGetAllAccount, route(s, http.MethodGet, s.getAllAccount))
	mux.HandleFunc(PathBindAccount, route(s, http.MethodPost, s.bindAccount))
	mux.HandleFunc(PathGetQuota, route(s, http.MethodPost, s.getQuota))
	mux.HandleFunc(PathUpdatePrinter, route(s, http.MethodPost, s.updatePrinter))
	mux.HandleFunc(PathGetAllPrinter, route(s, http.MethodGet, s.getAllPrinter))
	mux.HandleFunc(PathTestUpdateOrder, route(s, http.MethodPost, s.testUpdateOrder))
	mux.HandleFunc(PathUpdatePath, route(s, http.MethodPost, s.updatePath))
	mux.HandleFunc(PathGetContact, route(s, http.MethodPost, s.getContact))
	mux.HandleFunc(PathPreviewTemplate, route(s, http.MethodPost, s.previewTemplate))
	mux.HandleFunc(PathUpdateBusiness, route(s, http.MethodPost, s.updateBusiness))
}

// route checks the method and the access token, decodes a POST body into a
// new Req and runs h with s.mu held. h answers a reply to encode, or a
// wxErr.
func route[Req any](s *Server, method string, h func(*Req) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			code := map[string]int{http.MethodGet: 43001, http.MethodPost: 43002}[method]
			s.errReply(w, code, "require "+method+" method")
			return
		}
		if !s.checkToken(w, r) {
			return
		}
		req := new(Req)
		if method == http.MethodPost {
			if err := json.NewDecoder(r.Body).Decode(req); err != nil {
				s.errReply(w, 47001, "data format error")
				return
			}
		}
		s.mu.Lock()
		reply := h(req)
		s.mu.Unlock()
		s.flushPathPushes(r.Context())
		if e, ok := reply.(wxErr); ok {
			s.errReply(w, e.code, e.msg)
			return
		}
		fake.WriteJSON(w, reply)
	}
}

// OrderToken returns the Token a carrier would have received with the
// order's add_waybill event, which UpdatePath and GetContact require.
func (s *Server) OrderToken(orderID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if !ok {
		return "", false
	}
	return s.detail(o).token, true
}

// Path returns the order's path events, oldest first.
func (s *Server) Path(orderID string) []logistics.PathItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if !ok {
		return nil
	}
	return slices.Clone(s.detail(o).path)
}

// SetQuota sets the labels left on an account, as quota/get reports them.
func (s *Server) SetQuota(deliveryID, bizID string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shop.quota == nil {
		s.shop.quota = map[string]int64{}
	}
	s.shop.quota[deliveryID+"/"+bizID] = n
}

// detail returns o's details, creating them for a seeded order; s.mu must
// be held.
func (s *Server) detail(o *Order) *orderDetail {
	if s.shop.details == nil {
		s.shop.details = map[string]*orderDetail{}
	}
	d, ok := s.shop.details[o.OrderID]
	if !ok {
		s.shop.serial++
		d = &orderDetail{
			token: fmt.Sprintf("fake-order-token-%06d", s.shop.serial),
			data:  []logistics.WaybillData{{Key: o.DeliveryID + "_mark", Value: fmt.Sprintf("%03d-%02d", s.shop.serial%1000, s.shop.serial%100)}},
		}
		s.shop.details[o.OrderID] = d
	}
	return d
}

// byWaybill finds the order with a waybill ID; s.mu must be held.
func (s *Server) byWaybill(waybillID string) (*Order, bool) {
	for _, o := range s.orders {
		if o.WaybillID == waybillID {
			return o, true
		}
	}
	return nil, false
}

// addPathEvent records a path event. An open order then has a trace, so
// order/cancel answers 9300506 from now on. s.mu must be held.
func (s *Server) addPathEvent(o *Order, it logistics.PathItem) {
	d := s.detail(o)
	d.path = append(d.path, it)
	if o.State == OrderOpen {
		o.State = OrderHasTrace
	}
	s.queuePathPush(o, d)
}

func (s *Server) addOrder(req *logistics.AddOrderRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	if !s.carriers[req.DeliveryID] && req.DeliveryID != logistics.TestDeliveryID {
		return wxErr{9300503, "delivery_id not exist"}
	}
	o, ok := s.orders[req.OrderID]
	switch {
	case ok && o.DeliveryID != req.DeliveryID:
		return wxErr{9300522, "this orderid is repeated"}
	case !ok:
		s.shop.serial++
		o = &Order{OrderID: req.OrderID, DeliveryID: req.DeliveryID, WaybillID: fmt.Sprintf("%s%012d", req.DeliveryID, s.shop.serial)}
		s.orders[o.OrderID] = o
		s.carriers[o.DeliveryID] = true
		d := s.detail(o)
		d.req = *req
		d.data = append(d.data, logistics.WaybillData{Key: o.DeliveryID + "_bagAddr", Value: req.Receiver.City})
	}
	// The same order again returns the same waybill, as WeChat does.
	return map[string]any{"order_id": o.OrderID, "waybill_id": o.WaybillID, "waybill_data": s.detail(o).data}
}

// orderReply is an order as order/get and order/batchget show it; s.mu
// must be held.
func (s *Server) orderReply(o *Order) logistics.GetOrderResponse {
	status := logistics.OrderStatusNormal
	if o.State == OrderCancelled {
		status = logistics.OrderStatusCancelled
	}
	html := "<html><body>" + o.DeliveryID + " " + o.WaybillID + "</body></html>"
	return logistics.GetOrderResponse{OrderID: o.OrderID, DeliveryID: o.DeliveryID, WaybillID: o.WaybillID,
		OrderStatus: status, PrintHTML: base64.StdEncoding.EncodeToString([]byte(html)), WaybillData: s.detail(o).data}
}

// findOrder looks an order up the way order/get does; s.mu must be held.
func (s *Server) findOrder(orderID, deliveryID, waybillID string) (*Order, *wxErr) {
	o, ok := s.orders[orderID]
	switch {
	case !s.carriers[deliveryID]:
		return nil, &wxErr{9300503, "delivery_id not exist"}
	case !ok || o.DeliveryID != deliveryID:
		return nil, &wxErr{930563, "order not exists"}
	case waybillID != "" && waybillID != o.WaybillID:
		return nil, &wxErr{9300528, "invalid waybill_id"}
	}
	return o, nil
}

func (s *Server) getOrder(req *logistics.GetOrderRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	o, e := s.findOrder(req.OrderID, req.DeliveryID, req.WaybillID)
	if e != nil {
		return *e
	}
	r := s.orderReply(o)
	// WeChat's documented success sample has no errcode; neither has this.
	return map[string]any{"order_id": r.OrderID, "delivery_id": r.DeliveryID, "waybill_id": r.WaybillID,
		"order_status": r.OrderStatus, "print_html": r.PrintHTML, "waybill_data": r.WaybillData}
}

func (s *Server) batchGetOrder(req *logistics.BatchGetOrderRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	list := make([]logistics.GetOrderResponse, 0, len(req.OrderList))
	for _, ref := range req.OrderList {
		o, e := s.findOrder(ref.OrderID, ref.DeliveryID, ref.WaybillID)
		if e != nil {
			list = append(list, logistics.GetOrderResponse{ErrCode: e.code, ErrMsg: e.msg, OrderID: ref.OrderID, DeliveryID: ref.DeliveryID, WaybillID: ref.WaybillID})
			continue
		}
		r := s.orderReply(o)
		r.ErrMsg = "ok"
		list = append(list, r)
	}
	return map[string]any{"order_list": list}
}

func (s *Server) getPath(req *logistics.GetPathRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	o, ok := s.byWaybill(req.WaybillID)
	if !ok || o.DeliveryID != req.DeliveryID {
		return wxErr{40199, "waybill_id not exist"}
	}
	d := s.detail(o)
	path := append([]logistics.PathItem{}, d.path...)
	return map[string]any{"openid": d.req.OpenID, "delivery_id": o.DeliveryID, "waybill_id": o.WaybillID,
		"path_item_num": len(path), "path_item_list": path}
}

func (s *Server) testUpdateOrder(req *logistics.TestUpdateOrderRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	o, ok := s.orders[req.OrderID]
	switch {
	case !ok || o.DeliveryID != req.DeliveryID:
		return wxErr{930563, "order not exists"}
	case o.WaybillID != req.WaybillID:
		return wxErr{40199, "waybill_id not exist"}
	}
	s.addPathEvent(o, logistics.PathItem{ActionTime: req.ActionTime, ActionType: req.ActionType, ActionMsg: req.ActionMsg})
	return statusOK
}

// carrierOrder finds the waybill a carrier call names and checks its order
// token; s.mu must be held.
func (s *Server) carrierOrder(token, waybillID string) (*Order, *wxErr) {
	o, ok := s.byWaybill(waybillID)
	switch {
	case !ok:
		return nil, &wxErr{40199, "waybill_id not exist"}
	case s.detail(o).token != token:
		return nil, &wxErr{9300507, "invalid token"}
	}
	return o, nil
}

func (s *Server) updatePath(req *logistics.UpdatePathRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	o, e := s.carrierOrder(req.Token, req.WaybillID)
	if e != nil {
		return *e
	}
	s.addPathEvent(o, logistics.PathItem{ActionTime: req.ActionTime, ActionType: req.ActionType, ActionMsg: req.ActionMsg})
	return statusOK
}

func labelContact(c logistics.Contact) logistics.LabelContact {
	return logistics.LabelContact{Name: c.Name, Tel: c.Tel, Mobile: c.Mobile, Address: c.Province + c.City + c.Area + c.Address}
}

func (s *Server) getContact(req *logistics.GetContactRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	o, e := s.carrierOrder(req.Token, req.WaybillID)
	if e != nil {
		return *e
	}
	d := s.detail(o)
	return map[string]any{"waybill_id": o.WaybillID, "sender": labelContact(d.req.Sender), "receiver": labelContact(d.req.Receiver)}
}

func (s *Server) previewTemplate(req *logistics.PreviewTemplateRequest) any {
	if req.WaybillID == "" || req.WaybillTemplate == "" || req.Custom == nil {
		return wxErr{930561, "argument invalid"}
	}
	if req.WaybillData == "" {
		return wxErr{9300502, "invalid waybill_data"}
	}
	html, err := base64.StdEncoding.DecodeString(req.WaybillTemplate)
	if err != nil {
		return wxErr{9300512, "template format error"}
	}
	out := strings.ReplaceAll(string(html), "{{waybill_id}}", req.WaybillID)
	return map[string]any{"waybill_id": req.WaybillID, "rendered_waybill_template": base64.StdEncoding.EncodeToString([]byte(out))}
}

func (s *Server) updateBusiness(req *logistics.UpdateBusinessRequest) any {
	switch {
	case req.ShopAppID == "":
		return wxErr{40013, "invalid appid"}
	case req.Validate() != nil:
		return wxErr{930561, "argument invalid"}
	}
	return statusOK
}

func (s *Server) getAllDelivery(*struct{}) any {
	ids := make([]string, 0, len(s.carriers))
	for id := range s.carriers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	data := make([]logistics.DeliveryCompany, 0, len(ids))
	for _, id := range ids {
		data = append(data, logistics.DeliveryCompany{DeliveryID: id, DeliveryName: id, CanGetQuota: 1,
			ServiceType: []logistics.Service{{ServiceType: 0, ServiceName: "标准快递"}}})
	}
	return map[string]any{"count": len(data), "data": data}
}

func (s *Server) getAllAccount(*struct{}) any {
	list := slices.Clone(s.shop.accounts)
	for i := range list {
		list[i].QuotaNum = s.quotaOf(list[i].DeliveryID, list[i].BizID)
	}
	if list == nil {
		list = []logistics.Account{}
	}
	return map[string]any{"count": len(list), "list": list}
}

func (s *Server) quotaOf(deliveryID, bizID string) int64 {
	if n, ok := s.shop.quota[deliveryID+"/"+bizID]; ok {
		return n
	}
	return DefaultQuota
}

func (s *Server) account(deliveryID, bizID string) int {
	return slices.IndexFunc(s.shop.accounts, func(a logistics.Account) bool { return a.DeliveryID == deliveryID && a.BizID == bizID })
}

func (s *Server) bindAccount(req *logistics.BindAccountRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	i := s.account(req.DeliveryID, req.BizID)
	switch {
	case req.Type == logistics.Bind && i >= 0:
		return wxErr{9300529, "account already bound"}
	case req.Type == logistics.Bind:
		now := s.now().Unix()
		s.carriers[req.DeliveryID] = true
		s.shop.accounts = append(s.shop.accounts, logistics.Account{BizID: req.BizID, DeliveryID: req.DeliveryID,
			CreateTime: now, UpdateTime: now, StatusCode: logistics.AccountBound, RemarkContent: req.RemarkContent,
			ServiceType: []logistics.Service{{ServiceType: 0, ServiceName: "标准快递"}}})
	case i < 0:
		return wxErr{9300530, "biz_id not exist"}
	default:
		s.shop.accounts = slices.Delete(s.shop.accounts, i, i+1)
	}
	return statusOK
}

func (s *Server) getQuota(req *logistics.GetQuotaRequest) any {
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	if s.account(req.DeliveryID, req.BizID) < 0 {
		return wxErr{9300525, "bizid not bind"}
	}
	return map[string]any{"quota_num": s.quotaOf(req.DeliveryID, req.BizID)}
}

func (s *Server) updatePrinter(req *logistics.UpdatePrinterRequest) any {
	if req.UpdateType != logistics.Bind && req.UpdateType != logistics.Unbind {
		return wxErr{9300517, "invalid update_type"}
	}
	if req.Validate() != nil {
		return wxErr{930561, "argument invalid"}
	}
	if s.shop.printers == nil {
		s.shop.printers = map[string]string{}
	}
	if req.UpdateType == logistics.Bind {
		s.shop.printers[req.OpenID] = req.TagIDList
	} else {
		delete(s.shop.printers, req.OpenID)
	}
	return statusOK
}

func (s *Server) getAllPrinter(*struct{}) any {
	ids := make([]string, 0, len(s.shop.printers))
	tags := []string{}
	for id, list := range s.shop.printers {
		ids = append(ids, id)
		for _, t := range strings.Split(list, ",") {
			if t != "" && !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	slices.Sort(ids)
	slices.Sort(tags)
	return map[string]any{"count": len(ids), "openid": ids, "tagid_list": tags}
}
