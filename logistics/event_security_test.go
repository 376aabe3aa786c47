package logistics_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/wxcrypto"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// Each test here closes one of the holes issue 11 lists; each fails on the
// handler as it was before.

// strictConfig is the configuration a carrier deploys: a key, nothing else
// changed from the defaults.
func strictConfig(rec *recorder) logistics.EventConfig {
	return logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID, OnCancelWaybill: rec.on}
}

// serveReq runs req through h.
func serveReq(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// Forgery with a leaked URL: with a key, a plain push is refused, whatever
// body it carries, unless AllowPlain says otherwise.
func TestPlainPushRefusedWithKey(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, strictConfig(rec))
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		forged := logisticstest.SampleCancelWaybillEvent()
		forged.OrderID = "someone-elses-order"
		_, err := pusher(f, false).Push(context.Background(), h, forged)
		var se *logisticstest.PushStatusError
		if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: plain push to a handler with a key: %v, want 401", f, err)
		}
		// encrypt_type=raw is plain mode spelled out: refused the same way.
		body, _ := pusher(f, false).Marshal(forged)
		if w := serve(h, http.MethodPost, signed(testToken, "encrypt_type", "raw"), "", string(body)); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: encrypt_type=raw: status %d", f, w.Code)
		}
	}
	if rec.count() != 0 {
		t.Fatalf("a refused plain push reached the callback %d times", rec.count())
	}
	// Safe mode is answered, and so is the URL check.
	if _, err := pusher(logisticstest.FormatXML, true).Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent()); err != nil {
		t.Errorf("safe push: %v", err)
	}
	if err := pusher(logisticstest.FormatXML, false).Check(context.Background(), h); err != nil {
		t.Errorf("URL check: %v", err)
	}
	// AllowPlain (while the console switches modes) takes both.
	cfg := strictConfig(rec)
	cfg.AllowPlain = true
	if _, err := pusher(logisticstest.FormatJSON, false).Push(context.Background(), newHandler(t, cfg), logisticstest.SampleCancelWaybillEvent()); err != nil {
		t.Errorf("plain push with AllowPlain: %v", err)
	}
	if rec.count() != 2 {
		t.Errorf("callback ran %d times, want 2", rec.count())
	}
}

// A push dated long ago, or far ahead, is refused by default; a negative
// MaxClockSkew turns the check off.
func TestTimestampCheckedByDefault(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, strictConfig(rec))
	for _, at := range []time.Time{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().Add(-6 * time.Minute), time.Now().Add(6 * time.Minute)} {
		p := pusher(logisticstest.FormatXML, true)
		p.Now = func() time.Time { return at }
		var se *logisticstest.PushStatusError
		if _, err := p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent()); !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
			t.Errorf("push dated %v: %v, want 401", at, err)
		}
	}
	p := pusher(logisticstest.FormatXML, true)
	p.Now = func() time.Time { return time.Now().Add(-4 * time.Minute) }
	if _, err := p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent()); err != nil {
		t.Errorf("push 4 minutes old: %v", err)
	}
	off := strictConfig(rec)
	off.MaxClockSkew = -1
	p.Now = func() time.Time { return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) }
	if _, err := p.Push(context.Background(), newHandler(t, off), logisticstest.SampleCancelWaybillEvent()); err != nil {
		t.Errorf("with the check off: %v", err)
	}
	if rec.count() != 2 {
		t.Errorf("callback ran %d times, want 2", rec.count())
	}
}

// Replays: the same signed request sent again is answered from the store;
// another body under its signed query is refused.
func TestReplayedRequestAnsweredOnce(t *testing.T) {
	t.Parallel()
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/safe=%v", f, safe), func(t *testing.T) {
				t.Parallel()
				rec := &recorder{err: werrors.ErrAlreadyPickedUp}
				cfg := strictConfig(rec)
				cfg.AllowPlain = true
				h := newHandler(t, cfg)
				p := pusher(f, safe)
				req, err := p.NewRequest(context.Background(), "http://carrier.test/", logisticstest.SampleCancelWaybillEvent())
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(req.Body)
				for i := range 10 {
					req.Body = io.NopCloser(bytes.NewReader(body))
					r, err := p.ReadReply(serveReq(h, req).Result())
					if err != nil {
						t.Fatal(err)
					}
					reply, err := r.CancelWaybill()
					if err != nil || reply.ResultCode != 30002 || reply.OrderID != "012345678901234567890123456789" {
						t.Fatalf("replay %d: %+v, %v", i, reply, err)
					}
				}
				if rec.count() != 1 {
					t.Errorf("callback ran %d times for one request sent 10 times", rec.count())
				}

				// The same signed query with another body.
				forged := logisticstest.SampleCancelWaybillEvent()
				forged.WayBillID = "forged"
				other, err := p.NewRequest(context.Background(), "http://carrier.test/", forged)
				if err != nil {
					t.Fatal(err)
				}
				other.URL.RawQuery = req.URL.RawQuery
				if !safe {
					if w := serveReq(h, other); w.Code != http.StatusUnauthorized {
						t.Errorf("another body under a used query: status %d, want 401", w.Code)
					}
				}
				if rec.count() != 1 {
					t.Errorf("another body under a used query reached the callback")
				}
			})
		}
	}
}

// A plain-only handler (no key) cannot tell a forged body from WeChat's
// before it has seen the query; once the query was used, it can.
func TestUsedQueryNeverCarriesAnotherBody(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, logistics.EventConfig{Token: testToken, OnCancelWaybill: rec.on})
	good, _ := pusher(logisticstest.FormatXML, false).Marshal(logisticstest.SampleCancelWaybillEvent())
	q := signed(testToken)
	if w := serve(h, http.MethodPost, q, "text/xml", string(good)); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	forged := strings.Replace(string(good), "123456789", "999999999", 1)
	for range 3 {
		if w := serve(h, http.MethodPost, q, "text/xml", forged); w.Code != http.StatusUnauthorized {
			t.Errorf("forged body under a used query: status %d", w.Code)
		}
	}
	// A refused request is remembered too: the same bad body gets the
	// same refusal, another body under its query a 401.
	q2 := signed(testToken, "nonce", "31415")
	q2.Set("signature", wxcrypto.Signature(testToken, testTS, "31415"))
	if w := serve(h, http.MethodPost, q2, "text/xml", "<xml><Event>"); w.Code != http.StatusBadRequest {
		t.Errorf("malformed: %d", w.Code)
	}
	if w := serve(h, http.MethodPost, q2, "text/xml", "<xml><Event>"); w.Code != http.StatusBadRequest {
		t.Errorf("malformed again: %d", w.Code)
	}
	if w := serve(h, http.MethodPost, q2, "text/xml", string(good)); w.Code != http.StatusUnauthorized {
		t.Errorf("a good body under a query used by a refused one: %d", w.Code)
	}
	if rec.count() != 1 {
		t.Errorf("callback ran %d times, want 1", rec.count())
	}
}

// countingHandler has a callback for every event, each counting its calls
// and answering what answer says.
type counting struct {
	calls  atomic.Int64
	mu     sync.Mutex
	answer error
}

func (c *counting) set(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answer = err
}

func (c *counting) err() error {
	c.calls.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.answer
}

func countingConfig(c *counting) logistics.EventConfig {
	return logistics.EventConfig{
		Token: testToken, EncodingAESKey: testKey, AppID: testAppID,
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { return c.err() },
		OnAddWaybill: func(_ context.Context, ev *logistics.AddWaybillEvent) (*logistics.AddWaybillResult, error) {
			if err := c.err(); err != nil {
				return nil, err
			}
			return &logistics.AddWaybillResult{WayBillID: "SF" + ev.OrderID[:6], WaybillData: "##SF_bagAddr##广州##"}, nil
		},
		OnCheckBiz: func(context.Context, *logistics.CheckBizEvent) error { return c.err() },
		OnGetQuota: func(_ context.Context, ev *logistics.GetQuotaEvent) (int, error) {
			if ev.Event == logistics.EventCheckBiz { // asked for check_biz's answer: not counted
				return 42, nil
			}
			return 42, c.err()
		},
		OnExpressPath: func(context.Context, *logistics.ExpressPathEvent) error { return c.err() },
	}
}

// resultOf decodes any carrier answer's ResultCode, or 0 for "success".
func resultOf(t *testing.T, r *logisticstest.PushReply) int {
	t.Helper()
	if r.Success() {
		return 0
	}
	var v struct {
		ResultCode int `xml:"ResultCode" json:"ResultCode"`
	}
	reply, err := r.Quota() // every answer has a ResultCode; Quota reads it
	if err != nil {
		t.Fatal(err)
	}
	v.ResultCode = reply.ResultCode
	return v.ResultCode
}

func sampleEvents() map[string]any {
	return map[string]any{
		"cancel_waybill":   logisticstest.SampleCancelWaybillEvent(),
		"add_waybill":      logisticstest.SampleAddWaybillEvent(),
		"check_biz":        logisticstest.SampleCheckBizEvent(),
		"get_quota":        logisticstest.SampleGetQuotaEvent(),
		"add_express_path": logisticstest.SampleExpressPathEvent(),
	}
}

// WeChat's retries: the same event, signed anew, is answered with the
// stored outcome without a second callback; after a -1 the retry runs the
// callback again.
func TestWeChatRetryAnsweredFromStore(t *testing.T) {
	t.Parallel()
	for name, ev := range sampleEvents() {
		for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				t.Parallel()
				c := &counting{}
				h := newHandler(t, countingConfig(c))
				p := pusher(f, true)
				for i := range 4 { // the push and WeChat's three retries
					r, err := p.PushEvent(context.Background(), h, ev)
					if err != nil || resultOf(t, r) != 0 {
						t.Fatalf("push %d: %+v, %v", i, r, err)
					}
				}
				if c.calls.Load() != 1 {
					t.Errorf("callback ran %d times for one event", c.calls.Load())
				}

				// A failure (-1) is not remembered: the retry runs the
				// callback again, and its final answer is.
				c2 := &counting{}
				c2.set(errors.New("database down"))
				h2 := newHandler(t, countingConfig(c2))
				if _, err := p.PushEvent(context.Background(), h2, ev); name != "add_express_path" && err != nil {
					t.Fatal(err)
				}
				c2.set(nil)
				for range 2 {
					r, err := p.PushEvent(context.Background(), h2, ev)
					if err != nil || resultOf(t, r) != 0 {
						t.Fatalf("retry after -1: %+v, %v", r, err)
					}
				}
				if c2.calls.Load() != 2 {
					t.Errorf("callback ran %d times, want 2 (the failure, then one retry)", c2.calls.Load())
				}
			})
		}
	}
}

// Refusals by the carrier are final: a retry gets the same code.
func TestFinalRefusalRemembered(t *testing.T) {
	t.Parallel()
	c := &counting{}
	c.set(&logistics.ResultError{Code: logistics.ResultWrongPassword})
	h := newHandler(t, countingConfig(c))
	p := pusher(logisticstest.FormatJSON, true)
	for range 3 {
		r, err := p.PushEvent(context.Background(), h, logisticstest.SampleCheckBizEvent())
		if err != nil {
			t.Fatal(err)
		}
		reply, err := r.Quota()
		if err != nil || reply.ResultCode != 10002 || reply.ResultMsg != "wrong business password" || reply.Quota != 0 {
			t.Fatalf("reply %+v, %v", reply, err)
		}
	}
	if c.calls.Load() != 1 {
		t.Errorf("callback ran %d times", c.calls.Load())
	}
}

// Two deliveries of one event at once (WeChat's retry arriving while the
// first is still running) run the callback once; the second waits for the
// first's outcome.
func TestConcurrentDeliveriesRunOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		h := newHandler(t, logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID,
			OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
				calls.Add(1)
				time.Sleep(3 * time.Second) // slow, but within the deadline
				return werrors.ErrAlreadyPickedUp
			}})
		var wg sync.WaitGroup
		codes := make([]int, 3)
		for i := range codes {
			wg.Go(func() {
				time.Sleep(time.Duration(i) * time.Second)
				reply, err := pusher(logisticstest.FormatXML, true).Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
				if err != nil {
					t.Error(err)
					return
				}
				codes[i] = reply.ResultCode
			})
		}
		wg.Wait()
		if calls.Load() != 1 {
			t.Errorf("callback ran %d times for three deliveries of one event", calls.Load())
		}
		for i, c := range codes {
			if c != 30002 {
				t.Errorf("delivery %d answered %d, want 30002", i, c)
			}
		}
	})
}

// No time limit: a callback that ignores its context is answered -1 at
// CallbackTimeout, and its context ends then.
func TestCallbackTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		deadlines := make(chan time.Time, 4)
		cfg := logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID,
			OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
				d, _ := ctx.Deadline()
				deadlines <- d
				if calls.Add(1) == 1 {
					<-ctx.Done() // a callback that honours its context
					return ctx.Err()
				}
				return nil
			}}
		h := newHandler(t, cfg)
		p := pusher(logisticstest.FormatJSON, true)
		start := time.Now()
		reply, err := p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
		if err != nil || reply.ResultCode != -1 {
			t.Fatalf("reply %+v, %v", reply, err)
		}
		if got := time.Since(start); got != logistics.DefaultCallbackTimeout {
			t.Errorf("answered after %v (fake clock), want %v", got, logistics.DefaultCallbackTimeout)
		}
		if d := <-deadlines; !d.Equal(start.Add(logistics.DefaultCallbackTimeout)) {
			t.Errorf("callback deadline %v, want start+4s", d.Sub(start))
		}
		synctest.Wait() // the first callback has returned and released its claim
		// WeChat's retry, 5 s later: the -1 was not remembered.
		time.Sleep(5 * time.Second)
		reply, err = p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
		if err != nil || reply.ResultCode != 0 || calls.Load() != 2 {
			t.Fatalf("retry: %+v, %v, %d calls", reply, err, calls.Load())
		}
	})
}

// A callback that ignores its context entirely: the handler answers -1 at
// the deadline and does not wait for it. What the callback returns later
// is remembered if it is final, so WeChat's retry gets it.
func TestCallbackIgnoringItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		h := newHandler(t, logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID, CallbackTimeout: 2 * time.Second,
			OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
				calls.Add(1)
				time.Sleep(10 * time.Second)
				return nil
			}})
		p := pusher(logisticstest.FormatXML, true)
		start := time.Now()
		reply, err := p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
		if err != nil || reply.ResultCode != -1 || time.Since(start) != 2*time.Second {
			t.Fatalf("reply %+v, %v after %v", reply, err, time.Since(start))
		}
		// A retry while the first still runs waits for it, to its own
		// deadline: -1 again, no second call.
		time.Sleep(3 * time.Second)
		reply, err = p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
		if err != nil || reply.ResultCode != -1 || calls.Load() != 1 {
			t.Fatalf("retry during the call: %+v, %v, %d calls", reply, err, calls.Load())
		}
		// Once the callback has returned nil, the retry gets its 0.
		time.Sleep(10 * time.Second)
		reply, err = p.Push(context.Background(), h, logisticstest.SampleCancelWaybillEvent())
		if err != nil || reply.ResultCode != 0 || calls.Load() != 1 {
			t.Fatalf("retry after the call: %+v, %v, %d calls", reply, err, calls.Load())
		}
	})
}

// Memory: a validly signed body of about 900 KB, deeply nested or heavy
// with attributes, costs a small multiple of its size to refuse.
func TestBoundedDecodingMemory(t *testing.T) {
	// Plain bodies of 900 KB; sealed ones of 700 KB, which base64 makes
	// about 930 KB on the wire: all within the 1 MiB limit.
	bodies := func(size int) map[string]string {
		return map[string]string{
			"nested":      "<xml>" + strings.Repeat("<a>", size/3) + "</xml>",
			"attributes":  "<xml><Event a0=\"1\"" + strings.Repeat(" a=\"1\"", size/6) + ">cancel_waybill</Event></xml>",
			"elements":    "<xml>" + strings.Repeat("<a/>", size/4) + "<Event>cancel_waybill</Event></xml>",
			"json nested": `{"Event":"cancel_waybill","a":` + strings.Repeat("[", size/2) + strings.Repeat("]", size/2) + "}",
			"json wide":   `{"Event":"cancel_waybill","a":[` + strings.Repeat("1,", size/2) + "1]}",
		}
	}
	rec := &recorder{}
	cfg := safeConfig(rec)
	h := newHandler(t, cfg)
	for _, safe := range []bool{false, true} {
		size := 900 << 10
		if safe {
			size = 700 << 10
		}
		for name, body := range bodies(size) {
			p := pusher(logisticstest.FormatXML, safe)
			if strings.HasPrefix(body, "{") {
				p.Format = logisticstest.FormatJSON
			}
			req, err := p.NewRawRequest(context.Background(), "http://carrier.test/", []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			n := req.ContentLength
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			w := serveReq(h, req)
			runtime.ReadMemStats(&after)
			if w.Code != http.StatusBadRequest {
				t.Errorf("%s safe=%v: status %d", name, safe, w.Code)
			}
			// A sealed body is copied a few times on its way (the XML
			// decoder's buffer and the Encrypt string, base64-decoded,
			// decrypted): about 7× its size, 9× under the race detector.
			const k = 12
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > k*uint64(n) {
				t.Errorf("%s safe=%v: %d bytes allocated for a %d-byte body (over %d×)", name, safe, alloc, n, k)
			}
		}
	}
	if rec.count() != 0 {
		t.Error("an oversized document reached the callback")
	}
	// A legitimate large body (a long track) is still read.
	ev := logisticstest.SampleExpressPathEvent()
	for i := range 500 {
		ev.Actions = append(ev.Actions, logistics.ExpressPathAction{ActionTime: int64(i), ActionType: 200001, ActionMsg: strings.Repeat("途经", 50)})
	}
	var got int
	cfg.OnExpressPath = func(_ context.Context, e *logistics.ExpressPathEvent) error { got = len(e.Actions); return nil }
	if r, err := pusher(logisticstest.FormatXML, true).PushEvent(context.Background(), newHandler(t, cfg), ev); err != nil || !r.Success() || got != 503 {
		t.Errorf("a long track: %+v, %v, %d actions", r, err, got)
	}
}

// The handler's own memory store is bounded.
func TestMemoryEventStoreBounded(t *testing.T) {
	t.Parallel()
	s := logistics.NewMemoryEventStore(100)
	ctx := context.Background()
	for i := range 1000 {
		if _, claimed, err := s.Claim(ctx, "k"+strconv.Itoa(i), []byte("v"), time.Hour); err != nil || !claimed {
			t.Fatalf("claim %d: %v %v", i, claimed, err)
		}
	}
	if s.Len() != 100 {
		t.Errorf("store holds %d entries, want 100", s.Len())
	}
	// The oldest went first.
	if _, claimed, _ := s.Claim(ctx, "k0", []byte("w"), time.Hour); !claimed {
		t.Error("the oldest entry survived")
	}
	if cur, claimed, _ := s.Claim(ctx, "k999", []byte("w"), time.Hour); claimed || string(cur) != "v" {
		t.Errorf("the newest entry: %q %v", cur, claimed)
	}
	// Release deletes only the value it names; Put replaces.
	_ = s.Release(ctx, "k999", []byte("other"))
	if _, claimed, _ := s.Claim(ctx, "k999", []byte("w"), time.Hour); claimed {
		t.Error("Release deleted another value")
	}
	_ = s.Release(ctx, "k999", []byte("v"))
	if _, claimed, _ := s.Claim(ctx, "k999", []byte("w"), time.Hour); !claimed {
		t.Error("Release kept its own value")
	}
	_ = s.Put(ctx, "k999", []byte("x"), time.Hour)
	if cur, _, _ := s.Claim(ctx, "k999", nil, time.Hour); string(cur) != "x" {
		t.Errorf("Put: %q", cur)
	}
}

func TestMemoryEventStoreExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := logistics.NewMemoryEventStore(0)
		ctx := context.Background()
		_, _, _ = s.Claim(ctx, "k", []byte("v"), time.Minute)
		time.Sleep(59 * time.Second)
		if _, claimed, _ := s.Claim(ctx, "k", []byte("w"), time.Minute); claimed {
			t.Error("entry expired early")
		}
		time.Sleep(time.Second)
		if _, claimed, _ := s.Claim(ctx, "k", []byte("w"), time.Minute); !claimed {
			t.Error("entry did not expire")
		}
	})
}

// A store that fails refuses the push (503) rather than run the callback
// without protection.
type failingStore struct{}

func (failingStore) Claim(context.Context, string, []byte, time.Duration) ([]byte, bool, error) {
	return nil, false, errors.New("store down")
}
func (failingStore) Put(context.Context, string, []byte, time.Duration) error { return nil }
func (failingStore) Release(context.Context, string, []byte) error            { return nil }

func TestFailingStoreRefuses(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	cfg := strictConfig(rec)
	cfg.Store = failingStore{}
	_, err := pusher(logisticstest.FormatXML, true).Push(context.Background(), newHandler(t, cfg), logisticstest.SampleCancelWaybillEvent())
	var se *logisticstest.PushStatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable || rec.count() != 0 {
		t.Errorf("err %v, calls %d", err, rec.count())
	}
}

var _ = url.Values{}
