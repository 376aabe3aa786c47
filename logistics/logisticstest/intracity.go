package logisticstest

import (
	"github.com/waybill-go/waybill/logistics"
)

// Paths of WeChat's 同城配送 API that the fake serves. Both require API
// security: requests must be sealed with the keys of Server.APISecurity,
// and replies come back sealed and signed with the fake platform's key.
const (
	PathIntracityCancelOrder = "/cgi-bin/express/intracity/cancelorder"
	PathIntracityQueryOrder  = "/cgi-bin/express/intracity/queryorder"
)

// IntracityPenalty is the deductfee, in fen, the fake charges for
// cancelling a 同城配送 order once a courier has accepted it (WeChat's
// delivery companies charge ¥2).
const IntracityPenalty = 200

// IntracityOrder is a 同城配送 order in the fake's order book.
type IntracityOrder struct {
	WxOrderID    string // WeChat's order number; required
	WxStoreID    string // the store; with StoreOrderID, another way to name the order
	StoreOrderID string
	// Status is one of the logistics.IntracityOrder constants; 0 means
	// logistics.IntracityOrderCreated. Cancelling works until the order is
	// delivered (934017 then) and answers 934018 once it is cancelled.
	Status         int
	ServiceTransID string // the delivery company; "" means "SFTC"
	ActualFee      int64  // the delivery fee, fen
	// DeductFee is what cancelling deducted: 0 while no courier had
	// accepted the order, IntracityPenalty after. The fake sets it.
	DeductFee  int64
	CancelTime int64 // Unix seconds; the fake sets it
}

// intracityBook is the fake's 同城配送 orders by wx_order_id; s.mu guards it.
type intracityBook struct {
	orders map[string]*IntracityOrder
}

// AddIntracityOrder puts a 同城配送 order into the order book, replacing
// one with the same WxOrderID.
func (s *Server) AddIntracityOrder(o IntracityOrder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Status == 0 {
		o.Status = logistics.IntracityOrderCreated
	}
	if o.ServiceTransID == "" {
		o.ServiceTransID = "SFTC"
	}
	if s.intracity.orders == nil {
		s.intracity.orders = map[string]*IntracityOrder{}
	}
	s.intracity.orders[o.WxOrderID] = &o
}

// IntracityOrder returns a 同城配送 order as the book holds it now.
func (s *Server) IntracityOrder(wxOrderID string) (IntracityOrder, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.intracity.orders[wxOrderID]
	if !ok {
		return IntracityOrder{}, false
	}
	return *o, true
}

// SetIntracityOrderStatus moves a 同城配送 order to status, e.g.
// logistics.IntracityOrderAccepted once a courier took it. It reports
// whether the order exists.
func (s *Server) SetIntracityOrderStatus(wxOrderID string, status int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.intracity.orders[wxOrderID]
	if ok {
		o.Status = status
	}
	return ok
}

// findIntracity looks an order up the way WeChat names it; s.mu must be
// held.
func (s *Server) findIntracity(wxStoreID, storeOrderID, wxOrderID string) (*IntracityOrder, *wxErr) {
	if wxOrderID != "" {
		if o, ok := s.intracity.orders[wxOrderID]; ok {
			return o, nil
		}
		return nil, &wxErr{934016, "order not exist"}
	}
	for _, o := range s.intracity.orders {
		if o.WxStoreID == wxStoreID && o.StoreOrderID == storeOrderID {
			return o, nil
		}
	}
	return nil, &wxErr{934016, "order not exist"}
}

// courierHasIt reports whether a courier has accepted an order in status.
func courierHasIt(status int) bool {
	switch status {
	case logistics.IntracityOrderAccepted, logistics.IntracityOrderCourierAtStore,
		logistics.IntracityOrderDelivering, logistics.IntracityOrderAbnormal:
		return true
	}
	return false
}

func (s *Server) intracityCancel(req *logistics.IntracityCancelRequest) any {
	if req.Validate() != nil {
		return wxErr{934001, "invalid param"}
	}
	o, e := s.findIntracity(req.WxStoreID, req.StoreOrderID, req.WxOrderID)
	switch {
	case e != nil:
		return *e
	case logistics.IntracityCancelled(o.Status):
		return wxErr{934018, "order already cancelled"}
	case o.Status == logistics.IntracityOrderDelivered:
		return wxErr{934017, "order status can not cancel"}
	}
	if courierHasIt(o.Status) {
		o.DeductFee = IntracityPenalty
	}
	o.Status = logistics.IntracityOrderCancelledByShop
	o.CancelTime = s.now().Unix()
	return logistics.IntracityCancelResponse{ErrMsg: "ok", WxStoreID: o.WxStoreID, WxOrderID: o.WxOrderID, StoreOrderID: o.StoreOrderID,
		OrderStatus: o.Status, AppID: s.sec.keys.AppID(), DeductFee: o.DeductFee}
}

func (s *Server) intracityQuery(req *logistics.IntracityQueryRequest) any {
	if req.Validate() != nil {
		return wxErr{934001, "invalid param"}
	}
	o, e := s.findIntracity(req.WxStoreID, req.StoreOrderID, req.WxOrderID)
	if e != nil {
		return *e
	}
	return logistics.IntracityQueryResponse{ErrMsg: "ok", WxOrderID: o.WxOrderID, StoreOrderID: o.StoreOrderID, WxStoreID: o.WxStoreID,
		OrderStatus: o.Status, AppID: s.sec.keys.AppID(), ServiceTransID: o.ServiceTransID, ActualFee: o.ActualFee,
		DeductFee: o.DeductFee, CancelTime: o.CancelTime}
}
