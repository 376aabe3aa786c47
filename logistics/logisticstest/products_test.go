package logisticstest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func secureClient(t *testing.T, srv *logisticstest.Server) *logistics.IntracityClient {
	t.Helper()
	return newClient(t, srv, logistics.WithAPISecurity(srv.APISecurity())).Intracity()
}

func TestIntracityBook(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	statuses := map[string]int{
		"created": 0, "accepted": logistics.IntracityOrderAccepted, "at store": logistics.IntracityOrderCourierAtStore,
		"delivering": logistics.IntracityOrderDelivering, "abnormal": logistics.IntracityOrderAbnormal,
		"withdrew": logistics.IntracityOrderCourierWithdrew, "delivered": logistics.IntracityOrderDelivered,
		"cancelled": logistics.IntracityOrderCancelledByShop, "carrier cancelled": logistics.IntracityOrderCancelledByCarrier,
	}
	for name, st := range statuses {
		srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: name, WxStoreID: "S", StoreOrderID: "o-" + name, Status: st})
	}
	if o, ok := srv.IntracityOrder("created"); !ok || o.Status != logistics.IntracityOrderCreated || o.ServiceTransID != "SFTC" {
		t.Fatalf("defaults: %+v", o)
	}
	ic := secureClient(t, srv)
	ctx := context.Background()
	want := map[string]struct {
		code int
		fee  int64
	}{
		"created": {0, 0}, "withdrew": {0, 0},
		"accepted": {0, logisticstest.IntracityPenalty}, "at store": {0, logisticstest.IntracityPenalty},
		"delivering": {0, logisticstest.IntracityPenalty}, "abnormal": {0, logisticstest.IntracityPenalty},
		"delivered": {934017, 0}, "cancelled": {934018, 0}, "carrier cancelled": {934018, 0},
	}
	for name, w := range want {
		// By store order, the other way of naming an order.
		resp, err := ic.CancelOrder(ctx, &logistics.IntracityCancelRequest{WxStoreID: "S", StoreOrderID: "o-" + name, CancelReasonID: 1})
		var apiErr *werrors.APIError
		switch {
		case w.code == 0 && (err != nil || resp.DeductFee != w.fee || resp.WxOrderID != name):
			t.Errorf("%s: %+v, %v; want fee %d", name, resp, err, w.fee)
		case w.code != 0 && (!errors.As(err, &apiErr) || apiErr.Code != w.code):
			t.Errorf("%s: %v; want errcode %d", name, err, w.code)
		}
		if o, _ := srv.IntracityOrder(name); w.code == 0 && (o.Status != logistics.IntracityOrderCancelledByShop || o.DeductFee != w.fee) {
			t.Errorf("%s: book holds %+v", name, o)
		}
	}
	if srv.SetIntracityOrderStatus("nope", 1) || !srv.SetIntracityOrderStatus("created", logistics.IntracityOrderDelivered) {
		t.Fatal("SetIntracityOrderStatus reports the wrong existence")
	}
	if _, ok := srv.IntracityOrder("nope"); ok {
		t.Fatal("an unknown order exists")
	}
}

// Without the Wechatmp headers, or with another app's keys, the fake
// refuses in plain JSON; a good request is answered sealed and signed.
func TestSealedEndpointsOnTheWire(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "W1"})
	tokens, err := srv.TokenSource()
	if err != nil {
		t.Fatal(err)
	}
	token, err := tokens.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL+logisticstest.PathIntracityCancelOrder+"?access_token="+token, "application/json",
		strings.NewReader(`{"wx_order_id":"W1","cancel_reason_id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var refusal struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &refusal); err != nil || refusal.ErrCode != 934011 || resp.Header.Get("Wechatmp-Signature") != "" {
		t.Fatalf("unsigned call answered %s (%v)", body, resp.Header)
	}
	if o, _ := srv.IntracityOrder("W1"); o.Status != logistics.IntracityOrderCreated {
		t.Fatalf("an unsigned call cancelled %+v", o)
	}
	if _, err := srv.Decrypt(srv.RequestsTo(logisticstest.PathIntracityCancelOrder)[0]); err == nil {
		t.Fatal("Decrypt opened an unsealed request")
	}

	// A good call: the fake's answer carries the platform's headers.
	var last *http.Response
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		last = resp
		return resp, err
	})}
	c, err := srv.Client(logistics.WithAPISecurity(srv.APISecurity()), logistics.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "W1", CancelReasonID: 1}); err != nil {
		t.Fatal(err)
	}
	sec := srv.APISecurity()
	if last.Header.Get("Wechatmp-Serial") != sec.PlatformSN || last.Header.Get("Wechatmp-Appid") != sec.AppID || last.Header.Get("Wechatmp-Signature") == "" {
		t.Fatalf("reply headers %v", last.Header)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A server given its own keys serves that app only; the keys never print.
func TestWithAPISecurityKeys(t *testing.T) {
	t.Parallel()
	keys, err := logisticstest.NewAPISecurityKeys("wxmyshop00000001")
	if err != nil {
		t.Fatal(err)
	}
	srv := logisticstest.NewServer(logisticstest.WithAPISecurityKeys(keys))
	defer srv.Close()
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "W1"})
	if got := srv.APISecurity(); got.AppID != "wxmyshop00000001" || got.PlatformSN != keys.APISecurity().PlatformSN || keys.AppID() != got.AppID {
		t.Fatalf("APISecurity %v", got)
	}
	if _, err := secureClient(t, srv).QueryOrder(context.Background(), &logistics.IntracityQueryRequest{WxOrderID: "W1"}); err != nil {
		t.Fatal(err)
	}

	other := logisticstest.NewServer() // the shared default keys, for DefaultAppID
	defer other.Close()
	c := newClient(t, srv, logistics.WithAPISecurity(other.APISecurity()), logistics.WithRetry(waybill.NoRetry))
	_, err = c.Intracity().QueryOrder(context.Background(), &logistics.IntracityQueryRequest{WxOrderID: "W1"})
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 40237 || !errors.Is(err, werrors.ErrInvalidCredentials) {
		t.Fatalf("another app's keys: %v", err)
	}

	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		fmt.Fprintf(&out, verb+"\n", keys)
		fmt.Fprintf(&out, verb+"\n", *keys)
		fmt.Fprintf(&out, verb+"\n", srv.APISecurity())
	}
	for _, h := range []slog.Handler{slog.NewTextHandler(&out, nil), slog.NewJSONHandler(&out, nil)} {
		slog.New(h).Info("keys", "keys", keys, "nested", struct {
			K *logisticstest.APISecurityKeys
		}{keys})
	}
	sec := keys.APISecurity()
	secrets := []string{sec.SymmetricKey}
	for _, pemText := range [][]byte{sec.PrivateKeyPEM} {
		lines := strings.Split(string(pemText), "\n")
		secrets = append(secrets, lines[len(lines)/2])
	}
	for _, s := range secrets {
		if strings.Contains(out.String(), s) {
			t.Fatalf("key material printed:\n%s", out.String())
		}
	}
	if !strings.Contains(out.String(), "logisticstest.APISecurityKeys{AppID:wxmyshop00000001") {
		t.Errorf("identifiers missing:\n%s", out.String())
	}
}

// Faults and the request log work on the sealed endpoints too.
func TestSealedEndpointsFaultsAndLog(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "W1"})
	ic := secureClient(t, srv)
	ctx := context.Background()
	if _, err := ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "W1"}); err != nil {
		t.Fatal(err)
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityQueryOrder, Status: 502})
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityQueryOrder, Drop: true})
	if _, err := ic.QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "W1"}); err != nil {
		t.Fatalf("after a 502 and a dropped connection: %v; want the third attempt's success", err)
	}
	reqs := srv.RequestsTo(logisticstest.PathIntracityQueryOrder)
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, r := range reqs {
		plain, err := srv.Decrypt(r)
		if err != nil || !strings.Contains(string(plain), `"wx_order_id":"W1"`) || r.Header.Get("Wechatmp-Appid") != logisticstest.DefaultAppID {
			t.Fatalf("request %d: %s, %v", i, plain, err)
		}
	}
	tampered := reqs[0]
	tampered.Body = bytes.Replace(tampered.Body, []byte(`"iv":"`), []byte(`"iv":"A`), 1)
	if _, err := srv.Decrypt(tampered); err == nil {
		t.Fatal("Decrypt opened a tampered request")
	}
}

func TestEWaybillBook(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddEWaybill(logisticstest.EWaybill{EWaybillOrderID: "1001", DeliveryID: "ZTO", WaybillID: "Z1"})
	ec := newClient(t, srv).EWaybill()
	ctx := context.Background()
	if _, err := ec.CancelOrder(ctx, &logistics.EWaybillCancelRequest{EWaybillOrderID: "1001", DeliveryID: "ZTO", WaybillID: "other"}); !errors.Is(err, werrors.ErrOrderNotFound) {
		t.Fatalf("another waybill_id: %v", err)
	}
	if _, err := ec.CancelOrder(ctx, &logistics.EWaybillCancelRequest{EWaybillOrderID: "1001", DeliveryID: "ZTO", WaybillID: "Z1"}); err != nil {
		t.Fatal(err)
	}
	if e, ok := srv.EWaybill("1001"); !ok || e.State != logisticstest.EWaybillCancelled {
		t.Fatalf("book holds %+v", e)
	}
	// Straight to the fake: an ewaybill_order_id that is no Uint64.
	tokens, _ := srv.TokenSource()
	token, _ := tokens.Token(ctx)
	got := post(t, srv.URL+logisticstest.PathEWaybillCancelOrder+"?access_token="+token,
		map[string]string{"ewaybill_order_id": "E-1", "delivery_id": "ZTO", "waybill_id": "Z1"})
	if got["errcode"] != float64(10025020) {
		t.Fatalf("non-numeric ewaybill_order_id answered %v", got)
	}
	if _, ok := srv.EWaybill("nope"); ok {
		t.Fatal("an unknown waybill exists")
	}
	for st, want := range map[logisticstest.EWaybillState]string{
		logisticstest.EWaybillIssued: "issued", logisticstest.EWaybillCancelled: "cancelled",
		logisticstest.EWaybillCarrierRefuses: "carrier refuses", 9: "EWaybillState(9)",
	} {
		if st.String() != want {
			t.Errorf("%d.String() = %q", int(st), st.String())
		}
	}
}
