package logistics

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// The Event names of the pushes EventHandler types. WeChat compares them
// without regard to case, and so does the handler.
const (
	EventCancelWaybill = "cancel_waybill"   // carrier side: a shop cancels a waybill
	EventAddWaybill    = "add_waybill"      // carrier side: a shop orders a waybill
	EventCheckBiz      = "check_biz"        // carrier side: WeChat checks a shop's account at the carrier
	EventGetQuota      = "get_quota"        // carrier side: WeChat asks for a shop's balance at the carrier
	EventExpressPath   = "add_express_path" // shop side: a waybill's tracking changed
)

// Every event type below is decoded from XML (the tags) and from JSON
// (the same names; CreateTime may be a number or a string holding one).
//
// The fields that are secrets (BizPwd, and AddWaybillEvent.Token) reach the
// callbacks as they came, but String, GoString, Format (every verb),
// LogValue and MarshalJSON show "REDACTED" in their place, so neither fmt
// nor a slog handler (text or JSON, the event on its own or inside a
// slice, map or struct) prints them. encoding/xml does encode them:
// logisticstest uses it, and MarshalJSON's redaction, to put events on
// the wire as WeChat would.

// CancelWaybillEvent is what WeChat pushes to a carrier when a shop cancels a
// waybill (cancel_waybill).
type CancelWaybillEvent struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`     // the carrier mini program's user name (gh_…)
	FromUserName string `xml:"FromUserName" json:"FromUserName"` // the ordering user's OpenID
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`     // event time, Unix seconds
	MsgType      string `xml:"MsgType" json:"MsgType"`           // "event"
	Event        string `xml:"Event" json:"Event"`               // "cancel_waybill"
	OrderID      string `xml:"OrderID" json:"OrderID"`           // the shop's order ID
	BizID        string `xml:"BizID" json:"BizID"`               // the shop's account ID at the carrier
	BizPwd       string `xml:"BizPwd" json:"BizPwd"`             // the shop's password at the carrier; never printed
	ShopAppID    string `xml:"ShopAppID" json:"ShopAppID"`       // the shop mini program's AppID
	WayBillID    string `xml:"WayBillID" json:"WayBillID"`       // the waybill to cancel
}

// AddWaybillEvent is what WeChat pushes to a carrier when a shop orders a
// waybill (add_waybill). The carrier answers with the waybill (see
// AddWaybillResult); the same OrderID must always get the same waybill.
type AddWaybillEvent struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"` // WeChat's own OpenID, a fixed value
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"` // "add_waybill"
	// Token identifies the order to WeChat: keep it, path/update needs
	// it. It is treated as a secret: never printed.
	Token     string `xml:"Token" json:"Token"`
	OrderID   string `xml:"OrderID" json:"OrderID"`
	BizID     string `xml:"BizID" json:"BizID"`
	BizPwd    string `xml:"BizPwd" json:"BizPwd"` // never printed
	ShopAppID string `xml:"ShopAppID" json:"ShopAppID"`
	// WayBillID is a waybill number from WeChat's own range, or "0" when
	// the carrier is to make one.
	WayBillID string            `xml:"WayBillID" json:"WayBillID"`
	Remark    string            `xml:"Remark" json:"Remark"` // printed on the label, e.g. "易碎物品"
	Sender    AddWaybillContact `xml:"Sender" json:"Sender"`
	Receiver  AddWaybillContact `xml:"Receiver" json:"Receiver"`
	Cargo     AddWaybillCargo   `xml:"Cargo" json:"Cargo"`
	Insured   AddWaybillInsured `xml:"Insured" json:"Insured"`
	Service   AddWaybillService `xml:"Service" json:"Service"`
}

// AddWaybillContact is the sender or the receiver of an add_waybill.
type AddWaybillContact struct {
	Name     string `xml:"Name" json:"Name"`
	Tel      string `xml:"Tel" json:"Tel"`       // landline
	Mobile   string `xml:"Mobile" json:"Mobile"` // mobile phone
	Company  string `xml:"Company" json:"Company"`
	PostCode string `xml:"PostCode" json:"PostCode"`
	Country  string `xml:"Country" json:"Country"`
	Province string `xml:"Province" json:"Province"`
	City     string `xml:"City" json:"City"`
	Area     string `xml:"Area" json:"Area"` // district
	Address  string `xml:"Address" json:"Address"`
}

// AddWaybillCargo describes the parcels of an add_waybill.
type AddWaybillCargo struct {
	Weight     float64               `xml:"Weight" json:"Weight"`   // kilograms
	SpaceX     float64               `xml:"Space_X" json:"Space_X"` // length, centimetres
	SpaceY     float64               `xml:"Space_Y" json:"Space_Y"` // width, centimetres
	SpaceZ     float64               `xml:"Space_Z" json:"Space_Z"` // height, centimetres
	Count      int64                 `xml:"Count" json:"Count"`     // number of parcels
	DetailList []AddWaybillCargoItem `xml:"DetailList" json:"DetailList"`
}

// AddWaybillCargoItem is one kind of goods in the cargo.
type AddWaybillCargoItem struct {
	Name  string `xml:"Name" json:"Name"`
	Count int64  `xml:"Count" json:"Count"`
}

// AddWaybillInsured is the insurance asked for.
type AddWaybillInsured struct {
	UseInsured   int   `xml:"UseInsured" json:"UseInsured"`     // 1: insured
	InsuredValue int64 `xml:"InsuredValue" json:"InsuredValue"` // in fen (分)
}

// AddWaybillService is the carrier's service chosen.
type AddWaybillService struct {
	ServiceType int    `xml:"ServiceType" json:"ServiceType"`
	ServiceName string `xml:"ServiceName" json:"ServiceName"`
}

// AddWaybillResult is a carrier's waybill for an add_waybill.
type AddWaybillResult struct {
	// WayBillID is the waybill number: the event's own, or one the
	// carrier made when the event's was "0".
	WayBillID string
	// WaybillData is what the label needs printed (sorting codes and the
	// like), in the carrier's "##key##value##" form.
	WaybillData string
}

// CheckBizEvent is what WeChat pushes to a carrier to check a shop's account
// (check_biz) before the shop may use it.
type CheckBizEvent struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"` // "check_biz"
	BizID        string `xml:"BizID" json:"BizID"`
	BizPwd       string `xml:"BizPwd" json:"BizPwd"` // never printed
	ShopAppID    string `xml:"ShopAppID" json:"ShopAppID"`
	// The rest is sent to EMS only.
	ShopName       string `xml:"ShopName" json:"ShopName"`
	ShopTelphone   string `xml:"ShopTelphone" json:"ShopTelphone"` // WeChat's spelling
	ShopContact    string `xml:"ShopContact" json:"ShopContact"`
	ServiceName    string `xml:"ServiceName" json:"ServiceName"`
	SenderAddress  string `xml:"SenderAddress" json:"SenderAddress"`
	SenderProvince string `xml:"SenderProvince" json:"SenderProvince"`
	SenderCity     string `xml:"SenderCity" json:"SenderCity"`
	SenderArea     string `xml:"SenderArea" json:"SenderArea"`
}

// GetQuotaEvent is what WeChat pushes to a carrier to ask for a shop's
// balance (get_quota).
type GetQuotaEvent struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"` // "get_quota"
	BizID        string `xml:"BizID" json:"BizID"`
	BizPwd       string `xml:"BizPwd" json:"BizPwd"` // never printed
	ShopAppID    string `xml:"ShopAppID" json:"ShopAppID"`
}

// ExpressPathEvent is what WeChat pushes to a shop when a waybill's tracking
// changes (add_express_path). It holds no secret.
type ExpressPathEvent struct {
	ToUserName   string              `xml:"ToUserName" json:"ToUserName"`     // the shop mini program
	FromUserName string              `xml:"FromUserName" json:"FromUserName"` // the sender's OpenID
	CreateTime   int64               `xml:"CreateTime" json:"CreateTime"`
	MsgType      string              `xml:"MsgType" json:"MsgType"`
	Event        string              `xml:"Event" json:"Event"` // "add_express_path"
	DeliveryID   string              `xml:"DeliveryID" json:"DeliveryID"`
	WayBillID    string              `xml:"WayBillId" json:"WayBillId"` // WeChat spells it WayBillId here
	OrderID      string              `xml:"OrderId" json:"OrderId"`     // and OrderId
	Version      int64               `xml:"Version" json:"Version"`     // grows with every update of the track
	Count        int64               `xml:"Count" json:"Count"`         // number of Actions
	Actions      []ExpressPathAction `xml:"Actions" json:"Actions"`
}

// ExpressPathAction is one step of a waybill's track.
type ExpressPathAction struct {
	ActionTime int64  `xml:"ActionTime" json:"ActionTime"` // Unix seconds
	ActionType int    `xml:"ActionType" json:"ActionType"` // e.g. 100001 picked up, 300003 delivered
	ActionMsg  string `xml:"ActionMsg" json:"ActionMsg"`
}

// The views are the events without methods, secrets redacted: what every
// way of printing an event prints.
type (
	cancelWaybillView CancelWaybillEvent
	addWaybillView    AddWaybillEvent
	checkBizView      CheckBizEvent
	getQuotaView      GetQuotaEvent
	expressPathView   ExpressPathEvent
)

const redactedText = "REDACTED"

// redact is what a secret prints as: nothing if it is empty, so that an
// empty field stays visibly empty.
func redact(s string) string {
	if s == "" {
		return ""
	}
	return redactedText
}

func (e CancelWaybillEvent) view() cancelWaybillView {
	e.BizPwd = redact(e.BizPwd)
	return cancelWaybillView(e)
}

func (e AddWaybillEvent) view() addWaybillView {
	e.BizPwd, e.Token = redact(e.BizPwd), redact(e.Token)
	return addWaybillView(e)
}

func (e CheckBizEvent) view() checkBizView {
	e.BizPwd = redact(e.BizPwd)
	return checkBizView(e)
}

func (e GetQuotaEvent) view() getQuotaView {
	e.BizPwd = redact(e.BizPwd)
	return getQuotaView(e)
}

func (e ExpressPathEvent) view() expressPathView { return expressPathView(e) }

// describe prints a view as name{Field:value …}.
func describe(name string, view any) string { return name + fmt.Sprintf("%+v", view) }

// goSyntax prints a view as %#v would print the event: under the event's
// own type name.
func goSyntax(name string, view any) string {
	s := fmt.Sprintf("%#v", view)
	if i := strings.IndexByte(s, '{'); i >= 0 {
		s = name + s[i:]
	}
	return s
}

// formatView writes what Format prints for every verb: the description,
// quoted for %q, Go syntax for %#v.
func formatView(f fmt.State, verb rune, name string, view any) {
	var s string
	switch {
	case verb == 'v' && f.Flag('#'):
		s = goSyntax(name, view)
	case verb == 'q':
		s = strconv.Quote(describe(name, view))
	default:
		s = describe(name, view)
	}
	_, _ = io.WriteString(f, s)
}

const (
	nameCancelWaybill = "logistics.CancelWaybillEvent"
	nameAddWaybill    = "logistics.AddWaybillEvent"
	nameCheckBiz      = "logistics.CheckBizEvent"
	nameGetQuota      = "logistics.GetQuotaEvent"
	nameExpressPath   = "logistics.ExpressPathEvent"
)

// String describes the event with BizPwd redacted.
func (e CancelWaybillEvent) String() string { return describe(nameCancelWaybill, e.view()) }

// GoString is used by %#v; it redacts BizPwd too.
func (e CancelWaybillEvent) GoString() string { return goSyntax(nameCancelWaybill, e.view()) }

// Format makes every verb print String (GoString for %#v, quoted for %q).
func (e CancelWaybillEvent) Format(f fmt.State, verb rune) {
	formatView(f, verb, nameCancelWaybill, e.view())
}

// LogValue logs the event's fields under their wire names, BizPwd redacted.
func (e CancelWaybillEvent) LogValue() slog.Value { return slog.AnyValue(e.view()) }

// MarshalJSON encodes the event with BizPwd redacted.
func (e CancelWaybillEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.view()) }

// String describes the event with BizPwd and Token redacted.
func (e AddWaybillEvent) String() string { return describe(nameAddWaybill, e.view()) }

// GoString is used by %#v; it redacts BizPwd and Token too.
func (e AddWaybillEvent) GoString() string { return goSyntax(nameAddWaybill, e.view()) }

// Format makes every verb print String (GoString for %#v, quoted for %q).
func (e AddWaybillEvent) Format(f fmt.State, verb rune) {
	formatView(f, verb, nameAddWaybill, e.view())
}

// LogValue logs the event with BizPwd and Token redacted.
func (e AddWaybillEvent) LogValue() slog.Value { return slog.AnyValue(e.view()) }

// MarshalJSON encodes the event with BizPwd and Token redacted.
func (e AddWaybillEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.view()) }

// String describes the event with BizPwd redacted.
func (e CheckBizEvent) String() string { return describe(nameCheckBiz, e.view()) }

// GoString is used by %#v; it redacts BizPwd too.
func (e CheckBizEvent) GoString() string { return goSyntax(nameCheckBiz, e.view()) }

// Format makes every verb print String (GoString for %#v, quoted for %q).
func (e CheckBizEvent) Format(f fmt.State, verb rune) { formatView(f, verb, nameCheckBiz, e.view()) }

// LogValue logs the event with BizPwd redacted.
func (e CheckBizEvent) LogValue() slog.Value { return slog.AnyValue(e.view()) }

// MarshalJSON encodes the event with BizPwd redacted.
func (e CheckBizEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.view()) }

// String describes the event with BizPwd redacted.
func (e GetQuotaEvent) String() string { return describe(nameGetQuota, e.view()) }

// GoString is used by %#v; it redacts BizPwd too.
func (e GetQuotaEvent) GoString() string { return goSyntax(nameGetQuota, e.view()) }

// Format makes every verb print String (GoString for %#v, quoted for %q).
func (e GetQuotaEvent) Format(f fmt.State, verb rune) { formatView(f, verb, nameGetQuota, e.view()) }

// LogValue logs the event with BizPwd redacted.
func (e GetQuotaEvent) LogValue() slog.Value { return slog.AnyValue(e.view()) }

// MarshalJSON encodes the event with BizPwd redacted.
func (e GetQuotaEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.view()) }

// String describes the event.
func (e ExpressPathEvent) String() string { return describe(nameExpressPath, e.view()) }

// UnmarshalJSON decodes the event, accepting CreateTime as a number or as a
// string holding one.
func (e *CancelWaybillEvent) UnmarshalJSON(b []byte) error { return e.decodeJSON(json.Unmarshal, b) }

// UnmarshalJSON decodes the event, accepting CreateTime as a number or as a
// string holding one.
func (e *AddWaybillEvent) UnmarshalJSON(b []byte) error { return e.decodeJSON(json.Unmarshal, b) }

// UnmarshalJSON decodes the event, accepting CreateTime as a number or as a
// string holding one.
func (e *CheckBizEvent) UnmarshalJSON(b []byte) error { return e.decodeJSON(json.Unmarshal, b) }

// UnmarshalJSON decodes the event, accepting CreateTime as a number or as a
// string holding one.
func (e *GetQuotaEvent) UnmarshalJSON(b []byte) error { return e.decodeJSON(json.Unmarshal, b) }

// UnmarshalJSON decodes the event, accepting CreateTime as a number or as a
// string holding one.
func (e *ExpressPathEvent) UnmarshalJSON(b []byte) error { return e.decodeJSON(json.Unmarshal, b) }

// decoder is json.Unmarshal, or the handler's bounded wxmsg.Decode.
type decoder func([]byte, any) error

// Each decodeJSON decodes into the event's view (which has no
// UnmarshalJSON, so the body is read once) with CreateTime shadowed by a
// field that takes a number or a string.

func (e *CancelWaybillEvent) decodeJSON(decode decoder, b []byte) error {
	var w struct {
		*cancelWaybillView
		CreateTime flexInt `json:"CreateTime"`
	}
	w.cancelWaybillView = (*cancelWaybillView)(e)
	return finishJSON(decode(b, &w), &e.CreateTime, w.CreateTime)
}

func (e *AddWaybillEvent) decodeJSON(decode decoder, b []byte) error {
	var w struct {
		*addWaybillView
		CreateTime flexInt `json:"CreateTime"`
	}
	w.addWaybillView = (*addWaybillView)(e)
	return finishJSON(decode(b, &w), &e.CreateTime, w.CreateTime)
}

func (e *CheckBizEvent) decodeJSON(decode decoder, b []byte) error {
	var w struct {
		*checkBizView
		CreateTime flexInt `json:"CreateTime"`
	}
	w.checkBizView = (*checkBizView)(e)
	return finishJSON(decode(b, &w), &e.CreateTime, w.CreateTime)
}

func (e *GetQuotaEvent) decodeJSON(decode decoder, b []byte) error {
	var w struct {
		*getQuotaView
		CreateTime flexInt `json:"CreateTime"`
	}
	w.getQuotaView = (*getQuotaView)(e)
	return finishJSON(decode(b, &w), &e.CreateTime, w.CreateTime)
}

func (e *ExpressPathEvent) decodeJSON(decode decoder, b []byte) error {
	var w struct {
		*expressPathView
		CreateTime flexInt `json:"CreateTime"`
	}
	w.expressPathView = (*expressPathView)(e)
	return finishJSON(decode(b, &w), &e.CreateTime, w.CreateTime)
}

func finishJSON(err error, dst *int64, v flexInt) error {
	if err != nil {
		return err
	}
	*dst = int64(v)
	return nil
}

// flexInt is a JSON integer that may arrive quoted.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s = strings.TrimSpace(s); s == "" {
			*n = 0
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("CreateTime is not an integer")
	}
	*n = flexInt(v)
	return nil
}
