package logisticstest_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// testOrder is a valid order/add body for the sandbox carrier TEST.
func testOrder(id string) *logistics.AddOrderRequest {
	return &logistics.AddOrderRequest{
		OrderID: id, OpenID: "oUser", DeliveryID: logistics.TestDeliveryID, BizID: logistics.TestBizID,
		Sender:   logistics.Contact{Name: "张三", Mobile: "18666666666", Province: "广东省", City: "广州市", Area: "海珠区", Address: "XX路1号"},
		Receiver: logistics.Contact{Name: "李四", Tel: "020-77777777", Province: "广东省", City: "深圳市", Area: "南山区", Address: "YY路2号"},
		Cargo:    logistics.Cargo{Count: 1, Weight: 1.2, DetailList: []logistics.CargoItem{{Name: "抱枕", Count: 1}}},
		Shop:     logistics.Shop{WxaPath: "/pages/order", DetailList: []logistics.ShopItem{{GoodsName: "抱枕", GoodsImgURL: "https://example.com/p.png"}}},
		Service:  logistics.Service{ServiceType: 1, ServiceName: "test_service_name"},
	}
}

func code(err error) int {
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return 0
}

func TestOrderLifeOnOneBook(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()

	added, err := c.AddOrder(ctx, testOrder("A-1"))
	if err != nil || added.WaybillID == "" || len(added.WaybillData) == 0 {
		t.Fatalf("add: %+v, %v", added, err)
	}
	again, err := c.AddOrder(ctx, testOrder("A-1"))
	if err != nil || again.WaybillID != added.WaybillID {
		t.Fatalf("repeated add gave %+v, %v; want waybill %s", again, err, added.WaybillID)
	}
	o, ok := srv.Order("A-1")
	if !ok || o.WaybillID != added.WaybillID || o.State != logisticstest.OrderOpen {
		t.Fatalf("book has %+v", o)
	}

	got, err := c.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "A-1", DeliveryID: "TEST", WaybillID: added.WaybillID})
	if err != nil || got.OrderStatus != logistics.OrderStatusNormal || !slices.Equal(got.WaybillData, added.WaybillData) {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if html, err := base64.StdEncoding.DecodeString(got.PrintHTML); err != nil || len(html) == 0 {
		t.Fatalf("print_html %q: %v", got.PrintHTML, err)
	}

	ev := logistics.TestUpdateOrderRequest{BizID: logistics.TestBizID, OrderID: "A-1", DeliveryID: "TEST", WaybillID: added.WaybillID,
		ActionTime: 1700000000, ActionType: logistics.ActionPickedUp, ActionMsg: "揽件成功"}
	if err := c.TestUpdateOrder(ctx, &ev); err != nil {
		t.Fatal(err)
	}
	token, _ := srv.OrderToken("A-1")
	if err := c.UpdatePath(ctx, &logistics.UpdatePathRequest{Token: token, WaybillID: added.WaybillID, ActionTime: 1700003600,
		ActionType: logistics.ActionInTransit, ActionMsg: "运输中"}); err != nil {
		t.Fatal(err)
	}
	path, err := c.GetPath(ctx, &logistics.GetPathRequest{DeliveryID: "TEST", WaybillID: added.WaybillID})
	if err != nil || path.PathItemNum != 2 || path.PathItemList[1].ActionType != logistics.ActionInTransit || path.OpenID != "oUser" {
		t.Fatalf("path: %+v, %v", path, err)
	}
	if !slices.Equal(srv.Path("A-1"), path.PathItemList) {
		t.Fatalf("Server.Path %v", srv.Path("A-1"))
	}
	if o, _ := srv.Order("A-1"); o.State != logisticstest.OrderHasTrace {
		t.Fatalf("state after a path event: %v", o.State)
	}
	_, err = c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "A-1", DeliveryID: "TEST", WaybillID: added.WaybillID})
	if !errors.Is(err, werrors.ErrAlreadyHasTrace) {
		t.Fatalf("cancel after a path event: %v", err)
	}

	b, err := c.AddOrder(ctx, testOrder("A-2"))
	if err != nil || b.WaybillID == added.WaybillID {
		t.Fatalf("second add: %+v, %v", b, err)
	}
	if _, err := c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "A-2", DeliveryID: "TEST", WaybillID: b.WaybillID}); err != nil {
		t.Fatal(err)
	}
	batch, err := c.BatchGetOrder(ctx, &logistics.BatchGetOrderRequest{OrderList: []logistics.OrderRef{
		{OrderID: "A-1", DeliveryID: "TEST", WaybillID: added.WaybillID},
		{OrderID: "A-2", DeliveryID: "TEST", WaybillID: b.WaybillID},
		{OrderID: "nope", DeliveryID: "TEST", WaybillID: "w"}}})
	if err != nil || len(batch.OrderList) != 3 {
		t.Fatalf("batch: %+v, %v", batch, err)
	}
	if st := []int{batch.OrderList[0].OrderStatus, batch.OrderList[1].OrderStatus, batch.OrderList[2].ErrCode}; !slices.Equal(st, []int{0, 1, 930563}) {
		t.Fatalf("batch statuses %v", st)
	}
}

func TestOrderBookRefusals(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	a, err := c.AddOrder(ctx, testOrder("R-1"))
	if err != nil {
		t.Fatal(err)
	}
	other := testOrder("R-1")
	other.DeliveryID, other.BizID = "SF", "b"
	if _, err := c.AddOrder(ctx, other); code(err) != 9300522 {
		t.Errorf("order id reused with another carrier: %v", err)
	}
	unknown := testOrder("R-2")
	unknown.DeliveryID = "NOPE"
	if _, err := c.AddOrder(ctx, unknown); !errors.Is(err, werrors.ErrDeliveryNotFound) {
		t.Errorf("unknown carrier: %v", err)
	}
	if _, err := c.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "R-9", DeliveryID: "TEST"}); !errors.Is(err, werrors.ErrOrderNotFound) {
		t.Errorf("unknown order: %v", err)
	}
	if _, err := c.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "R-1", DeliveryID: "TEST", WaybillID: "other"}); code(err) != 9300528 {
		t.Errorf("wrong waybill: %v", err)
	}
	if _, err := c.GetPath(ctx, &logistics.GetPathRequest{DeliveryID: "TEST", WaybillID: "nope"}); !errors.Is(err, werrors.ErrWaybillNotFound) {
		t.Errorf("path of unknown waybill: %v", err)
	}
	up := logistics.UpdatePathRequest{Token: "forged", WaybillID: a.WaybillID, ActionTime: 1, ActionType: logistics.ActionPickedUp, ActionMsg: "m"}
	if err := c.UpdatePath(ctx, &up); code(err) != 9300507 {
		t.Errorf("forged token: %v", err)
	}
	if _, err := c.GetContact(ctx, &logistics.GetContactRequest{Token: "forged", WaybillID: a.WaybillID}); code(err) != 9300507 {
		t.Errorf("contact with forged token: %v", err)
	}
	ev := logistics.TestUpdateOrderRequest{BizID: logistics.TestBizID, OrderID: "R-9", DeliveryID: "TEST", WaybillID: a.WaybillID, ActionTime: 1, ActionType: logistics.ActionPickedUp, ActionMsg: "m"}
	if err := c.TestUpdateOrder(ctx, &ev); !errors.Is(err, werrors.ErrOrderNotFound) {
		t.Errorf("test update of unknown order: %v", err)
	}
	if len(srv.Path("R-1")) != 0 {
		t.Errorf("refused events were recorded: %v", srv.Path("R-1"))
	}
}

func TestSeededOrdersServeTheNewEndpoints(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "S-1", DeliveryID: "SF", WaybillID: "SF1"})
	c := newClient(t, srv)
	ctx := context.Background()
	got, err := c.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "S-1", DeliveryID: "SF"})
	if err != nil || got.WaybillID != "SF1" || len(got.WaybillData) == 0 {
		t.Fatalf("get seeded: %+v, %v", got, err)
	}
	srv.SetOrderState("S-1", logisticstest.OrderCancelled)
	if got, _ := c.GetOrder(ctx, &logistics.GetOrderRequest{OrderID: "S-1", DeliveryID: "SF"}); got.OrderStatus != logistics.OrderStatusCancelled {
		t.Fatalf("SetOrderState not reflected: %+v", got)
	}
	token, ok := srv.OrderToken("S-1")
	if !ok || token == "" {
		t.Fatal("no token for a seeded order")
	}
	if err := c.UpdatePath(ctx, &logistics.UpdatePathRequest{Token: token, WaybillID: "SF1", ActionTime: 1, ActionType: logistics.ActionHeld, ActionMsg: "m"}); err != nil {
		t.Fatal(err)
	}
	if o, _ := srv.Order("S-1"); o.State != logisticstest.OrderCancelled {
		t.Fatalf("a path event on a cancelled order changed it to %v", o.State)
	}
	if _, ok := srv.OrderToken("none"); ok {
		t.Fatal("token for an unknown order")
	}
}

func TestCarrierSideOnTheFake(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	a, err := c.AddOrder(ctx, testOrder("C-1"))
	if err != nil {
		t.Fatal(err)
	}
	token, _ := srv.OrderToken("C-1")
	contact, err := c.GetContact(ctx, &logistics.GetContactRequest{Token: token, WaybillID: a.WaybillID})
	if err != nil || contact.Sender.Name != "张三" || contact.Receiver.Address != "广东省深圳市南山区YY路2号" {
		t.Fatalf("contact: %+v, %v", contact, err)
	}
	tmpl := base64.StdEncoding.EncodeToString([]byte("<p>{{waybill_id}}</p>"))
	pv, err := c.PreviewTemplate(ctx, &logistics.PreviewTemplateRequest{WaybillID: "W9", WaybillTemplate: tmpl, WaybillData: "##k##v##", Custom: testOrder("C-2")})
	if html, _ := base64.StdEncoding.DecodeString(pv.RenderedWaybillTemplate); err != nil || string(html) != "<p>W9</p>" {
		t.Fatalf("preview: %+v, %v", pv, err)
	}
	if err := c.UpdateBusiness(ctx, &logistics.UpdateBusinessRequest{ShopAppID: "wxShop", BizID: "b", ResultCode: 1, ResultMsg: "资料不全"}); err != nil {
		t.Fatal(err)
	}
}

func TestAccountsPrintersAndQuota(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	bind := logistics.BindAccountRequest{Type: logistics.Bind, BizID: "yto-1", DeliveryID: "YTO", Password: "pw"}
	if err := c.BindAccount(ctx, &bind); err != nil {
		t.Fatal(err)
	}
	if err := c.BindAccount(ctx, &bind); code(err) != 9300529 {
		t.Fatalf("second bind: %v", err)
	}
	srv.SetQuota("YTO", "yto-1", 42)
	accounts, err := c.GetAllAccount(ctx)
	if err != nil || accounts.Count != 1 || accounts.List[0].BizID != "yto-1" || accounts.List[0].QuotaNum != 42 {
		t.Fatalf("accounts: %+v, %v", accounts, err)
	}
	q, err := c.GetQuota(ctx, &logistics.GetQuotaRequest{DeliveryID: "YTO", BizID: "yto-1"})
	if err != nil || q.QuotaNum != 42 {
		t.Fatalf("quota: %+v, %v", q, err)
	}
	bind.Type = logistics.Unbind
	if err := c.BindAccount(ctx, &bind); err != nil {
		t.Fatal(err)
	}
	if err := c.BindAccount(ctx, &bind); code(err) != 9300530 {
		t.Fatalf("second unbind: %v", err)
	}
	if _, err := c.GetQuota(ctx, &logistics.GetQuotaRequest{DeliveryID: "YTO", BizID: "yto-1"}); code(err) != 9300525 {
		t.Fatalf("quota of an unbound account: %v", err)
	}
	if accounts, err := c.GetAllAccount(ctx); err != nil || accounts.Count != 0 || accounts.List == nil {
		t.Fatalf("accounts after unbind: %+v, %v", accounts, err)
	}

	for _, p := range []logistics.UpdatePrinterRequest{{OpenID: "oB", UpdateType: logistics.Bind, TagIDList: "456,123"}, {OpenID: "oA", UpdateType: logistics.Bind}} {
		if err := c.UpdatePrinter(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	printers, err := c.GetAllPrinter(ctx)
	if err != nil || printers.Count != 2 || !slices.Equal(printers.OpenID, []string{"oA", "oB"}) || !slices.Equal(printers.TagIDList, []string{"123", "456"}) {
		t.Fatalf("printers: %+v, %v", printers, err)
	}
	delivery, err := c.GetAllDelivery(ctx)
	if err != nil || delivery.Count != len(delivery.Data) || !slices.ContainsFunc(delivery.Data, func(d logistics.DeliveryCompany) bool { return d.DeliveryID == "YTO" }) {
		t.Fatalf("delivery: %+v, %v", delivery, err)
	}
}

func TestNewEndpointsFaultsAndLog(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, logistics.WithRetry(waybill.NoRetry)) // each fault meets one attempt
	ctx := context.Background()
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathGetAllDelivery, Errcode: 45009})
	if _, err := c.GetAllDelivery(ctx); !errors.Is(err, werrors.ErrRateLimited) {
		t.Fatalf("injected errcode: %v", err)
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathAddOrder, Status: http.StatusBadGateway})
	if _, err := c.AddOrder(ctx, testOrder("F-1")); !errors.Is(err, werrors.ErrSystem) {
		t.Fatalf("injected 502: %v", err)
	}
	if _, ok := srv.Order("F-1"); ok {
		t.Fatal("a 502 before handling created the order")
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathAddOrder, DropAfterHandling: true})
	if _, err := c.AddOrder(ctx, testOrder("F-2")); err == nil {
		t.Fatal("dropped answer reported success")
	}
	if _, ok := srv.Order("F-2"); !ok {
		t.Fatal("DropAfterHandling did not handle the request")
	}
	if _, err := c.GetAllDelivery(ctx); err != nil {
		t.Fatalf("fault outlived its Times: %v", err)
	}
	gets := srv.RequestsTo(logisticstest.PathGetAllDelivery)
	if len(gets) != 2 || gets[0].Method != http.MethodGet || gets[0].Query.Get("access_token") == "" || len(gets[0].Body) != 0 {
		t.Fatalf("request log: %+v", gets)
	}
	resp, err := http.Post(srv.URL+logisticstest.PathGetAllAccount, "application/json", nil)
	if err == nil {
		resp.Body.Close()
	}
	if got := srv.RequestsTo(logisticstest.PathGetAllAccount); len(got) != 1 || got[0].Method != http.MethodPost {
		t.Fatalf("POST to a GET endpoint not logged: %+v", got)
	}
}
