package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/logistics"
)

const cancelReply = `{"errcode":0,"errmsg":"ok","delivery_resultcode":0,"delivery_resultmsg":""}`

// wechatServer answers order/cancel with a fixed success, as cheaply as a
// loopback server can, so the client side dominates what is measured.
func wechatServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, cancelReply)
	}))
	b.Cleanup(srv.Close)
	return srv
}

var benchReq = logistics.CancelOrderRequest{OrderID: "01234567890123456789", OpenID: "oABC123456", DeliveryID: "SF", WaybillID: "123456789"}

// baselineCancel is the hand-written call an SDK competes with.
func baselineCancel(ctx context.Context, hc *http.Client, endpoint, token string, req *logistics.CancelOrderRequest) (*logistics.CancelOrderResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"?access_token="+url.QueryEscape(token), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out logistics.CancelOrderResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	return &out, nil
}

func BenchmarkWeChatCancelOrder(b *testing.B) {
	srv := wechatServer(b)
	ctx := context.Background()
	b.Run("baseline", func(b *testing.B) {
		hc := &http.Client{}
		endpoint := srv.URL + "/cgi-bin/express/business/order/cancel"
		b.ReportAllocs()
		for b.Loop() {
			req := benchReq
			if _, err := baselineCancel(ctx, hc, endpoint, "ACCESS_TOKEN", &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		c, err := logistics.NewClient(auth.StaticToken("ACCESS_TOKEN"), logistics.WithBaseURL(srv.URL),
			logistics.WithHTTPClient(&http.Client{}), logistics.WithRetry(waybill.NoRetry))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			req := benchReq
			if _, err := c.CancelOrder(ctx, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
