package apiusb_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	werrors "github.com/waybill-go/waybill/errors"
)

// These tests run the client against apiusbtest's fake over real loopback
// HTTP, complementing the table tests against hand-written replies.

var fakeRetry = waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

func fakeClient(t *testing.T, srv *apiusbtest.Server, opts ...apiusb.Option) *apiusb.Client {
	t.Helper()
	c, err := srv.Client(append([]apiusb.Option{apiusb.WithRetry(fakeRetry)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fakeCancel(c *apiusb.Client, orderID, taskID string) (*apiusb.CancelOrderResponse, error) {
	return c.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: orderID, TaskID: taskID, CancelMsg: "不要了"})
}

func TestFakeCancelRoundTrip(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
			defer srv.Close()
			srv.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769"})
			c := fakeClient(t, srv, apiusb.WithMethod(method))

			resp, err := fakeCancel(c, "100012021107633", "BAB7EDF04019A6C7876096B88B611769")
			if err != nil || resp.Ret != 200 || resp.Data.Code != 200 || resp.Data.Message != "success" || resp.Data.Data != "取消成功" {
				t.Fatalf("CancelOrder: %+v, %v", resp, err)
			}
			if task, _ := srv.Task("BAB7EDF04019A6C7876096B88B611769"); task.State != apiusbtest.TaskCancelled {
				t.Fatalf("task state %v", task.State)
			}
			reqs := srv.RequestsTo(apiusbtest.ServiceCancelOrder)
			if len(reqs) != 1 {
				t.Fatalf("%d cancel requests", len(reqs))
			}
			r := reqs[0]
			if r.Method != method || r.Params.Get("orderId") != "100012021107633" || r.Params.Get("taskId") != "BAB7EDF04019A6C7876096B88B611769" ||
				r.Params.Get("cancelMsg") != "不要了" || r.Params.Get("access_token") == "" {
				t.Fatalf("request: %+v", r)
			}

			// Cancelling again is refused with the fake's own code.
			_, err = fakeCancel(c, "100012021107633", "BAB7EDF04019A6C7876096B88B611769")
			var apiErr *werrors.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != apiusbtest.CodeAlreadyCancelled || apiErr.CodeName != "code" {
				t.Fatalf("second cancel: %v", err)
			}
		})
	}
}

func TestFakeTokenRefreshedAfterRefusal(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	srv.AddTask(apiusbtest.Task{OrderID: "o2", TaskID: "t2"})
	tokens, err := srv.TokenSource()
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, apiusb.WithAccessToken(tokens))
	if _, err := fakeCancel(c, "o1", "t1"); err != nil {
		t.Fatal(err)
	}
	old, err := tokens.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv.InvalidateToken(old)

	// ret 406 → drop the token → ApplyToken → the same parameters again.
	if _, err := fakeCancel(c, "o2", "t2"); err != nil {
		t.Fatalf("after invalidation: %v", err)
	}
	reqs := srv.RequestsTo(apiusbtest.ServiceCancelOrder)
	if len(reqs) != 3 {
		t.Fatalf("%d cancel requests, want 3", len(reqs))
	}
	refused, resent := reqs[1].Params, reqs[2].Params
	if refused.Get("access_token") != old || resent.Get("access_token") == old || resent.Get("access_token") == "" ||
		refused.Get("taskId") != "t2" || resent.Get("taskId") != "t2" {
		t.Fatalf("refused %v, re-sent %v", refused, resent)
	}
	if n := srv.TokenFetches(); n != 2 {
		t.Fatalf("%d token fetches, want 2", n)
	}
	if task, _ := srv.Task("t2"); task.State != apiusbtest.TaskCancelled {
		t.Fatalf("t2 state %v", task.State)
	}
}

func TestFakeTokenRefusedTwice(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	c := fakeClient(t, srv)
	// Even the fresh token is refused: one refresh, then ErrUnauthorized.
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceCancelOrder, Times: 2, Ret: 406, Msg: "Not Acceptable: access_token is invalid"})
	_, err := fakeCancel(c, "o1", "t1")
	if !errors.Is(err, werrors.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if n, f := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)), srv.TokenFetches(); n != 2 || f != 2 {
		t.Fatalf("%d cancel requests and %d token fetches, want 2 and 2", n, f)
	}
}

func TestFakeRet5xxRetried(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	srv.AddTask(apiusbtest.Task{OrderID: "o2", TaskID: "t2"})
	c := fakeClient(t, srv)

	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceCancelOrder, Times: 2, Ret: 500, Msg: "Internal Server Error"})
	if _, err := fakeCancel(c, "o1", "t1"); err != nil {
		t.Fatalf("after two ret 500: %v", err)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}

	// Still failing after the last attempt: ErrSystem with ret and msg.
	srv.Inject(apiusbtest.Fault{Times: 3, Ret: 503, Msg: "Service Unavailable"})
	_, err := fakeCancel(c, "o2", "t2")
	var apiErr *werrors.APIError
	if !errors.Is(err, werrors.ErrSystem) || !errors.As(err, &apiErr) || apiErr.Code != 503 || apiErr.Message != "Service Unavailable" {
		t.Fatalf("three ret 503: %v", err)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)); n != 6 {
		t.Fatalf("%d requests, want 6", n)
	}
}

func TestFakeRet400NotRetried(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	c := fakeClient(t, srv)
	srv.Inject(apiusbtest.Fault{Times: 3, Ret: 400, Msg: "Bad Request: missing required parameter cancelMsg"})
	resp, err := fakeCancel(c, "o1", "t1")
	var apiErr *werrors.APIError
	if !errors.Is(err, werrors.ErrInvalidParam) || !errors.As(err, &apiErr) || apiErr.Code != 400 || resp == nil || resp.Ret != 400 {
		t.Fatalf("ret 400: %+v, %v", resp, err)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	if task, _ := srv.Task("t1"); task.State != apiusbtest.TaskOpen {
		t.Fatalf("task state %v", task.State)
	}
}

// The task is cancelled but the answer never arrives; the retry hears
// "already cancelled" (1002). Mapped to ErrDuplicateCancel, as the fake's
// Client does, that settles it: the call succeeded. Unmapped, the retry's
// refusal is all the client knows.
func TestFakeLostAnswer(t *testing.T) {
	t.Parallel()
	for _, mapped := range []bool{true, false} {
		srv := apiusbtest.NewServer()
		defer srv.Close()
		srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
		var opts []apiusb.Option
		if !mapped {
			opts = append(opts, apiusb.WithDataCodes(nil))
		}
		c := fakeClient(t, srv, opts...)
		srv.Inject(apiusbtest.Fault{DropAfterHandling: true})
		resp, err := fakeCancel(c, "o1", "t1")
		if mapped {
			if err != nil || resp.Data.Code != apiusbtest.CodeAlreadyCancelled {
				t.Fatalf("mapped: CancelOrder = %+v, %v; want success with the 1002 response", resp, err)
			}
		} else {
			var apiErr *werrors.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != apiusbtest.CodeAlreadyCancelled || errors.Is(err, werrors.ErrDuplicateCancel) {
				t.Fatalf("unmapped: err = %v", err)
			}
		}
		if task, _ := srv.Task("t1"); task.State != apiusbtest.TaskCancelled {
			t.Fatalf("task state %v", task.State)
		}
		// On a first attempt the same answer is an error, mapped or not.
		_, err = fakeCancel(c, "o1", "t1")
		if got := errors.Is(err, werrors.ErrDuplicateCancel); err == nil || got != mapped {
			t.Fatalf("mapped=%v: second cancel = %v", mapped, err)
		}
	}
}

func TestFakeGatewayPage(t *testing.T) {
	t.Parallel()
	srv := apiusbtest.NewServer()
	defer srv.Close()
	srv.AddTask(apiusbtest.Task{OrderID: "o1", TaskID: "t1"})
	c := fakeClient(t, srv)
	srv.Inject(apiusbtest.Fault{Status: http.StatusBadGateway})
	if _, err := fakeCancel(c, "o1", "t1"); err != nil {
		t.Fatalf("one 502 then success: %v", err)
	}
	if n := len(srv.RequestsTo(apiusbtest.ServiceCancelOrder)); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}
