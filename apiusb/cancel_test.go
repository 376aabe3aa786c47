package apiusb

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/pipeline"
)

// sentinels is every sentinel an APIUSB reply can map to.
var sentinels = []error{werrors.ErrInvalidParam, werrors.ErrUnauthorized, werrors.ErrServiceNotFound, werrors.ErrSystem}

// assertOnly checks that err matches want and no other APIUSB sentinel
// (want nil: none at all).
func assertOnly(t *testing.T, err, want error) {
	t.Helper()
	for _, s := range sentinels {
		if got := errors.Is(err, s); got != (s == want) {
			t.Errorf("errors.Is(%v, %v) = %v", err, s, got)
		}
	}
}

func asAPIError(t *testing.T, err error) *werrors.APIError {
	t.Helper()
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want an *errors.APIError", err, err)
	}
	if apiErr.Provider != "apiusb" || apiErr.Op != CancelService {
		t.Errorf("Provider, Op = %q, %q", apiErr.Provider, apiErr.Op)
	}
	return apiErr
}

func TestRetMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ret      string // as sent
		code     int
		want     error
		attempts int
	}{
		{"400", 400, werrors.ErrInvalidParam, 1},
		{"401", 401, werrors.ErrUnauthorized, 1},
		{"403", 403, werrors.ErrUnauthorized, 1},
		{"404", 404, werrors.ErrServiceNotFound, 1},
		{"406", 406, werrors.ErrUnauthorized, 1},
		{`"406"`, 406, werrors.ErrUnauthorized, 1},
		{"405", 405, nil, 1},
		{"500", 500, werrors.ErrSystem, 3},
		{"502", 502, werrors.ErrSystem, 3},
		{`"503"`, 503, werrors.ErrSystem, 3},
		{"599", 599, werrors.ErrSystem, 3},
		{"302", 302, nil, 1},
	} {
		t.Run(tc.ret, func(t *testing.T) {
			t.Parallel()
			body := `{"ret":` + tc.ret + `,"data":[],"msg":"非法请求：缺少必要参数orderId"}`
			srv := newServer(t, replyWith(200, body))
			c := newTestClient(t, srv.base())
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			assertOnly(t, err, tc.want)
			apiErr := asAPIError(t, err)
			if apiErr.Code != tc.code || apiErr.Message != "非法请求：缺少必要参数orderId" || apiErr.HTTPStatus != 200 {
				t.Errorf("APIError = %+v", apiErr)
			}
			if resp == nil || resp.Ret != tc.code || resp.Msg != "非法请求：缺少必要参数orderId" {
				t.Errorf("response = %+v; the decoded envelope should come with the error", resp)
			}
			if n := srv.count(); n != tc.attempts {
				t.Errorf("requests = %d, want %d (5xx retried, never 4xx)", n, tc.attempts)
			}
		})
	}
}

// PhalApi can set the HTTP status to ret; the envelope still decides.
func TestRetWithMatchingHTTPStatus(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(400, `{"ret":400,"data":null,"msg":"bad"}`))
	c := newTestClient(t, srv.base())
	_, err := c.CancelOrder(context.Background(), sampleReq)
	assertOnly(t, err, werrors.ErrInvalidParam)
	if apiErr := asAPIError(t, err); apiErr.HTTPStatus != 400 || apiErr.Code != 400 {
		t.Errorf("APIError = %+v", apiErr)
	}
	if srv.count() != 1 {
		t.Errorf("requests = %d, want 1", srv.count())
	}
}

func TestInnerCodeFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		data    string
		msg     string
		code    int
		message string
		want    error
	}{
		{"400", `{"code":400,"message":"订单不存在","data":""}`, "", 400, "订单不存在", werrors.ErrInvalidParam},
		{"string 406", `{"code":"406","message":"token refused"}`, "", 406, "token refused", werrors.ErrUnauthorized},
		{"500 with msg", `{"code":500,"message":"carrier down"}`, "try later", 500, "carrier down (try later)", werrors.ErrSystem},
		{"unknown code", `{"code":601,"message":"已揽收，无法取消"}`, "", 601, "已揽收，无法取消", nil},
		{"same message twice", `{"code":404,"message":"x"}`, "x", 404, "x", werrors.ErrServiceNotFound},
		{"msg only", `{"code":" 400 ","message":""}`, "缺少参数", 400, "缺少参数", werrors.ErrInvalidParam},
		{"float code", `{"code":400.0,"message":"m"}`, "", 400, "m", werrors.ErrInvalidParam},
		{"zero code", `{"code":0,"message":"m"}`, "", 0, "m", werrors.ErrSystem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := `{"ret":200,"data":` + tc.data + `,"msg":"` + tc.msg + `"}`
			srv := newServer(t, replyWith(200, body))
			c := newTestClient(t, srv.base())
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			assertOnly(t, err, tc.want)
			apiErr := asAPIError(t, err)
			if apiErr.Code != tc.code || apiErr.Message != tc.message {
				t.Errorf("APIError Code, Message = %d, %q; want %d, %q", apiErr.Code, apiErr.Message, tc.code, tc.message)
			}
			if resp == nil || resp.Ret != 200 || resp.Data.Code != tc.code {
				t.Errorf("response = %+v", resp)
			}
			if srv.count() != 1 {
				t.Errorf("requests = %d; business refusals are not retried", srv.count())
			}
		})
	}
}

func TestSuccessShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body string
		want CancelOrderResponse
	}{
		{"seed sample with trailing comma", "{\n\"ret\": 200,\n\"data\": {\n\"code\": 200,\n\"message\": \"success\",\n\"data\": \"取消成功\"\n},\n\"msg\": \"\",\n}",
			CancelOrderResponse{Ret: 200, Data: CancelOrderData{Code: 200, Message: "success", Data: "取消成功"}}},
		{"string codes", `{"ret":"200","data":{"code":"200","message":"success","data":"ok"},"msg":""}`,
			CancelOrderResponse{Ret: 200, Data: CancelOrderData{Code: 200, Message: "success", Data: "ok"}}},
		{"object data.data", `{"ret":200,"data":{"code":200,"message":"success","data":{"taskId":"T1","n":[1, 2]}}}`,
			CancelOrderResponse{Ret: 200, Data: CancelOrderData{Code: 200, Message: "success", Data: `{"taskId":"T1","n":[1,2]}`}}},
		{"null data.data and number msg", `{"ret":200,"data":{"code":200,"message":"success","data":null},"msg":0}`,
			CancelOrderResponse{Ret: 200, Msg: "0", Data: CancelOrderData{Code: 200, Message: "success"}}},
		{"byte order mark", "\xef\xbb\xbf" + okReply,
			CancelOrderResponse{Ret: 200, Data: CancelOrderData{Code: 200, Message: "success", Data: "取消成功"}}},
		{"escaped comma in string", `{"ret":200,"data":{"code":200,"message":"a,}","data":"\",]",},}`,
			CancelOrderResponse{Ret: 200, Data: CancelOrderData{Code: 200, Message: "a,}", Data: `",]`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, replyWith(200, tc.body))
			c := newTestClient(t, srv.base())
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			if err != nil {
				t.Fatal(err)
			}
			if *resp != tc.want {
				t.Errorf("response = %+v, want %+v", *resp, tc.want)
			}
		})
	}
}

// ret 200 without an object carrying an integer code says nothing about the
// order, so it is not a success.
func TestOddDataIsNotSuccess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		data string // "" leaves data out
		kind string
	}{
		{"string", `"取消成功"`, "data is a string"},
		{"array (the seed's curl reply)", `[{"lengthPre":14,"comCode":"zhongtong","noPre":"75351","noCount":548102}]`, "data is an array"},
		{"empty array", `[]`, "data is an array"},
		{"null", `null`, "data is null"},
		{"missing", ``, "no data.code"},
		{"number", `200`, "data is a number"},
		{"object without code", `{"message":"success","data":"取消成功"}`, "no data.code"},
		{"null code", `{"code":null}`, "no data.code"},
		{"word code", `{"code":"ok"}`, "not an integer"},
		{"fractional code", `{"code":200.5}`, "not an integer"},
		{"huge code", `{"code":1e300}`, "not an integer"},
		{"bool code", `{"code":true}`, "not an integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := `{"ret":200,"msg":"hm"}`
			if tc.data != "" {
				body = `{"ret":200,"data":` + tc.data + `,"msg":"hm"}`
			}
			srv := newServer(t, replyWith(200, body))
			c := newTestClient(t, srv.base())
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			assertOnly(t, err, werrors.ErrSystem)
			apiErr := asAPIError(t, err)
			if apiErr.Code != 0 || apiErr.Message != "hm" || !errors.Is(err, errNoCode) && !errors.Is(err, errBadCode) {
				t.Errorf("APIError = %+v", apiErr)
			}
			if !strings.Contains(err.Error(), tc.kind) {
				t.Errorf("error %q should say %q", err, tc.kind)
			}
			if resp == nil || resp.Ret != 200 || resp.Msg != "hm" || resp.Data.Code != 0 {
				t.Errorf("response = %+v", resp)
			}
			if srv.count() != 1 {
				t.Errorf("requests = %d, want 1", srv.count())
			}
		})
	}
}

func TestUnusableReplies(t *testing.T) {
	t.Parallel()
	const html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
	for _, tc := range []struct {
		name     string
		status   int
		body     string
		attempts int
		cause    error
	}{
		{"gateway HTML 502", 502, html, 3, pipeline.ErrNotJSON},
		{"HTML 200", 200, "<!DOCTYPE html><html></html>", 1, pipeline.ErrNotJSON},
		{"empty 500", 500, "", 3, pipeline.ErrNotJSON},
		{"empty 200", 200, "", 1, pipeline.ErrNotJSON},
		{"truncated JSON", 200, `{"ret":200,"data":{"code":200,"mess`, 1, nil},
		{"truncated JSON 504", 504, `{"ret":`, 3, nil},
		{"JSON array", 200, `[1,2]`, 1, pipeline.ErrNotJSON},
		{"JSON string", 200, `"ok"`, 1, pipeline.ErrNotJSON},
		{"no ret", 200, `{"data":{"code":200},"msg":""}`, 1, errNoRet},
		{"null ret", 200, `{"ret":null,"data":{"code":200}}`, 1, errNoRet},
		{"word ret", 200, `{"ret":"ok","data":{"code":200}}`, 1, nil},
		{"object ret", 200, `{"ret":{},"data":{"code":200}}`, 1, nil},
		{"no ret behind 503", 503, `{"error":"upstream"}`, 3, errNoRet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c := newTestClient(t, srv.base())
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			if resp != nil {
				t.Errorf("response = %+v, want nil for an unusable reply", resp)
			}
			assertOnly(t, err, werrors.ErrSystem)
			apiErr := asAPIError(t, err)
			if apiErr.Code != 0 || apiErr.HTTPStatus != tc.status || apiErr.Err == nil {
				t.Errorf("APIError = %+v", apiErr)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("err = %v, want it to wrap %v", err, tc.cause)
			}
			if n := srv.count(); n != tc.attempts {
				t.Errorf("requests = %d, want %d", n, tc.attempts)
			}
		})
	}
}

func TestReplyTooLarge(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, `{"ret":200,"data":{"code":200,"data":"`+strings.Repeat("x", 4096)+`"}}`))
	c := newTestClient(t, srv.base(), WithMaxReplyBytes(512))
	resp, err := c.CancelOrder(context.Background(), sampleReq)
	if resp != nil || !errors.Is(err, werrors.ErrSystem) || !errors.Is(err, httpx.ErrReplyTooLarge) {
		t.Fatalf("CancelOrder = %+v, %v; want ErrSystem wrapping ErrReplyTooLarge", resp, err)
	}
	if srv.count() != 1 {
		t.Errorf("requests = %d; an oversized reply is not retried", srv.count())
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	ok := replyWith(200, okReply)
	for _, tc := range []struct {
		name     string
		first    func(http.ResponseWriter, *http.Request, int)
		attempts int
		want     error // nil: success after the retry
	}{
		{"ret 500 then success", replyWith(200, `{"ret":500,"data":null,"msg":"服务端内部错误"}`), 2, nil},
		{"HTML 503 then success", replyWith(503, "<html>busy</html>"), 2, nil},
		{"dropped connection then success", hangUp, 2, nil},
		{"ret 400 is final", replyWith(200, `{"ret":400,"data":null,"msg":"bad"}`), 1, werrors.ErrInvalidParam},
		{"ret 404 is final", replyWith(200, `{"ret":404,"data":null,"msg":"no such service"}`), 1, werrors.ErrServiceNotFound},
		{"HTTP 404 page is final", replyWith(404, "<html>not found</html>"), 1, werrors.ErrSystem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, sequence(tc.first, ok))
			c := newTestClient(t, srv.base())
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			if tc.want == nil {
				if err != nil || resp.Data.Data != "取消成功" {
					t.Fatalf("CancelOrder = %+v, %v; want success on the retry", resp, err)
				}
			} else if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if n := srv.count(); n != tc.attempts {
				t.Errorf("requests = %d, want %d", n, tc.attempts)
			}
			reqs := srv.requests()
			for _, r := range reqs[1:] {
				if r.Body != reqs[0].Body {
					t.Errorf("retry sent %q, first attempt %q", r.Body, reqs[0].Body)
				}
			}
		})
	}
}

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter, _ *http.Request, _ int) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func TestRetryPolicyBoundsAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		policy waybill.RetryPolicy
		want   int
	}{
		{waybill.NoRetry, 1},
		{waybill.RetryPolicy{MaxAttempts: 5}, 5},
	} {
		srv := newServer(t, replyWith(200, `{"ret":500,"data":null,"msg":"x"}`))
		c := newTestClient(t, srv.base(), WithRetry(tc.policy))
		if _, err := c.CancelOrder(context.Background(), sampleReq); !errors.Is(err, werrors.ErrSystem) {
			t.Errorf("err = %v, want ErrSystem", err)
		}
		if n := srv.count(); n != tc.want {
			t.Errorf("policy %+v: requests = %d, want %d", tc.policy, n, tc.want)
		}
	}
}

// Transport errors are retried; through httpmock they need no server.
func TestTransportErrorRetried(t *testing.T) {
	t.Parallel()
	mt, hc := newMock(t)
	const u = "https://api.example.test/api/app"
	mt.RegisterResponder(http.MethodPost, u, httpmock.Responder(httpmock.ConnectionFailure).Then(httpmock.NewStringResponder(200, okReply)))
	c := newTestClient(t, u, WithHTTPClient(hc))
	if _, err := c.CancelOrder(context.Background(), sampleReq); err != nil {
		t.Fatal(err)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Errorf("calls = %d, want 2", n)
	}

	mt2, hc2 := newMock(t)
	mt2.RegisterResponder(http.MethodPost, u, httpmock.ConnectionFailure)
	c2 := newTestClient(t, u, WithHTTPClient(hc2))
	resp, err := c2.CancelOrder(context.Background(), sampleReq)
	var te *werrors.TransportError
	if resp != nil || !errors.As(err, &te) || !te.Retryable() || !strings.HasPrefix(err.Error(), "apiusb App.Logistics.CCancelOrder: no reply: ") {
		t.Errorf("CancelOrder = %+v, %v", resp, err)
	}
	if n := mt2.GetTotalCallCount(); n != 3 {
		t.Errorf("calls = %d, want 3", n)
	}
}

func TestValidationBeforeNetwork(t *testing.T) {
	t.Parallel()
	full := waybill.CancelRequest{OrderID: "o", WaybillID: "w", Reason: "r", DeliveryID: "SF"}
	for _, tc := range []struct {
		name   string
		call   func(*Client) error
		fields []string
	}{
		{"Cancel without OrderID", func(c *Client) error {
			r := full
			r.OrderID = ""
			_, err := c.Cancel(context.Background(), r)
			return err
		}, []string{"OrderID", "orderId"}},
		{"Cancel without WaybillID", func(c *Client) error {
			r := full
			r.WaybillID = " "
			_, err := c.Cancel(context.Background(), r)
			return err
		}, []string{"WaybillID", "taskId"}},
		{"Cancel without Reason", func(c *Client) error {
			r := full
			r.Reason = ""
			_, err := c.Cancel(context.Background(), r)
			return err
		}, []string{"Reason", "cancelMsg"}},
		{"Cancel with nothing", func(c *Client) error {
			_, err := c.Cancel(context.Background(), waybill.CancelRequest{})
			return err
		}, []string{"OrderID", "WaybillID", "Reason"}},
		{"CancelOrder nil", func(c *Client) error {
			_, err := c.CancelOrder(context.Background(), nil)
			return err
		}, []string{"CancelOrderRequest"}},
		{"CancelOrder without TaskID", func(c *Client) error {
			_, err := c.CancelOrder(context.Background(), &CancelOrderRequest{OrderID: "o", CancelMsg: "m"})
			return err
		}, []string{"TaskID", "taskId"}},
		{"CancelOrder with nothing", func(c *Client) error {
			_, err := c.CancelOrder(context.Background(), &CancelOrderRequest{})
			return err
		}, []string{"OrderID", "TaskID", "CancelMsg"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt, hc := newMock(t)
			mt.RegisterNoResponder(httpmock.NewStringResponder(200, okReply))
			tokens := &countingSource{}
			c := newTestClient(t, "https://api.example.test/api/app", WithHTTPClient(hc), WithAccessToken(tokens))
			err := tc.call(c)
			if !errors.Is(err, werrors.ErrInvalidParam) {
				t.Fatalf("err = %v, want ErrInvalidParam", err)
			}
			var pe *werrors.ParamError
			if !errors.As(err, &pe) {
				t.Errorf("err = %T, want a *errors.ParamError", err)
			}
			for _, f := range tc.fields {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not name %s", err, f)
				}
			}
			if n := mt.GetTotalCallCount(); n != 0 {
				t.Errorf("requests = %d, want 0", n)
			}
			if tokens.calls.Load() != 0 {
				t.Errorf("token fetched %d times before validation", tokens.calls.Load())
			}
		})
	}
}

func TestCancelResult(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		data string
		want string
	}{
		{`{"code":200,"message":"success","data":"取消成功"}`, "取消成功"},
		{`{"code":200,"message":"success","data":""}`, "success"},
		{`{"code":200,"message":"success"}`, "success"},
	} {
		srv := newServer(t, replyWith(200, `{"ret":200,"data":`+tc.data+`,"msg":""}`))
		c := newTestClient(t, srv.base())
		var cl waybill.Canceller = c
		res, err := cl.Cancel(context.Background(), waybill.CancelRequest{OrderID: "100012021107633", WaybillID: "BAB7", Reason: "不要了", DeliveryID: "ignored", OpenID: "ignored"})
		if err != nil {
			t.Fatal(err)
		}
		want := waybill.CancelResult{Provider: "apiusb", OrderID: "100012021107633", WaybillID: "BAB7", Message: tc.want}
		if *res != want {
			t.Errorf("result = %+v, want %+v", *res, want)
		}
		p := srv.requests()[0].Params
		if p.Get("orderId") != "100012021107633" || p.Get("taskId") != "BAB7" || p.Get("cancelMsg") != "不要了" || len(p) != 4 {
			t.Errorf("params = %v", p)
		}
	}
}

func TestCancelReturnsErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, `{"ret":200,"data":{"code":601,"message":"已揽收"},"msg":""}`))
	c := newTestClient(t, srv.base(), WithAccessToken(auth.NoToken()))
	res, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o", WaybillID: "w", Reason: "r"})
	if res != nil || asAPIError(t, err).Code != 601 {
		t.Errorf("Cancel = %+v, %v", res, err)
	}
	if _, ok := srv.requests()[0].Params["access_token"]; ok {
		t.Error("auth.NoToken sent an access_token")
	}
}
