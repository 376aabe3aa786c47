package logistics_test

import (
	"math"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/logistics"
)

func TestAddOrderValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(r *logistics.AddOrderRequest)
		want   []string
	}{
		{"valid sample", func(*logistics.AddOrderRequest) {}, nil},
		{"mini program order needs openid", func(r *logistics.AddOrderRequest) { r.OpenID = "" }, []string{"OpenID"}},
		{"app order needs wx_appid, not openid", func(r *logistics.AddOrderRequest) { r.AddSource, r.OpenID = logistics.AddSourceAppOrH5, "" }, []string{"WxAppID"}},
		{"app order with wx_appid", func(r *logistics.AddOrderRequest) { r.AddSource, r.OpenID, r.WxAppID = 2, "", "wxapp" }, nil},
		{"unknown source", func(r *logistics.AddOrderRequest) { r.AddSource = 1 }, []string{"AddSource"}},
		{"required top-level fields", func(r *logistics.AddOrderRequest) { r.OrderID, r.DeliveryID, r.BizID = "", " ", "" }, []string{"BizID", "DeliveryID", "OrderID"}},
		{"order id over 512 bytes", func(r *logistics.AddOrderRequest) { r.OrderID = strings.Repeat("1", 513) }, []string{"OrderID"}},
		{"remark over 1024 bytes", func(r *logistics.AddOrderRequest) { r.CustomRemark = strings.Repeat("易", 342) }, []string{"CustomRemark"}},
		{"contact needs tel or mobile", func(r *logistics.AddOrderRequest) { r.Sender.Mobile, r.Sender.Tel = "", "" }, []string{"Sender.Mobile"}},
		{"tel alone is enough", func(r *logistics.AddOrderRequest) { r.Sender.Mobile, r.Sender.Tel = "", "020-88888888" }, nil},
		{"contact address fields", func(r *logistics.AddOrderRequest) { r.Receiver = logistics.Contact{Mobile: "1"} },
			[]string{"Receiver.Address", "Receiver.Area", "Receiver.City", "Receiver.Name", "Receiver.Province"}},
		{"name over 64 bytes", func(r *logistics.AddOrderRequest) { r.Sender.Name = strings.Repeat("张", 22) }, []string{"Sender.Name"}},
		{"post code over 10 bytes", func(r *logistics.AddOrderRequest) { r.Receiver.PostCode = "12345678901" }, []string{"Receiver.PostCode"}},
		{"cargo count and weight", func(r *logistics.AddOrderRequest) { r.Cargo.Count, r.Cargo.Weight = 0, 0 }, []string{"Cargo.Count", "Cargo.Weight"}},
		{"cargo NaN and negative sizes", func(r *logistics.AddOrderRequest) {
			r.Cargo.Weight, r.Cargo.SpaceX, r.Cargo.SpaceZ = math.NaN(), -1, math.Inf(1)
		},
			[]string{"Cargo.SpaceX", "Cargo.SpaceZ", "Cargo.Weight"}},
		{"empty cargo detail list", func(r *logistics.AddOrderRequest) { r.Cargo.DetailList = nil }, []string{"Cargo.DetailList"}},
		{"cargo item", func(r *logistics.AddOrderRequest) { r.Cargo.DetailList[1] = logistics.CargoItem{} },
			[]string{"Cargo.DetailList[1].Count", "Cargo.DetailList[1].Name"}},
		{"shop old form incomplete", func(r *logistics.AddOrderRequest) { r.Shop = logistics.Shop{WxaPath: "/p"} },
			[]string{"Shop.GoodsCount", "Shop.GoodsName", "Shop.ImgURL"}},
		{"shop detail list form", func(r *logistics.AddOrderRequest) {
			r.Shop = logistics.Shop{WxaPath: "/p", DetailList: []logistics.ShopItem{{GoodsName: "n", GoodsImgURL: "https://x/y.png"}}}
		}, nil},
		{"shop detail list item needs name and picture", func(r *logistics.AddOrderRequest) {
			r.Shop = logistics.Shop{WxaPath: "", DetailList: []logistics.ShopItem{{GoodsDesc: "d"}}}
		}, []string{"Shop.DetailList[0].GoodsImgURL", "Shop.DetailList[0].GoodsName", "Shop.WxaPath"}},
		{"goods name over 128 bytes", func(r *logistics.AddOrderRequest) { r.Shop.GoodsName = strings.Repeat("杯", 43) }, []string{"Shop.GoodsName"}},
		{"insured without value", func(r *logistics.AddOrderRequest) { r.Insured = logistics.Insured{UseInsured: 1} }, []string{"Insured.InsuredValue"}},
		{"insured flag", func(r *logistics.AddOrderRequest) { r.Insured.UseInsured = 2 }, []string{"Insured.UseInsured"}},
		{"uninsured zero value", func(r *logistics.AddOrderRequest) { r.Insured = logistics.Insured{} }, nil},
		{"service name", func(r *logistics.AddOrderRequest) { r.Service.ServiceName = "" }, []string{"Service.ServiceName"}},
		{"SF cash order needs expect_time", func(r *logistics.AddOrderRequest) { r.BizID = "SF_CASH" }, []string{"ExpectTime"}},
		{"SF cash order with expect_time", func(r *logistics.AddOrderRequest) { r.BizID, r.ExpectTime = "SF_CASH", 1557989929 }, nil},
		{"negative expect_time and tag", func(r *logistics.AddOrderRequest) { r.ExpectTime, r.TagID = -1, -1 }, []string{"ExpectTime", "TagID"}},
		{"take mode", func(r *logistics.AddOrderRequest) { r.TakeMode = 3 }, []string{"TakeMode"}},
	}
	for _, tc := range cases {
		r := sampleOrder()
		tc.change(r)
		wantFields(t, tc.name, r.Validate(), tc.want...)
	}
	var nilReq *logistics.AddOrderRequest
	wantFields(t, "nil", nilReq.Validate(), "AddOrderRequest")
}

func TestAddOrderSendsRequiredZeroValues(t *testing.T) {
	t.Parallel()
	rs := newReplyServer(t, golden(t, "order_add_reply.json"))
	r := sampleOrder()
	r.Insured = logistics.Insured{}
	if _, err := rs.client(t).AddOrder(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	body := string(rs.requests()[0].body)
	for _, want := range []string{`"add_source":0`, `"expect_time":0`, `"use_insured":0`, `"insured_value":0`, `"service_type":0`} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s: %s", want, body)
		}
	}
	if !strings.Contains(body, `"sender":{"name":"张三","mobile"`) {
		t.Errorf("the sender's empty tel was sent: %s", body)
	}
	for _, absent := range []string{"wx_appid", "tagid", "take_mode"} {
		if strings.Contains(body, absent) {
			t.Errorf("optional %s sent: %s", absent, body)
		}
	}
}

func TestAddOrderCarrierRefusal(t *testing.T) {
	t.Parallel()
	rs := newReplyServer(t, golden(t, "order_add_reply_9300501.json"))
	resp, err := rs.client(t).AddOrder(t.Context(), sampleOrder())
	if err == nil || resp == nil || resp.DeliveryResultCode != 10002 || resp.DeliveryResultMsg != "客户密码不正确" {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
}

func TestGetAndBatchGetOrderValidate(t *testing.T) {
	t.Parallel()
	wantFields(t, "get ok", (&logistics.GetOrderRequest{OrderID: "o", DeliveryID: "SF"}).Validate())
	wantFields(t, "get empty", (&logistics.GetOrderRequest{PrintType: 2}).Validate(), "DeliveryID", "OrderID", "PrintType")
	wantFields(t, "batch empty", (&logistics.BatchGetOrderRequest{}).Validate(), "OrderList")
	wantFields(t, "batch entry", (&logistics.BatchGetOrderRequest{OrderList: []logistics.OrderRef{{OrderID: "o"}}}).Validate(),
		"OrderList[0].DeliveryID", "OrderList[0].WaybillID")
	many := make([]logistics.OrderRef, logistics.MaxBatchGetOrder+1)
	for i := range many {
		many[i] = logistics.OrderRef{OrderID: "o", DeliveryID: "SF", WaybillID: "w"}
	}
	wantFields(t, "batch too long", (&logistics.BatchGetOrderRequest{OrderList: many}).Validate(), "OrderList")
	wantFields(t, "batch full", (&logistics.BatchGetOrderRequest{OrderList: many[:logistics.MaxBatchGetOrder]}).Validate())
}
