package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/apiusb"
)

const apiusbCancelReply = `{"ret":200,"data":{"code":200,"message":"success","data":"取消成功"},"msg":""}`

var apiusbReq = apiusb.CancelOrderRequest{OrderID: "01234567890123456789", TaskID: "T123456789", CancelMsg: "customer changed their mind"}

// checkAPIUSBCancel is what the server insists on in strict mode.
func checkAPIUSBCancel(r *http.Request, body []byte) error {
	if r.Method != http.MethodPost || r.URL.RawQuery != "" {
		return fmt.Errorf("got %s %s", r.Method, r.URL)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		return fmt.Errorf("Content-Type %q", ct)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return err
	}
	want := url.Values{"s": {apiusb.CancelService}, "orderId": {apiusbReq.OrderID}, "taskId": {apiusbReq.TaskID}, "cancelMsg": {apiusbReq.CancelMsg}}
	if form.Encode() != want.Encode() {
		return fmt.Errorf("form %s", body)
	}
	return nil
}

func newAPIUSBServer(tb testing.TB) *benchServer {
	return newBenchServer(tb, "application/json; charset=utf-8", apiusbCancelReply, checkAPIUSBCancel)
}

// baselineAPIUSBCancel is the hand-written call: a form POST built with
// url.Values, the envelope decoded with encoding/json into the SDK's own
// response type, ret and data.code checked.
func baselineAPIUSBCancel(ctx context.Context, hc *http.Client, endpoint string, req *apiusb.CancelOrderRequest) (*apiusb.CancelOrderResponse, error) {
	form := url.Values{
		"s":         {apiusb.CancelService},
		"orderId":   {req.OrderID},
		"taskId":    {req.TaskID},
		"cancelMsg": {req.CancelMsg},
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out apiusb.CancelOrderResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if out.Ret != 200 || out.Data.Code != 200 {
		return &out, fmt.Errorf("ret %d, data.code %d: %s", out.Ret, out.Data.Code, out.Msg)
	}
	return &out, nil
}

// BenchmarkAPIUSBCancelOrder compares apiusb.Client.CancelOrder (POST, no
// access token, default retry policy) with the hand-written call, one call
// at a time against the same loopback server.
func BenchmarkAPIUSBCancelOrder(b *testing.B) {
	srv := newAPIUSBServer(b)
	hc := newHTTPClient()
	baseline := func(ctx context.Context) error {
		req := apiusbReq
		_, err := baselineAPIUSBCancel(ctx, hc, srv.URL, &req)
		return err
	}
	c, err := apiusb.NewClient(apiusb.WithBaseURL(srv.URL), apiusb.WithHTTPClient(newHTTPClient()))
	if err != nil {
		b.Fatal(err)
	}
	sdk := func(ctx context.Context) error {
		req := apiusbReq
		_, err := c.CancelOrder(ctx, &req)
		return err
	}
	for _, impl := range []struct {
		name string
		call func(context.Context) error
	}{{"impl=baseline", baseline}, {"impl=sdk", sdk}} {
		b.Run(impl.name, func(b *testing.B) {
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
