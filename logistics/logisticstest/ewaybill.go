package logisticstest

import (
	"fmt"

	"github.com/waybill-go/waybill/logistics"
)

// PathEWaybillCancelOrder is the 微信小店 电子面单 cancellation the fake
// serves (no API security, like WeChat).
const PathEWaybillCancelOrder = "/channels/ec/logistics/ewaybill/biz/order/cancel"

// EWaybillState is where an electronic waybill stands in the fake's book.
type EWaybillState int

// Electronic waybill states and what a cancellation answers for them.
const (
	EWaybillIssued         EWaybillState = iota // cancellable: errcode 0, then EWaybillCancelled
	EWaybillCancelled                           // errcode 10025006 ("already cancelled" in delivery_error_msg)
	EWaybillCarrierRefuses                      // errcode 10025006 with the waybill's CarrierMessage
)

// String names the state in plain words.
func (s EWaybillState) String() string {
	switch s {
	case EWaybillIssued:
		return "issued"
	case EWaybillCancelled:
		return "cancelled"
	case EWaybillCarrierRefuses:
		return "carrier refuses"
	}
	return fmt.Sprintf("EWaybillState(%d)", int(s))
}

// EWaybill is an electronic waybill a 微信小店 issued (取号).
type EWaybill struct {
	EWaybillOrderID string // a Uint64 written as a string
	DeliveryID      string
	WaybillID       string
	State           EWaybillState
	CarrierMessage  string // delivery_error_msg when State is EWaybillCarrierRefuses
}

// ewaybillBook is the fake's electronic waybills by ewaybill_order_id;
// s.mu guards it.
type ewaybillBook struct {
	waybills map[string]*EWaybill
}

// AddEWaybill puts an electronic waybill into the book, replacing one with
// the same EWaybillOrderID.
func (s *Server) AddEWaybill(e EWaybill) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ewaybills.waybills == nil {
		s.ewaybills.waybills = map[string]*EWaybill{}
	}
	s.ewaybills.waybills[e.EWaybillOrderID] = &e
}

// EWaybill returns an electronic waybill as the book holds it now.
func (s *Server) EWaybill(ewaybillOrderID string) (EWaybill, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.ewaybills.waybills[ewaybillOrderID]
	if !ok {
		return EWaybill{}, false
	}
	return *e, true
}

func (s *Server) ewaybillCancel(req *logistics.EWaybillCancelRequest) any {
	if err := req.Validate(); err != nil {
		if req.EWaybillOrderID != "" && req.DeliveryID != "" && req.WaybillID != "" {
			return wxErr{10025020, "EWaybill Order ID must be a Uint64 written as a string"}
		}
		return wxErr{47001, "data format error"}
	}
	e, ok := s.ewaybills.waybills[req.EWaybillOrderID]
	switch {
	case !ok || e.WaybillID != req.WaybillID:
		return wxErr{10025010, "ewaybill order not exist"}
	case e.DeliveryID != req.DeliveryID:
		return wxErr{10025012, "invalid delivery_id"}
	case e.State == EWaybillCancelled:
		return s.ewaybillRefusal("the waybill is already cancelled")
	case e.State == EWaybillCarrierRefuses:
		return s.ewaybillRefusal(e.CarrierMessage)
	}
	e.State = EWaybillCancelled
	return statusOK
}

// ewaybillRefusal is errcode 10025006 with the carrier's reason; s.mu must
// be held.
func (s *Server) ewaybillRefusal(carrierMsg string) map[string]any {
	return map[string]any{"errcode": 10025006, "errmsg": s.ridLocked("cancel order failed, see delivery_error_msg"), "delivery_error_msg": carrierMsg}
}
