package logisticstest

import (
	"github.com/waybill-go/waybill/logistics"
)

// Format is the data format of a push: the one configured in the console.
type Format string

// The two formats WeChat can push in.
const (
	FormatXML  Format = "xml"
	FormatJSON Format = "json"
)

// Event is the envelope every pushed event shares. Marshal it with an Event
// name the SDK does not type (say "debug_demo") and Send it to check that a
// handler answers unknown events harmlessly.
type Event struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"`
}

// CancelWaybillReply is a carrier's answer to cancel_waybill.
type CancelWaybillReply struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"`
	BizID        string `xml:"BizID" json:"BizID"`
	OrderID      string `xml:"OrderID" json:"OrderID"`
	WayBillID    string `xml:"WayBillID" json:"WayBillID"`
	ResultCode   int    `xml:"ResultCode" json:"ResultCode"`
	ResultMsg    string `xml:"ResultMsg" json:"ResultMsg"`
}

// SampleCancelWaybillEvent returns a new copy of the cancel_waybill event in
// WeChat's documentation (gh_abcdefg, oABCD, BizID xyz, waybill 123456789).
func SampleCancelWaybillEvent() *logistics.CancelWaybillEvent {
	return &logistics.CancelWaybillEvent{
		ToUserName:   "gh_abcdefg",
		FromUserName: "oABCD",
		CreateTime:   1533042556,
		MsgType:      "event",
		Event:        logistics.EventCancelWaybill,
		BizID:        "xyz",
		BizPwd:       "xyz123",
		ShopAppID:    "wxABCD",
		OrderID:      "012345678901234567890123456789",
		WayBillID:    "123456789",
	}
}

// AddWaybillReply is a carrier's answer to add_waybill.
type AddWaybillReply struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"`
	Token        string `xml:"Token" json:"Token"`
	OrderID      string `xml:"OrderID" json:"OrderID"`
	BizID        string `xml:"BizID" json:"BizID"`
	WayBillID    string `xml:"WayBillID" json:"WayBillID"`
	ResultCode   int    `xml:"ResultCode" json:"ResultCode"`
	ResultMsg    string `xml:"ResultMsg" json:"ResultMsg"`
	WaybillData  string `xml:"WaybillData" json:"WaybillData"`
}

// QuotaReply is a carrier's answer to check_biz or get_quota: both carry
// the shop's balance.
type QuotaReply struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"`
	BizID        string `xml:"BizID" json:"BizID"`
	ResultCode   int    `xml:"ResultCode" json:"ResultCode"`
	ResultMsg    string `xml:"ResultMsg" json:"ResultMsg"`
	Quota        int64  `xml:"Quota" json:"Quota"`
}

// SampleAddWaybillEvent returns a new copy of an add_waybill event like the
// one in WeChat's documentation: WayBillID "0" asks the carrier to make one.
func SampleAddWaybillEvent() *logistics.AddWaybillEvent {
	return &logistics.AddWaybillEvent{
		ToUserName:   "gh_abcdefg",
		FromUserName: "oABCD",
		CreateTime:   1533042556,
		MsgType:      "event",
		Event:        logistics.EventAddWaybill,
		Token:        "1234ABC234523451",
		OrderID:      "012345678901234567890123456789",
		BizID:        "xyz",
		BizPwd:       "xyz123",
		ShopAppID:    "wxABCD",
		WayBillID:    "0",
		Remark:       "易碎物品",
		Sender: logistics.AddWaybillContact{Name: "张三", Tel: "020-88888888", Mobile: "18666666666", Company: "公司名",
			PostCode: "123456", Country: "中国", Province: "广东省", City: "广州市", Area: "海珠区", Address: "XX路XX号XX大厦XX栋XX"},
		Receiver: logistics.AddWaybillContact{Name: "王小蒙", Tel: "029-77777777", Mobile: "18610000000", Company: "公司名",
			PostCode: "654321", Country: "中国", Province: "广东省", City: "广州市", Area: "天河区", Address: "XX路XX号XX大厦XX栋XX"},
		Cargo: logistics.AddWaybillCargo{Weight: 1.2, SpaceX: 20.5, SpaceY: 15, SpaceZ: 10, Count: 2,
			DetailList: []logistics.AddWaybillCargoItem{{Name: "一千零一夜钻石包", Count: 1}, {Name: "爱马仕柏金钻石包", Count: 1}}},
		Insured: logistics.AddWaybillInsured{UseInsured: 1, InsuredValue: 10000},
		Service: logistics.AddWaybillService{ServiceType: 0, ServiceName: "标准快递"},
	}
}

// SampleCheckBizEvent returns a new copy of a check_biz event like the one
// in WeChat's documentation (with the fields sent to EMS only).
func SampleCheckBizEvent() *logistics.CheckBizEvent {
	return &logistics.CheckBizEvent{
		ToUserName:     "gh_abcdefg",
		FromUserName:   "oABCD",
		CreateTime:     1533042556,
		MsgType:        "event",
		Event:          logistics.EventCheckBiz,
		BizID:          "xyz",
		BizPwd:         "xyz123",
		ShopAppID:      "wxABCD",
		ShopName:       "商户名称",
		ShopTelphone:   "18677778888",
		ShopContact:    "村正",
		ServiceName:    "标准快递",
		SenderAddress:  "广东省广州市海珠区新港中路397号",
		SenderProvince: "广东省",
		SenderCity:     "广州市",
		SenderArea:     "海珠区",
	}
}

// SampleGetQuotaEvent returns a new copy of the get_quota event in WeChat's
// documentation.
func SampleGetQuotaEvent() *logistics.GetQuotaEvent {
	return &logistics.GetQuotaEvent{
		ToUserName:   "gh_abcdefg",
		FromUserName: "oABCD",
		CreateTime:   1533042556,
		MsgType:      "event",
		Event:        logistics.EventGetQuota,
		BizID:        "xyz",
		BizPwd:       "xyz123",
		ShopAppID:    "wxABCD",
	}
}

// SampleExpressPathEvent returns a new copy of an add_express_path event
// like the one in WeChat's documentation: three steps of a track.
func SampleExpressPathEvent() *logistics.ExpressPathEvent {
	return &logistics.ExpressPathEvent{
		ToUserName:   "toUser",
		FromUserName: "fromUser",
		CreateTime:   1546924844,
		MsgType:      "event",
		Event:        logistics.EventExpressPath,
		DeliveryID:   "SF",
		WayBillID:    "123456789",
		OrderID:      "123456",
		Version:      3,
		Count:        3,
		Actions: []logistics.ExpressPathAction{
			{ActionTime: 1546924840, ActionType: 100001, ActionMsg: "小哥A揽件成功"},
			{ActionTime: 1546924841, ActionType: 200001, ActionMsg: "到达广州集包地"},
			{ActionTime: 1546924842, ActionType: 200001, ActionMsg: "运往目的地"},
		},
	}
}
