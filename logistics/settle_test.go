package logistics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// When every attempt's answer is lost, CancelOrder asks order/get and
// reports what WeChat says.
func TestUnknownOutcomeIsSettledByGetOrder(t *testing.T) {
	t.Parallel()
	policy := waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	cases := []struct {
		name   string
		faults []logisticstest.Fault
		check  func(t *testing.T, srv *logisticstest.Server, res *waybill.CancelResult, err error)
	}{
		{"cancelled, every answer lost", []logisticstest.Fault{
			{Path: logisticstest.PathCancelOrder, Times: 3, DropAfterHandling: true},
		}, func(t *testing.T, srv *logisticstest.Server, res *waybill.CancelResult, err error) {
			if err != nil || !strings.Contains(res.Message, "order/get confirmed") {
				t.Fatalf("Cancel = %+v, %v; want success confirmed by order/get", res, err)
			}
		}},
		{"never reached WeChat", []logisticstest.Fault{
			{Path: logisticstest.PathCancelOrder, Times: 3, Drop: true},
		}, func(t *testing.T, srv *logisticstest.Server, res *waybill.CancelResult, err error) {
			var te *werrors.TransportError
			if res != nil || !errors.As(err, &te) || !werrors.Retryable(err) {
				t.Fatalf("Cancel = %+v, %v; want the cancel's own transport error", res, err)
			}
			if o, _ := srv.Order("o-1"); o.State != logisticstest.OrderOpen {
				t.Fatalf("order state %v", o.State)
			}
		}},
		{"system errors, then the query fails too", []logisticstest.Fault{
			{Path: logisticstest.PathCancelOrder, Times: 3, Errcode: -1},
			{Path: logisticstest.PathGetOrder, Times: 3, Status: 502},
		}, func(t *testing.T, srv *logisticstest.Server, res *waybill.CancelResult, err error) {
			var apiErr *werrors.APIError
			if res != nil || !errors.As(err, &apiErr) || apiErr.Code != -1 || !errors.Is(err, werrors.ErrSystem) ||
				!strings.Contains(err.Error(), "asking the provider afterwards failed too") {
				t.Fatalf("Cancel = %+v, %v; want the cancel's errcode -1 telling of the failed query", res, err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := logisticstest.NewServer()
			defer srv.Close()
			srv.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
			client, err := srv.Client(logistics.WithRetry(policy))
			if err != nil {
				t.Fatal(err)
			}
			// A token first, so that the faults meet the calls they are for.
			if _, err := client.TokenSource().Token(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, f := range c.faults {
				srv.Inject(f)
			}
			res, err := client.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "w-1", DeliveryID: "SF"})
			c.check(t, srv, res, err)
			if n := len(srv.RequestsTo(logisticstest.PathCancelOrder)); n != 3 {
				t.Errorf("%d cancel requests, want 3", n)
			}
			if n := len(srv.RequestsTo(logisticstest.PathGetOrder)); n == 0 {
				t.Error("order/get was not asked")
			}
		})
	}
}

// A conclusive answer needs no query.
func TestConclusiveCancelAsksNothing(t *testing.T) {
	t.Parallel()
	srv := logisticstest.NewServer()
	defer srv.Close()
	srv.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1", State: logisticstest.OrderPickedUp})
	client, _ := srv.Client()
	_, err := client.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o-1", WaybillID: "w-1", DeliveryID: "SF"})
	if !errors.Is(err, werrors.ErrAlreadyHasTrace) || len(srv.RequestsTo(logisticstest.PathGetOrder)) != 0 {
		t.Fatalf("err = %v, order/get asked %d times", err, len(srv.RequestsTo(logisticstest.PathGetOrder)))
	}
}

// An order/add whose answer is lost, and whose retry hears 9300522 ("this
// order_id is repeated"), created the waybill: AddOrder returns it, read
// with order/get, instead of an error that would invite a second shipment.
func TestAddOrderLostAnswerReturnsTheCreatedOrder(t *testing.T) {
	t.Parallel()
	var adds atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/cgi-bin/express/business/order/add":
			if adds.Add(1) == 1 {
				conn, _, _ := http.NewResponseController(w).Hijack()
				conn.Close()
				return
			}
			_, _ = io.WriteString(w, `{"errcode":9300522,"errmsg":"this orderid is repeated rid: r-2"}`)
		case "/cgi-bin/express/business/order/get":
			_, _ = io.WriteString(w, `{"order_id":"01234567890123456789","delivery_id":"SF","waybill_id":"SF123","order_status":0,"waybill_data":[{"key":"SF_bagAddr","value":"广州"}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := logistics.NewClient(auth.StaticToken("ACCESS-TOKEN-LONG-ENOUGH"), logistics.WithBaseURL(srv.URL),
		logistics.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.AddOrder(context.Background(), sampleOrder())
	if err != nil || resp.WaybillID != "SF123" || len(resp.WaybillData) != 1 || adds.Load() != 2 {
		t.Fatalf("AddOrder = %+v, %v after %d order/add requests", resp, err, adds.Load())
	}
	// Heard first, the same answer is the caller's problem.
	adds.Store(1)
	if _, err := c.AddOrder(context.Background(), sampleOrder()); !errors.Is(err, werrors.ErrDuplicateOrder) {
		t.Fatalf("first-attempt 9300522: %v", err)
	}
}
