package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/logistics"
)

// The three request shapes of the 物流助手 API, each against a hand-written
// call: a small POST (order/get), the big order/add body, and a GET
// (delivery/getall). Replies are WeChat's documented samples.

var sampleAddOrder = logistics.AddOrderRequest{
	AddSource: logistics.AddSourceMiniProgram, OrderID: "01234567890123456789", OpenID: "oABC123456",
	DeliveryID: "SF", BizID: "xyz", CustomRemark: "易碎物品",
	Sender: logistics.Contact{Name: "张三", Mobile: "18666666666", Company: "公司名", PostCode: "123456", Country: "中国",
		Province: "广东省", City: "广州市", Area: "海珠区", Address: "XX路XX号XX大厦XX栋XX"},
	Receiver: logistics.Contact{Name: "王小蒙", Tel: "020-77777777", Province: "广东省", City: "广州市", Area: "天河区", Address: "XX路XX号"},
	Cargo: logistics.Cargo{Count: 2, Weight: 5.5, SpaceX: 30.5, SpaceY: 20, SpaceZ: 20,
		DetailList: []logistics.CargoItem{{Name: "微信气泡狗抱枕", Count: 1}, {Name: "微信气泡狗钥匙扣", Count: 1}}},
	Shop: logistics.Shop{WxaPath: "/index/index?from=waybill&id=01234567890123456789", ImgURL: "https://example.com/dog.png",
		GoodsName: "微信气泡狗抱枕&微信气泡狗钥匙扣", GoodsCount: 2},
	Insured: logistics.Insured{UseInsured: 1, InsuredValue: 10000},
	Service: logistics.Service{ServiceType: 0, ServiceName: "标准快递"},
}

var sampleGetOrder = logistics.GetOrderRequest{OrderID: "01234567890123456789", OpenID: "oABC123456", DeliveryID: "SF", WaybillID: "123456789"}

// family is one request shape: its path, method, request, reply and what
// the baseline checks for success.
type family struct {
	name, path, method string
	req                any
	reply              string
	newOut             func() any
	ok                 func(out any) bool
	sdk                func(ctx context.Context, c *logistics.Client) error
}

// WeChat's documented sample replies (as logistics/testdata keeps them),
// held here so that a compiled benchmark runs from any directory.
const (
	orderGetReply = `{"print_html":"PGh0bWw+dGVzdDwvaHRtbD4=","waybill_data":[{"key":"SF_bagAddr","value":"广州"},` +
		`{"key":"SF_mark","value":"101- 07-03 509"}],"delivery_id":"SF","order_id":"01234567890123456789","waybill_id":"123456789","order_status":0}`
	orderAddReply = `{"order_id":"01234567890123456789","waybill_id":"123456789","waybill_data":[{"key":"SF_bagAddr","value":"广州"},` +
		`{"key":"SF_mark","value":"101- 07-03 509"}]}`
	deliveryGetAllReply = `{"count":3,"data":[{"delivery_id":"BEST","delivery_name":"百世快递"},{"delivery_id":"SF","delivery_name":"顺丰速运",` +
		`"can_use_cash":1,"can_get_quota":0,"cash_biz_id":"SF_CASH","service_type":[{"service_type":0,"service_name":"标准快递"}]},` +
		`{"delivery_id":"YTO","delivery_name":"圆通速递"}]}`
)

func families() []family {
	return []family{
		{
			name: "shape=small-POST", path: "/cgi-bin/express/business/order/get", method: http.MethodPost,
			req: &sampleGetOrder, reply: orderGetReply,
			newOut: func() any { return new(logistics.GetOrderResponse) },
			ok:     func(out any) bool { return out.(*logistics.GetOrderResponse).WaybillID != "" },
			sdk: func(ctx context.Context, c *logistics.Client) error {
				req := sampleGetOrder
				_, err := c.GetOrder(ctx, &req)
				return err
			},
		},
		{
			name: "shape=big-AddOrder", path: "/cgi-bin/express/business/order/add", method: http.MethodPost,
			req: &sampleAddOrder, reply: orderAddReply,
			newOut: func() any { return new(logistics.AddOrderResponse) },
			ok:     func(out any) bool { return out.(*logistics.AddOrderResponse).WaybillID != "" },
			sdk: func(ctx context.Context, c *logistics.Client) error {
				req := sampleAddOrder
				_, err := c.AddOrder(ctx, &req)
				return err
			},
		},
		{
			name: "shape=GET", path: "/cgi-bin/express/business/delivery/getall", method: http.MethodGet,
			reply:  deliveryGetAllReply,
			newOut: func() any { return new(logistics.GetAllDeliveryResponse) },
			ok:     func(out any) bool { return out.(*logistics.GetAllDeliveryResponse).Count > 0 },
			sdk: func(ctx context.Context, c *logistics.Client) error {
				_, err := c.GetAllDelivery(ctx)
				return err
			},
		},
	}
}

// check insists on the family's method, path, token and, for a POST, the
// very body the baseline sends.
func (f family) check(r *http.Request, body []byte) error {
	if r.Method != f.method || r.URL.Path != f.path || r.URL.Query().Get("access_token") != benchToken {
		return fmt.Errorf("got %s %s", r.Method, r.URL)
	}
	if f.req == nil {
		return nil
	}
	want, err := json.Marshal(f.req)
	if err != nil {
		return err
	}
	if !bytes.Equal(body, want) {
		return fmt.Errorf("body %s", body)
	}
	return nil
}

// baseline is the hand-written call: encoding/json and net/http, success
// judged by errcode and the reply's own fields, no retries, no cap.
func (f family) baseline(ctx context.Context, hc *http.Client, base string) error {
	var body *bytes.Reader
	if f.req != nil {
		b, err := json.Marshal(f.req)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	var hreq *http.Request
	var err error
	if body != nil {
		hreq, err = http.NewRequestWithContext(ctx, f.method, base+f.path+"?access_token="+benchToken, body)
		hreq.Header.Set("Content-Type", "application/json")
	} else {
		hreq, err = http.NewRequestWithContext(ctx, f.method, base+f.path+"?access_token="+benchToken, nil)
	}
	if err != nil {
		return err
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out := f.newOut()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return err
	}
	if !f.ok(out) {
		return errors.New("not a success")
	}
	return nil
}

// BenchmarkWeChatShapes compares the SDK with the hand-written call for
// each request shape, one call at a time.
func BenchmarkWeChatShapes(b *testing.B) {
	for _, f := range families() {
		srv := newBenchServer(b, "application/json", f.reply, f.check)
		hc := newHTTPClient()
		c, err := logistics.NewClient(auth.StaticToken(benchToken), logistics.WithBaseURL(srv.URL), logistics.WithHTTPClient(newHTTPClient()))
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range []struct {
			name string
			call func(context.Context) error
		}{
			{"impl=baseline", func(ctx context.Context) error { return f.baseline(ctx, hc, srv.URL) }},
			{"impl=sdk", func(ctx context.Context) error { return f.sdk(ctx, c) }},
		} {
			b.Run(f.name+"/"+impl.name, func(b *testing.B) {
				ctx := context.Background()
				srv.preflight(b, func() error { return impl.call(ctx) })
				b.ReportAllocs()
				for b.Loop() {
					if err := impl.call(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
