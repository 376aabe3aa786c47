package apiusbtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/safetynet"
)

var fastRetry = waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

func newClient(t *testing.T, srv *apiusbtest.Server, opts ...apiusb.Option) *apiusb.Client {
	t.Helper()
	c, err := srv.Client(append([]apiusb.Option{apiusb.WithRetry(fastRetry)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// envelope is a PhalApi reply as raw HTTP sees it.
type envelope struct {
	Ret  int             `json:"ret"`
	Data json.RawMessage `json:"data"`
	Msg  string          `json:"msg"`
}

// send makes one raw request: GET with params in the query, POST with them
// as a form body.
func send(t *testing.T, method, target string, params url.Values) (*http.Response, []byte) {
	t.Helper()
	var body io.Reader
	if method == http.MethodGet {
		target += "?" + params.Encode()
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// call makes one raw request and decodes the envelope.
func call(t *testing.T, method, target string, params url.Values) envelope {
	t.Helper()
	resp, b := send(t, method, target, params)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s %v: HTTP %d %s: %s", method, params, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("%s %v: %v: %s", method, params, err, b)
	}
	return env
}

func cancelParams(orderID, taskID string) url.Values {
	return url.Values{"s": {apiusbtest.ServiceCancelOrder}, "orderId": {orderID}, "taskId": {taskID}, "cancelMsg": {"不要了"}}
}

func applyToken(t *testing.T, srv *apiusbtest.Server, key, secret string) envelope {
	t.Helper()
	return call(t, http.MethodPost, srv.URL, url.Values{"s": {apiusbtest.ServiceApplyToken}, "app_key": {key}, "app_secret": {secret}})
}

func tokenOf(t *testing.T, env envelope) string {
	t.Helper()
	var d struct {
		AccessToken string `json:"access_token"`
	}
	if env.Ret != 200 || json.Unmarshal(env.Data, &d) != nil || d.AccessToken == "" {
		t.Fatalf("ApplyToken: %+v", env)
	}
	return d.AccessToken
}

func TestTaskBook(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o-open", TaskID: "t-open"})
	srv.AddTask(apiusbtest.Task{OrderID: "o-picked", TaskID: "t-picked", State: apiusbtest.TaskPickedUp})
	srv.AddTask(apiusbtest.Task{OrderID: "o-done", TaskID: "t-done", State: apiusbtest.TaskCancelled})
	c := newClient(t, srv)
	cases := []struct {
		name, orderID, taskID string
		code                  int
		message               string
		state                 apiusbtest.TaskState // after the call, for known tasks
	}{
		{"open", "o-open", "t-open", 200, "success", apiusbtest.TaskCancelled},
		{"again", "o-open", "t-open", apiusbtest.CodeAlreadyCancelled, "task already cancelled", apiusbtest.TaskCancelled},
		{"picked up", "o-picked", "t-picked", apiusbtest.CodePickedUp, "task already picked up, cannot cancel", apiusbtest.TaskPickedUp},
		{"cancelled", "o-done", "t-done", apiusbtest.CodeAlreadyCancelled, "task already cancelled", apiusbtest.TaskCancelled},
		{"unknown task", "o-open", "t-nope", apiusbtest.CodeTaskNotFound, "task not found", 0},
		{"other order", "o-other", "t-picked", apiusbtest.CodeTaskNotFound, "task not found", apiusbtest.TaskPickedUp},
	}
	for _, cs := range cases {
		resp, err := c.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: cs.orderID, TaskID: cs.taskID, CancelMsg: "不要了"})
		if resp == nil || resp.Ret != 200 || resp.Data.Code != cs.code || resp.Data.Message != cs.message {
			t.Errorf("%s: response %+v, want data.code %d %q", cs.name, resp, cs.code, cs.message)
		}
		if cs.code == 200 {
			if err != nil || resp.Data.Data != "取消成功" {
				t.Errorf("%s: err = %v, data.data %q", cs.name, err, resp.Data.Data)
			}
		} else {
			var apiErr *werrors.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != cs.code || apiErr.CodeName != "code" || apiErr.Sentinel != apiusbtest.DataCodes[cs.code] {
				t.Errorf("%s: err = %v, want data.code %d matching %v", cs.name, err, cs.code, apiusbtest.DataCodes[cs.code])
			}
		}
		if task, ok := srv.Task(cs.taskID); ok && task.State != cs.state {
			t.Errorf("%s: state %v, want %v", cs.name, task.State, cs.state)
		}
	}
	if _, ok := srv.Task("t-nope"); ok {
		t.Error("Task reports an unknown task")
	}
	if !srv.SetTaskState("t-open", apiusbtest.TaskOpen) || srv.SetTaskState("t-nope", apiusbtest.TaskOpen) {
		t.Error("SetTaskState reports existence wrongly")
	}
	if task, _ := srv.Task("t-open"); task != (apiusbtest.Task{OrderID: "o-open", TaskID: "t-open", State: apiusbtest.TaskOpen}) {
		t.Errorf("after SetTaskState: %+v", task)
	}
	// AddTask replaces a task with the same TaskID.
	srv.AddTask(apiusbtest.Task{OrderID: "o-new", TaskID: "t-open", State: apiusbtest.TaskPickedUp})
	if task, _ := srv.Task("t-open"); task.OrderID != "o-new" || task.State != apiusbtest.TaskPickedUp {
		t.Errorf("after replacing: %+v", task)
	}
}

func TestCancelThroughCanceller(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769"})
	var c waybill.Canceller = newClient(t, srv)
	res, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "100012021107633", WaybillID: "BAB7EDF04019A6C7876096B88B611769", Reason: "不要了"})
	if err != nil || res.Provider != "apiusb" || res.Message != "取消成功" {
		t.Fatalf("Cancel: %+v, %v", res, err)
	}
}

func TestUnknownTaskState(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o", TaskID: "t", State: apiusbtest.TaskState(42)})
	env := call(t, http.MethodPost, srv.URL, cancelParams("o", "t"))
	if env.Ret != 500 || !strings.Contains(env.Msg, "TaskState(42)") {
		t.Fatalf("unknown state: %+v", env)
	}
}

func TestParameterChecks(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o", TaskID: "t"})
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		for _, name := range []string{"orderId", "taskId", "cancelMsg"} {
			p := cancelParams("o", "t")
			p.Del(name)
			if env := call(t, method, srv.URL, p); env.Ret != 400 || !strings.Contains(env.Msg, name) {
				t.Errorf("%s without %s: %+v", method, name, env)
			}
			p.Set(name, "  ")
			if env := call(t, method, srv.URL, p); env.Ret != 400 || !strings.Contains(env.Msg, name) {
				t.Errorf("%s with blank %s: %+v", method, name, env)
			}
		}
		if env := call(t, method, srv.URL, url.Values{"orderId": {"o"}}); env.Ret != 400 || !strings.Contains(env.Msg, "parameter s") {
			t.Errorf("%s without s: %+v", method, env)
		}
		if env := call(t, method, srv.URL, url.Values{"s": {"App.Logistics.PackageTrack"}}); env.Ret != 404 || !strings.Contains(env.Msg, "App.Logistics.PackageTrack") {
			t.Errorf("%s unknown service: %+v", method, env)
		}
	}
	if task, _ := srv.Task("t"); task.State != apiusbtest.TaskOpen {
		t.Fatalf("a refused request changed the task: %v", task.State)
	}
	// PhalApi's older parameter name for the service works too.
	p := cancelParams("o", "t")
	p.Del("s")
	p.Set("service", apiusbtest.ServiceCancelOrder)
	if env := call(t, http.MethodGet, srv.URL, p); env.Ret != 200 {
		t.Fatalf("service=: %+v", env)
	}
	// The client's own error for a 400 it did not catch locally.
	c := newClient(t, srv)
	srv.Inject(apiusbtest.Fault{Ret: 400, Msg: "Bad Request: missing required parameter orderId"})
	_, err := c.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: "o", TaskID: "t", CancelMsg: "x"})
	if !errors.Is(err, werrors.ErrInvalidParam) {
		t.Fatalf("ret 400: %v", err)
	}
}

func TestQueryFormAndMultipart(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	srv.AddTask(apiusbtest.Task{OrderID: "o2", TaskID: "t2"})

	// s in the query, the rest in the form; the body wins over the query.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/?s="+apiusbtest.ServiceCancelOrder+"&orderId=wrong",
		strings.NewReader("orderId=o1&taskId=t1&cancelMsg=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"code":200`) {
		t.Fatalf("query+form: %s", b)
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"s": apiusbtest.ServiceCancelOrder, "orderId": "o2", "taskId": "t2", "cancelMsg": "x"} {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	resp, err = http.Post(srv.URL, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"code":200`) {
		t.Fatalf("multipart: %s", b)
	}

	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Params.Get("orderId") != "o1" || len(reqs[0].Params["orderId"]) != 2 || reqs[1].Params.Get("taskId") != "t2" || reqs[1].Service != apiusbtest.ServiceCancelOrder {
		t.Fatalf("log: %+v", reqs)
	}

	// A body that is not a form: ret 400, nothing panics.
	resp, err = http.Post(srv.URL+"/?s="+apiusbtest.ServiceCancelOrder, "application/x-www-form-urlencoded", strings.NewReader("orderId=%zz"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"ret":400`) {
		t.Fatalf("bad form: %s", b)
	}
	// Nor does a body over the cap.
	resp, err = http.Post(srv.URL+"/?s="+apiusbtest.ServiceCancelOrder, "application/x-www-form-urlencoded", strings.NewReader("x="+strings.Repeat("a", 1<<20+100)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"ret":400`) {
		t.Fatalf("huge form: %.200s", b)
	}
}

func TestPathsAndMethods(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	resp, b := send(t, http.MethodPost, srv.URL+"/api/app", cancelParams("o", "t"))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "<html>") {
		t.Fatalf("other path: HTTP %d %s", resp.StatusCode, b)
	}
	resp, _ = send(t, http.MethodPut, srv.URL, cancelParams("o", "t"))
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST" {
		t.Fatalf("PUT: HTTP %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	// The client reads the 404 page as an unusable reply.
	c, err := apiusb.NewClient(apiusb.WithBaseURL(srv.URL+"/api/app"), apiusb.WithRetry(waybill.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: "o", TaskID: "t", CancelMsg: "x"})
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 404 || !errors.Is(err, werrors.ErrSystem) {
		t.Fatalf("wrong base URL: %v", err)
	}
}

func TestApplyToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 28, 21, 15, 8, 0, time.UTC)
	srv := apiusbtest.NewServer(
		apiusbtest.WithClock(func() time.Time { return now }),
		apiusbtest.WithTokenLifetime(90*time.Minute+time.Millisecond),
		apiusbtest.WithApp("other-key", "other-secret"),
		apiusbtest.WithApp("", "ignored"),
		apiusbtest.WithTokenLifetime(-time.Second), // ignored
		apiusbtest.WithClock(nil),                  // ignored
		nil,
	)
	defer srv.Close()
	env := applyToken(t, srv, apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret)
	var d struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		ExpireTime  int64  `json:"expire_time"`
	}
	if err := json.Unmarshal(env.Data, &d); err != nil || env.Ret != 200 || !strings.HasPrefix(d.AccessToken, "FAKE_AT_") ||
		d.ExpiresIn != 90*60+1 || d.ExpireTime != now.Add(90*time.Minute).Unix() {
		t.Fatalf("ApplyToken: %+v %+v", env, d)
	}
	second := tokenOf(t, applyToken(t, srv, "other-key", "other-secret"))
	if second == d.AccessToken {
		t.Fatal("two fetches gave the same token")
	}
	if n := srv.TokenFetches(); n != 2 {
		t.Fatalf("TokenFetches = %d", n)
	}
	for _, cs := range []struct {
		key, secret string
		ret         int
		msg         string
	}{
		{apiusbtest.DefaultAppKey, "wrong", 401, "app_secret"},
		{"nobody", apiusbtest.DefaultAppSecret, 401, "app_key"},
		{"other-key", apiusbtest.DefaultAppSecret, 401, "app_key"},
		{"", "x", 400, "app_key"},
		{apiusbtest.DefaultAppKey, "", 400, "app_secret"},
	} {
		if env := applyToken(t, srv, cs.key, cs.secret); env.Ret != cs.ret || !strings.Contains(env.Msg, cs.msg) {
			t.Errorf("%q/%q: %+v, want ret %d", cs.key, cs.secret, env, cs.ret)
		}
	}
	if n := srv.TokenFetches(); n != 2 {
		t.Fatalf("refused fetches counted: %d", n)
	}

	// The SDK's token source reads the reply, and its refusal.
	ts, err := srv.TokenSource(apiusb.WithRetry(waybill.NoRetry))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := ts.Token(context.Background()); err != nil || !strings.HasPrefix(tok, "FAKE_AT_") {
		t.Fatalf("TokenSource: %q, %v", tok, err)
	}
	bad, err := apiusb.NewTokenSource(apiusbtest.DefaultAppKey, "wrong", apiusb.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Token(context.Background())
	var apiErr *werrors.APIError
	if !errors.Is(err, werrors.ErrInvalidCredentials) || !errors.As(err, &apiErr) || apiErr.Code != 401 {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestTokenChecks(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired(), apiusbtest.WithClock(clock), apiusbtest.WithTokenLifetime(time.Hour))
	defer srv.Close()
	for i := range 6 {
		srv.AddTask(apiusbtest.Task{OrderID: "o", TaskID: fmt.Sprint("t", i)})
	}
	withToken := func(task, token string) url.Values {
		p := cancelParams("o", task)
		if token != "" {
			p.Set("access_token", token)
		}
		return p
	}
	refused := func(name string, p url.Values, msg string) {
		t.Helper()
		if env := call(t, http.MethodPost, srv.URL, p); env.Ret != 406 || !strings.Contains(env.Msg, msg) {
			t.Errorf("%s: %+v, want ret 406 %q", name, env, msg)
		}
		if task, _ := srv.Task(p.Get("taskId")); task.State != apiusbtest.TaskOpen {
			t.Errorf("%s: the task was cancelled", name)
		}
	}
	refused("missing", withToken("t0", ""), "missing")
	refused("unknown", withToken("t0", "FAKE_AT_forged"), "invalid")

	tok := tokenOf(t, applyToken(t, srv, apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret))
	if env := call(t, http.MethodGet, srv.URL, withToken("t1", tok)); env.Ret != 200 {
		t.Fatalf("valid token: %+v", env)
	}
	advance(time.Hour)
	refused("expired", withToken("t2", tok), "expired")

	tok = tokenOf(t, applyToken(t, srv, apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret))
	srv.InvalidateToken(tok)
	refused("invalidated", withToken("t3", tok), "invalid")

	tok = tokenOf(t, applyToken(t, srv, apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret))
	srv.ExpireTokens()
	refused("ExpireTokens", withToken("t4", tok), "expired")

	// The service name is checked before the token, and ApplyToken needs none.
	if env := call(t, http.MethodPost, srv.URL, url.Values{"s": {"App.Nope"}}); env.Ret != 404 {
		t.Errorf("unknown service without token: %+v", env)
	}

	// Without WithTokenRequired a token, even a forged one, is ignored.
	open := apiusbtest.NewServer()
	defer open.Close()
	open.AddTask(apiusbtest.Task{OrderID: "o", TaskID: "t"})
	if env := call(t, http.MethodPost, open.URL, withToken("t", "FAKE_AT_forged")); env.Ret != 200 {
		t.Errorf("token not required: %+v", env)
	}
	c := newClient(t, open)
	if got := fmt.Sprint(c); !strings.Contains(got, "AccessToken:none") {
		t.Errorf("Client without WithTokenRequired sends a token: %s", got)
	}
}

func TestClientRefreshesRefusedToken(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	srv.AddTask(apiusbtest.Task{OrderID: "o2", TaskID: "t2"})
	ts, err := srv.TokenSource()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, apiusb.WithAccessToken(ts), apiusb.WithMethod(http.MethodGet))
	ctx := context.Background()
	if _, err := c.CancelOrder(ctx, &apiusb.CancelOrderRequest{OrderID: "o1", TaskID: "t1", CancelMsg: "x"}); err != nil {
		t.Fatal(err)
	}
	old, _ := ts.Token(ctx)
	srv.InvalidateToken(old)
	if _, err := c.CancelOrder(ctx, &apiusb.CancelOrderRequest{OrderID: "o2", TaskID: "t2", CancelMsg: "x"}); err != nil {
		t.Fatalf("after invalidation: %v", err)
	}
	cancels := srv.RequestsTo(apiusbtest.ServiceCancelOrder)
	if len(cancels) != 3 || cancels[1].Params.Get("access_token") != old || cancels[2].Params.Get("access_token") == old || cancels[2].Method != http.MethodGet {
		t.Fatalf("cancel requests: %+v", cancels)
	}
	if n := srv.TokenFetches(); n != 2 {
		t.Fatalf("TokenFetches = %d, want 2", n)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	for i := 1; i <= 6; i++ {
		srv.AddTask(apiusbtest.Task{OrderID: fmt.Sprint("o", i), TaskID: fmt.Sprint("t", i)})
	}
	c := newClient(t, srv)
	ctx := context.Background()
	cancel := func(ctx context.Context, i int) (*apiusb.CancelOrderResponse, error) {
		return c.CancelOrder(ctx, &apiusb.CancelOrderRequest{OrderID: fmt.Sprint("o", i), TaskID: fmt.Sprint("t", i), CancelMsg: "x"})
	}
	count := func() int { return len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)) }

	// Two ret 503, then the real answer: retried to success.
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceCancelOrder, Times: 2, Ret: 503})
	if _, err := cancel(ctx, 1); err != nil {
		t.Fatalf("after two 503: %v", err)
	}
	if n := count(); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}

	// A fault for another service leaves this one alone, and stays queued.
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceApplyToken, Ret: 500})
	if _, err := cancel(ctx, 2); err != nil {
		t.Fatalf("fault for another service: %v", err)
	}
	if env := applyToken(t, srv, apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret); env.Ret != 500 || env.Msg != "injected error" {
		t.Fatalf("queued ApplyToken fault: %+v", env)
	}

	// An inner code with a message, not retried.
	before := count()
	srv.Inject(apiusbtest.Fault{Code: 3001, Msg: "carrier busy"})
	_, err := cancel(ctx, 3)
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 3001 || apiErr.Message != "carrier busy" || apiErr.CodeName != "code" || count() != before+1 {
		t.Fatalf("Code fault: %v", err)
	}
	if task, _ := srv.Task("t3"); task.State != apiusbtest.TaskOpen {
		t.Fatal("a faulted request reached the task book")
	}

	// A gateway page on every attempt: ErrSystem with the status.
	srv.Inject(apiusbtest.Fault{Times: 3, Status: 502})
	_, err = cancel(ctx, 3)
	if !errors.Is(err, werrors.ErrSystem) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != 502 {
		t.Fatalf("502s: %v", err)
	}

	// The answer is lost after the task was cancelled: the retry hears the
	// fake's "already cancelled", which its Client maps to
	// ErrDuplicateCancel: the cancellation succeeded.
	srv.Inject(apiusbtest.Fault{DropAfterHandling: true})
	resp, err := cancel(ctx, 4)
	if err != nil || resp.Data.Code != apiusbtest.CodeAlreadyCancelled {
		t.Fatalf("lost answer: %+v, %v", resp, err)
	}
	if task, _ := srv.Task("t4"); task.State != apiusbtest.TaskCancelled {
		t.Fatalf("t4 state %v", task.State)
	}

	// A dropped connection is retried; the task is cancelled once.
	before = count()
	srv.Inject(apiusbtest.Fault{Drop: true})
	if _, err := cancel(ctx, 5); err != nil {
		t.Fatalf("drop: %v", err)
	}
	if n := count(); n != before+2 {
		t.Fatalf("drop: %d requests, want 2", n-before)
	}

	// A delay longer than the caller's deadline: an hour, so that only the
	// deadline can end the call, and the task stays open.
	srv.Inject(apiusbtest.Fault{Delay: time.Hour})
	dctx, stop := context.WithTimeout(ctx, 100*time.Millisecond)
	defer stop()
	before = count()
	err = safetynet.Wait(t, "CancelOrder against an hour's delay", func() error {
		_, err := cancel(dctx, 6)
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("delay: %v, want the deadline", err)
	}
	// On a busy machine the deadline may pass before the request is out;
	// never is it sent twice.
	if n := count() - before; n > 1 {
		t.Fatalf("delay: %d requests, want at most 1", n)
	}
	if task, _ := srv.Task("t6"); task.State != apiusbtest.TaskOpen {
		t.Fatalf("t6 state %v: the delayed request was handled", task.State)
	}
	// A short delay on its own changes nothing else: the answer is the
	// usual one (that a delay delays is shown above).
	srv.Inject(apiusbtest.Fault{Delay: time.Millisecond, Ret: 200})
	before = count()
	if resp, err := cancel(ctx, 6); err != nil || resp.Data.Code != 200 || count() != before+1 {
		t.Fatalf("short delay: %+v, %v after %d requests", resp, err, count()-before)
	}
	if task, _ := srv.Task("t6"); task.State != apiusbtest.TaskCancelled {
		t.Fatalf("t6 state %v after the delayed cancel", task.State)
	}
}

func TestFaultsApplyInOrder(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.Inject(apiusbtest.Fault{Ret: 501, Times: 2})
	srv.Inject(apiusbtest.Fault{Ret: 502})
	srv.Inject(apiusbtest.Fault{Code: 7, Msg: ""})
	p := url.Values{"s": {"App.Anything"}}
	var got []string
	for range 5 {
		env := call(t, http.MethodGet, srv.URL, p)
		got = append(got, fmt.Sprintf("%d %s", env.Ret, env.Data))
	}
	want := []string{"501 {}", "501 {}", "502 {}", `200 {"code":7,"data":"","message":"injected failure"}`, "404 {}"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired(), apiusbtest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	c := newClient(t, srv)
	if _, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o1", WaybillID: "t1", Reason: "不要了"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Service != apiusbtest.ServiceApplyToken || reqs[1].Service != apiusbtest.ServiceCancelOrder {
		t.Fatalf("requests: %+v", reqs)
	}
	if r := reqs[0]; r.Method != http.MethodPost || r.Params.Get("app_key") != apiusbtest.DefaultAppKey || !r.Time.Equal(at) {
		t.Fatalf("token request: %+v", r)
	}
	if r := reqs[1]; r.Method != http.MethodPost || r.Params.Get("cancelMsg") != "不要了" || r.Params.Get("taskId") != "t1" || r.Params.Get("access_token") == "" {
		t.Fatalf("cancel request: %+v", r)
	}
	// The log hands out copies.
	reqs[1].Params.Set("taskId", "changed")
	if got := srv.RequestsTo(apiusbtest.ServiceCancelOrder)[0].Params.Get("taskId"); got != "t1" {
		t.Fatalf("the log changed with a copy: %q", got)
	}
	if got := srv.RequestsTo("App.Nope"); len(got) != 0 {
		t.Fatalf("RequestsTo an unused service: %+v", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o", TaskID: "t"})
	c := newClient(t, srv)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: "o", TaskID: "t", CancelMsg: "x"})
			errs <- err
			// The other methods, alongside.
			srv.AddTask(apiusbtest.Task{OrderID: "o", TaskID: fmt.Sprint("x", i)})
			srv.SetTaskState(fmt.Sprint("x", i), apiusbtest.TaskPickedUp)
			_, _ = srv.Task("t")
			_ = srv.Requests()
			_ = srv.TokenFetches()
			srv.Inject(apiusbtest.Fault{Service: "App.Nope"})
			srv.InvalidateToken("nothing")
		}()
	}
	wg.Wait()
	close(errs)
	ok, dup := 0, 0
	for err := range errs {
		var apiErr *werrors.APIError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &apiErr) && apiErr.Code == apiusbtest.CodeAlreadyCancelled:
			dup++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || dup != n-1 {
		t.Fatalf("%d cancelled, %d already cancelled; want 1 and %d", ok, dup, n-1)
	}
	if f := srv.TokenFetches(); f != 1 {
		t.Fatalf("%d token fetches, want 1", f)
	}
}

func TestTaskStateString(t *testing.T) {
	t.Parallel()
	for st, want := range map[apiusbtest.TaskState]string{
		apiusbtest.TaskOpen: "open", apiusbtest.TaskPickedUp: "picked up", apiusbtest.TaskCancelled: "cancelled", apiusbtest.TaskState(99): "TaskState(99)",
	} {
		if got := fmt.Sprint(st); got != want {
			t.Errorf("%d: %q, want %q", int(st), got, want)
		}
	}
}
