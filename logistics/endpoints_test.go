package logistics_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
)

// sampleOrder is a valid order/add body, after WeChat's documented sample.
func sampleOrder() *logistics.AddOrderRequest {
	return &logistics.AddOrderRequest{
		AddSource: logistics.AddSourceMiniProgram, OrderID: "01234567890123456789", OpenID: "oABC123456",
		DeliveryID: "SF", BizID: "xyz", CustomRemark: "易碎物品",
		Sender: logistics.Contact{Name: "张三", Mobile: "18666666666", Company: "公司名", PostCode: "123456", Country: "中国",
			Province: "广东省", City: "广州市", Area: "海珠区", Address: "XX路XX号XX大厦XX栋XX"},
		Receiver: logistics.Contact{Name: "王小蒙", Tel: "020-77777777", Province: "广东省", City: "广州市", Area: "天河区", Address: "XX路XX号"},
		Cargo: logistics.Cargo{Count: 2, Weight: 5.5, SpaceX: 30.5, SpaceY: 20, SpaceZ: 20,
			DetailList: []logistics.CargoItem{{Name: "微信气泡狗抱枕", Count: 1}, {Name: "微信气泡狗钥匙扣", Count: 1}}},
		Shop:       logistics.Shop{WxaPath: "/index/index?from=waybill&id=01234567890123456789", ImgURL: "https://example.com/dog.png", GoodsName: "微信气泡狗抱枕&微信气泡狗钥匙扣", GoodsCount: 2},
		Insured:    logistics.Insured{UseInsured: 1, InsuredValue: 10000},
		Service:    logistics.Service{ServiceType: 0, ServiceName: "标准快递"},
		ExpectTime: 0,
	}
}

// seen is one request a loopback server received.
type seen struct {
	method, path, token, contentType string
	body                             []byte
}

// replyServer answers every request with body (status 200 unless given) and
// records the requests.
type replyServer struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []seen
	status int
	body   []byte
}

func newReplyServer(t *testing.T, body string) *replyServer {
	t.Helper()
	rs := &replyServer{status: http.StatusOK, body: []byte(body)}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, seen{r.Method, r.URL.Path, r.URL.Query().Get("access_token"), r.Header.Get("Content-Type"), b})
		status, reply := rs.status, rs.body
		rs.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(reply)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *replyServer) answer(status int, body string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.status, rs.body = status, []byte(body)
}

func (rs *replyServer) requests() []seen {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return slices.Clone(rs.reqs)
}

func (rs *replyServer) client(t *testing.T, opts ...logistics.Option) *logistics.Client {
	t.Helper()
	c, err := logistics.NewClient(auth.StaticToken("ACCESS_TOKEN"),
		append([]logistics.Option{logistics.WithBaseURL(rs.URL), logistics.WithRetry(waybill.NoRetry)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// endpointCase is one of the endpoints without API security: the fifteen
// of 物流助手 and 微信小店 电子面单's cancel.
type endpointCase struct {
	name, method, path string
	keys               []string // top-level body members sent (nil: no body)
	golden             string   // WeChat's documented success reply
	call               func(context.Context, *logistics.Client) (any, error)
	check              func(t *testing.T, resp any) // the golden reply decoded
	nilReq             func(context.Context, *logistics.Client) error
}

func endpointCases() []endpointCase {
	return []endpointCase{
		{
			name: "AddOrder", method: "POST", path: "/cgi-bin/express/business/order/add",
			keys:   []string{"add_source", "biz_id", "cargo", "custom_remark", "delivery_id", "expect_time", "insured", "openid", "order_id", "receiver", "sender", "service", "shop"},
			golden: "order_add_reply.json",
			call:   func(ctx context.Context, c *logistics.Client) (any, error) { return c.AddOrder(ctx, sampleOrder()) },
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.AddOrderResponse)
				want := []logistics.WaybillData{{Key: "SF_bagAddr", Value: "广州"}, {Key: "SF_mark", Value: "101- 07-03 509"}}
				if r.OrderID != "01234567890123456789" || r.WaybillID != "123456789" || !reflect.DeepEqual(r.WaybillData, want) {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { _, err := c.AddOrder(ctx, nil); return err },
		},
		{
			name: "GetOrder", method: "POST", path: "/cgi-bin/express/business/order/get",
			keys:   []string{"delivery_id", "openid", "order_id", "print_type", "waybill_id"},
			golden: "order_get_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return c.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "01234567890123456789", OpenID: "oABC", DeliveryID: "SF", WaybillID: "123456789", PrintType: 1})
			},
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.GetOrderResponse)
				if r.PrintHTML != "PGh0bWw+dGVzdDwvaHRtbD4=" || r.OrderStatus != logistics.OrderStatusNormal || r.DeliveryID != "SF" || len(r.WaybillData) != 2 {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { _, err := c.GetOrder(ctx, nil); return err },
		},
		{
			name: "BatchGetOrder", method: "POST", path: "/cgi-bin/express/business/order/batchget",
			keys:   []string{"order_list"},
			golden: "order_batchget_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return c.BatchGetOrder(ctx, &logistics.BatchGetOrderRequest{OrderList: []logistics.OrderRef{
					{OrderID: "01234567890123456789", DeliveryID: "SF", WaybillID: "123456789"},
					{OrderID: "01234567890123456788", DeliveryID: "SF", WaybillID: "123456788"}}})
			},
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.BatchGetOrderResponse)
				if len(r.OrderList) != 2 || r.OrderList[0].WaybillID != "123456789" || r.OrderList[1].ErrCode != 930563 {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { _, err := c.BatchGetOrder(ctx, nil); return err },
		},
		{
			name: "GetPath", method: "POST", path: "/cgi-bin/express/business/path/get",
			keys:   []string{"delivery_id", "openid", "order_id", "waybill_id"},
			golden: "path_get_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return c.GetPath(ctx, &logistics.GetPathRequest{OrderID: "o", OpenID: "OPENID", DeliveryID: "SF", WaybillID: "12345678901234567890"})
			},
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.GetPathResponse)
				if r.PathItemNum != 3 || len(r.PathItemList) != 3 || r.PathItemList[0] != (logistics.PathItem{ActionTime: 1533052800, ActionType: logistics.ActionPickedUp, ActionMsg: "快递员已成功取件"}) {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { _, err := c.GetPath(ctx, nil); return err },
		},
		{
			name: "GetAllDelivery", method: "GET", path: "/cgi-bin/express/business/delivery/getall",
			golden: "delivery_getall_reply.json",
			call:   func(ctx context.Context, c *logistics.Client) (any, error) { return c.GetAllDelivery(ctx) },
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.GetAllDeliveryResponse)
				if r.Count != 3 || len(r.Data) != 3 || r.Data[1].CashBizID != "SF_CASH" || r.Data[1].ServiceType[0].ServiceName != "标准快递" {
					t.Errorf("decoded %+v", r)
				}
			},
		},
		{
			name: "GetAllAccount", method: "GET", path: "/cgi-bin/express/business/account/getall",
			golden: "account_getall_reply.json",
			call:   func(ctx context.Context, c *logistics.Client) (any, error) { return c.GetAllAccount(ctx) },
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.GetAllAccountResponse)
				if r.Count != 1 || r.List[0].DeliveryID != "YUNDA" || r.List[0].QuotaNum != 55 || r.List[0].StatusCode != logistics.AccountBound {
					t.Errorf("decoded %+v", r)
				}
			},
		},
		{
			name: "BindAccount", method: "POST", path: "/cgi-bin/express/business/account/bind",
			keys:   []string{"biz_id", "delivery_id", "password", "type"},
			golden: "status_ok_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return nil, c.BindAccount(ctx, &logistics.BindAccountRequest{Type: logistics.Bind, BizID: "123456", DeliveryID: "YUNDA", Password: "123456789123456789"})
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { return c.BindAccount(ctx, nil) },
		},
		{
			name: "GetQuota", method: "POST", path: "/cgi-bin/express/business/quota/get",
			keys:   []string{"biz_id", "delivery_id"},
			golden: "quota_get_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return c.GetQuota(ctx, &logistics.GetQuotaRequest{DeliveryID: "YTO", BizID: "xyz"})
			},
			check: func(t *testing.T, resp any) {
				if r := resp.(*logistics.GetQuotaResponse); r.QuotaNum != 210 {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { _, err := c.GetQuota(ctx, nil); return err },
		},
		{
			name: "UpdatePrinter", method: "POST", path: "/cgi-bin/express/business/printer/update",
			keys:   []string{"openid", "tagid_list", "update_type"},
			golden: "status_ok_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return nil, c.UpdatePrinter(ctx, &logistics.UpdatePrinterRequest{OpenID: "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw", UpdateType: logistics.Bind, TagIDList: "123,456"})
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { return c.UpdatePrinter(ctx, nil) },
		},
		{
			name: "GetAllPrinter", method: "GET", path: "/cgi-bin/express/business/printer/getall",
			golden: "printer_getall_reply.json",
			call:   func(ctx context.Context, c *logistics.Client) (any, error) { return c.GetAllPrinter(ctx) },
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.GetAllPrinterResponse)
				if r.Count != 2 || !slices.Equal(r.OpenID, []string{"oABC", "oXYZ"}) || !slices.Equal(r.TagIDList, []string{"123", "456"}) {
					t.Errorf("decoded %+v", r)
				}
			},
		},
		{
			name: "TestUpdateOrder", method: "POST", path: "/cgi-bin/express/business/test_update_order",
			keys:   []string{"action_msg", "action_time", "action_type", "biz_id", "delivery_id", "order_id", "waybill_id"},
			golden: "status_ok_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return nil, c.TestUpdateOrder(ctx, &logistics.TestUpdateOrderRequest{BizID: logistics.TestBizID, OrderID: "o1", DeliveryID: logistics.TestDeliveryID,
					WaybillID: "w1", ActionTime: 123456789, ActionType: logistics.ActionPickedUp, ActionMsg: "揽件阶段"})
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { return c.TestUpdateOrder(ctx, nil) },
		},
		{
			name: "UpdatePath", method: "POST", path: "/cgi-bin/express/delivery/path/update",
			keys:   []string{"action_msg", "action_time", "action_type", "token", "waybill_id"},
			golden: "status_ok_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return nil, c.UpdatePath(ctx, &logistics.UpdatePathRequest{Token: "TOKEN", WaybillID: "12345678901234567890", ActionTime: 1533052800,
					ActionType: logistics.ActionOutForDelivery, ActionMsg: "丽影邓丽君【18666666666】正在派件"})
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { return c.UpdatePath(ctx, nil) },
		},
		{
			name: "GetContact", method: "POST", path: "/cgi-bin/express/delivery/contact/get",
			keys:   []string{"token", "waybill_id"},
			golden: "contact_get_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return c.GetContact(ctx, &logistics.GetContactRequest{Token: "TOKEN", WaybillID: "12345678901234567890"})
			},
			check: func(t *testing.T, resp any) {
				r := resp.(*logistics.GetContactResponse)
				if r.Sender.Name != "张三" || r.Receiver.Mobile != "18610000000" || !strings.HasPrefix(r.Receiver.Address, "广东省广州市天河区") {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { _, err := c.GetContact(ctx, nil); return err },
		},
		{
			name: "PreviewTemplate", method: "POST", path: "/cgi-bin/express/delivery/template/preview",
			keys:   []string{"custom", "waybill_data", "waybill_id", "waybill_template"},
			golden: "template_preview_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return c.PreviewTemplate(ctx, &logistics.PreviewTemplateRequest{WaybillID: "1234567890123", WaybillTemplate: "PGh0bWw+dGVzdDwvaHRtbD4=",
					WaybillData: "##ZTO_mark##11-22-33##ZTO_bagAddr##广州##", Custom: sampleOrder()})
			},
			check: func(t *testing.T, resp any) {
				if r := resp.(*logistics.PreviewTemplateResponse); r.RenderedWaybillTemplate != "PGh0bWw+dGVzdDwvaHRtbD4=" || r.WaybillID != "1234567890123" {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error {
				_, err := c.PreviewTemplate(ctx, nil)
				return err
			},
		},
		{
			name: "UpdateBusiness", method: "POST", path: "/cgi-bin/express/delivery/service/business/update",
			keys:   []string{"biz_id", "result_code", "result_msg", "shop_app_id"},
			golden: "status_ok_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return nil, c.UpdateBusiness(ctx, &logistics.UpdateBusinessRequest{ShopAppID: "wxABCD", BizID: "xyz", ResultCode: 0, ResultMsg: "审核通过"})
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error { return c.UpdateBusiness(ctx, nil) },
		},
		{
			name: "EWaybillCancelOrder", method: "POST", path: "/channels/ec/logistics/ewaybill/biz/order/cancel",
			keys:   []string{"delivery_id", "ewaybill_order_id", "waybill_id"},
			golden: "ewaybill_cancel_reply.json",
			call: func(ctx context.Context, c *logistics.Client) (any, error) {
				return c.EWaybill().CancelOrder(ctx, &logistics.EWaybillCancelRequest{EWaybillOrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT3410779063070"})
			},
			check: func(t *testing.T, resp any) {
				if r := resp.(*logistics.EWaybillCancelResponse); r.ErrCode != 0 || r.ErrMsg != "ok" {
					t.Errorf("decoded %+v", r)
				}
			},
			nilReq: func(ctx context.Context, c *logistics.Client) error {
				_, err := c.EWaybill().CancelOrder(ctx, nil)
				return err
			},
		},
	}
}

func TestEndpointsRequestShapeAndSampleReply(t *testing.T) {
	t.Parallel()
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs := newReplyServer(t, golden(t, tc.golden))
			resp, err := tc.call(context.Background(), rs.client(t))
			if err != nil {
				t.Fatalf("documented sample reply refused: %v", err)
			}
			if tc.check != nil {
				tc.check(t, resp)
			}
			reqs := rs.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			got := reqs[0]
			if got.method != tc.method || got.path != tc.path || got.token != "ACCESS_TOKEN" {
				t.Fatalf("sent %s %s token %q, want %s %s", got.method, got.path, got.token, tc.method, tc.path)
			}
			if tc.keys == nil {
				if len(got.body) != 0 {
					t.Fatalf("GET with a body: %s", got.body)
				}
				return
			}
			if got.contentType != "application/json" {
				t.Errorf("Content-Type %q", got.contentType)
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(got.body, &body); err != nil {
				t.Fatal(err)
			}
			keys := make([]string, 0, len(body))
			for k := range body {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tc.keys) {
				t.Fatalf("body members %v, want %v", keys, tc.keys)
			}
		})
	}
}

func TestEndpointsErrcode(t *testing.T) {
	t.Parallel()
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs := newReplyServer(t, `{"errcode":9300501,"errmsg":"delivery logic fail rid: 5f1e","delivery_resultcode":10002,"delivery_resultmsg":"客户密码不正确"}`)
			resp, err := tc.call(context.Background(), rs.client(t))
			var apiErr *werrors.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != 9300501 || apiErr.CarrierCode != 10002 || apiErr.CarrierMessage != "客户密码不正确" || apiErr.Op == "" {
				t.Fatalf("err = %#v", err)
			}
			if !errors.Is(err, werrors.ErrCarrier) {
				t.Errorf("9300501 does not match ErrCarrier: %v", err)
			}
			// Methods with a response return it with the error.
			if tc.check != nil && reflect.ValueOf(resp).IsNil() {
				t.Errorf("no decoded response with errcode 9300501")
			}
		})
	}
}

func TestEndpointsHostileReplies(t *testing.T) {
	t.Parallel()
	replies := []struct {
		name, body string
		status     int
	}{
		{"html gateway page", "<html><body>502 Bad Gateway</body></html>", 502},
		{"html with 200", "<html>maintenance</html>", 200},
		{"empty", "", 200},
		{"truncated", `{"errcode":0,"errm`, 200},
		{"empty object", `{}`, 200},
		{"errcode null", `{"errcode":null,"errmsg":"ok","order_id":"o","waybill_id":"w","order_list":[],"path_item_num":0,"count":0,"data":[],"list":[],"quota_num":0,"sender":{},"receiver":{},"rendered_waybill_template":""}`, 200},
		{"errcode only nested", `{"data":{"errcode":0,"errmsg":"ok"}}`, 200},
		{"errcode not a number", `{"errcode":"zero","errmsg":"ok"}`, 200},
		{"errcode fraction", `{"errcode":0.5,"errmsg":"ok"}`, 200},
		{"wrong types", `{"errcode":0,"errmsg":5}`, 200},
		{"success members null", `{"order_id":null,"waybill_id":null,"order_list":null,"path_item_num":null,"count":null,"data":null,"list":null,"quota_num":null,"sender":null,"receiver":null,"rendered_waybill_template":null}`, 200},
		{"errcode 0 with HTTP 500", `{"errcode":0,"errmsg":"ok"}`, 500},
		{"array", `[{"errcode":0}]`, 200},
	}
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs := newReplyServer(t, "")
			c := rs.client(t)
			for _, r := range replies {
				rs.answer(r.status, r.body)
				_, err := tc.call(context.Background(), c)
				if !errors.Is(err, werrors.ErrSystem) {
					t.Errorf("%s: err = %v, want one matching ErrSystem", r.name, err)
				}
			}
		})
	}
}

func TestEndpointsOversizedReply(t *testing.T) {
	t.Parallel()
	big := `{"errcode":0,"errmsg":"` + strings.Repeat("x", 4096) + `"}`
	for _, tc := range endpointCases() {
		rs := newReplyServer(t, big)
		_, err := tc.call(context.Background(), rs.client(t, logistics.WithMaxReplyBytes(1024)))
		if !errors.Is(err, werrors.ErrSystem) {
			t.Errorf("%s: err = %v, want ErrSystem", tc.name, err)
		}
	}
}

func TestEndpointsNilRequestNotSent(t *testing.T) {
	t.Parallel()
	rs := newReplyServer(t, `{"errcode":0,"errmsg":"ok"}`)
	c := rs.client(t)
	for _, tc := range endpointCases() {
		if tc.nilReq == nil {
			continue
		}
		err := tc.nilReq(context.Background(), c)
		var pe *werrors.ParamError
		if !errors.As(err, &pe) || !errors.Is(err, werrors.ErrInvalidParam) || !strings.HasSuffix(pe.Field, "Request") {
			t.Errorf("%s(nil): err = %v", tc.name, err)
		}
	}
	if n := len(rs.requests()); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

func TestEndpointsTokenScrubbedFromMessages(t *testing.T) {
	t.Parallel()
	rs := newReplyServer(t, `{"errcode":40001,"errmsg":"invalid credential ACCESS_TOKEN","delivery_resultmsg":"echo ACCESS_TOKEN"}`)
	_, err := rs.client(t).GetAllDelivery(context.Background())
	if err == nil || strings.Contains(err.Error(), "ACCESS_TOKEN") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrcodeAsNumericString(t *testing.T) {
	t.Parallel()
	rs := newReplyServer(t, `{"errcode":"0","errmsg":"ok"}`)
	if err := rs.client(t).UpdatePrinter(context.Background(), &logistics.UpdatePrinterRequest{OpenID: "o", UpdateType: logistics.Unbind}); err != nil {
		t.Fatalf(`errcode "0" refused: %v`, err)
	}
	rs.answer(200, `{"errcode":"9300517","errmsg":"invalid update_type"}`)
	err := rs.client(t).UpdatePrinter(context.Background(), &logistics.UpdatePrinterRequest{OpenID: "o", UpdateType: logistics.Unbind})
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 9300517 {
		t.Fatalf("err = %v", err)
	}
}
