package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// The provider of these tests answers {"state": …, "note": …}: "ok",
// "busy" (transient, outcome unknown), "stale" (token rejected), "done"
// (already done: matches ErrDuplicateCancel), anything else a refusal.
type reply struct {
	State string `json:"state"`
	Note  string `json:"note"`
	List  []struct {
		Text string `json:"text"`
	} `json:"list"`
	Map map[string]string `json:"map"`
}

func judgeReply(p *Pipeline, out *reply) func(r *httpx.Reply) Judgement {
	return func(r *httpx.Reply) Judgement {
		*out = reply{}
		if err := json.Unmarshal(r.Body, out); err != nil {
			return p.UnusableJudgement("op", r.Status, err)
		}
		e := &werrors.APIError{Provider: "test", Op: "op", Code: 1, Message: out.Note, HTTPStatus: r.Status}
		switch out.State {
		case "ok":
			return Judgement{Verdict: Success}
		case "busy":
			e.Sentinel = werrors.ErrSystem
			return Judgement{Verdict: Transient, Err: e, Unknown: true}
		case "stale":
			e.Sentinel = werrors.ErrInvalidToken
			return Judgement{Verdict: TokenRejected, Err: e}
		case "done":
			e.Sentinel = werrors.ErrDuplicateCancel
			return Judgement{Verdict: Refused, Err: e}
		}
		return Judgement{Verdict: Refused, Err: e}
	}
}

// server answers the n-th request (from 1) with answers[n-1], the last one
// after that, and records what it got.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
	tokens []string
}

func newServer(t *testing.T, answers ...func(w http.ResponseWriter)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.tokens = append(s.tokens, r.URL.Query().Get("access_token"))
		n := len(s.bodies)
		s.mu.Unlock()
		answers[min(n, len(answers))-1](w)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func answer(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

var fast = waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}

// tokens hands out tok-1, tok-2, … and counts invalidations.
type tokens struct {
	mu          sync.Mutex
	n           int
	invalidated []string
}

func (ts *tokens) Token(context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return fmt.Sprintf("token-%04d", ts.n+1), nil
}

func (ts *tokens) Invalidate(_ context.Context, rejected string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.invalidated = append(ts.invalidated, rejected)
	ts.n++
	return nil
}

// static is a token source that cannot be refreshed.
type static string

func (s static) Token(context.Context) (string, error) { return string(s), nil }

// exchange is the test provider's side of a call.
type exchange struct {
	url   func(token string) string
	judge func(*httpx.Reply) Judgement
}

func (x exchange) Request(token string) (*httpx.Request, error) {
	return &httpx.Request{Method: http.MethodPost, URL: x.url(token),
		Body: []byte(`{"same":"body"}`), ContentType: "application/json", LogOp: "op"}, nil
}

func (x exchange) Judge(r *httpx.Reply) Judgement { return x.judge(r) }

func call(p *Pipeline, srv *server, ts TokenSource, out *reply) *Call {
	return &Call{
		Op:          "op",
		Tokens:      ts,
		Exchange:    exchange{url: func(token string) string { return srv.URL + "/op?access_token=" + token }, judge: judgeReply(p, out)},
		Out:         out,
		AlreadyDone: werrors.ErrDuplicateCancel,
	}
}

func TestTokenRejectedIsReplacedOnceAndTheSameBodySent(t *testing.T) {
	t.Parallel()
	p := New("test", Settings{Retry: &fast})
	srv := newServer(t, answer(200, `{"state":"stale"}`), answer(200, `{"state":"ok"}`))
	ts := &tokens{}
	var out reply
	o, err := p.Do(context.Background(), call(p, srv, ts, &out))
	if err != nil || !o.Refreshed || o.Attempts != 2 {
		t.Fatalf("Do = %+v, %v", o, err)
	}
	if len(ts.invalidated) != 1 || ts.invalidated[0] != "token-0001" {
		t.Errorf("invalidated %v", ts.invalidated)
	}
	if srv.tokens[0] != "token-0001" || srv.tokens[1] != "token-0002" || srv.bodies[0] != srv.bodies[1] {
		t.Errorf("sent %v with %v", srv.bodies, srv.tokens)
	}

	// A second rejection is final; so is the first for a source that
	// cannot be refreshed.
	for _, ts := range []TokenSource{&tokens{}, static("static-token")} {
		srv := newServer(t, answer(200, `{"state":"stale"}`))
		_, err := p.Do(context.Background(), call(p, srv, ts, &out))
		want := 2
		if _, ok := ts.(static); ok {
			want = 1
		}
		if !errors.Is(err, werrors.ErrInvalidToken) || srv.count() != want {
			t.Errorf("%T: err = %v after %d requests, want ErrInvalidToken after %d", ts, err, srv.count(), want)
		}
	}
}

func TestLostAnswerThenAlreadyDoneIsSuccess(t *testing.T) {
	t.Parallel()
	p := New("test", Settings{Retry: &fast})
	for _, first := range []func(http.ResponseWriter){hangUp, answer(503, "<html>busy</html>"), answer(200, `{"state":"busy"}`)} {
		srv := newServer(t, first, answer(200, `{"state":"done"}`))
		var out reply
		o, err := p.Do(context.Background(), call(p, srv, nil, &out))
		if err != nil || !o.Settled || out.State != "done" {
			t.Errorf("Do = %+v, %v, %+v; want settled success", o, err, out)
		}
	}
	// Heard on the first attempt, "already done" is the caller's to judge.
	srv := newServer(t, answer(200, `{"state":"done"}`))
	var out reply
	if o, err := p.Do(context.Background(), call(p, srv, nil, &out)); !errors.Is(err, werrors.ErrDuplicateCancel) || o.Settled {
		t.Errorf("first attempt: %+v, %v", o, err)
	}
}

func TestSettleAsksOnlyWhenTheOutcomeStaysUnknown(t *testing.T) {
	t.Parallel()
	p := New("test", Settings{Retry: &fast})
	var asked atomic.Int64
	settle := func(result bool, err error) func(context.Context) (bool, error) {
		return func(context.Context) (bool, error) { asked.Add(1); return result, err }
	}
	boom := errors.New("query failed")
	cases := []struct {
		name    string
		answers []func(http.ResponseWriter)
		settle  func(context.Context) (bool, error)
		asked   int64
		check   func(Outcome, error) bool
	}{
		{"unknown, then done", []func(http.ResponseWriter){hangUp}, settle(true, nil), 1,
			func(o Outcome, err error) bool { return err == nil && o.Settled }},
		{"unknown, still open", []func(http.ResponseWriter){answer(200, `{"state":"busy"}`)}, settle(false, nil), 1,
			func(o Outcome, err error) bool { return errors.Is(err, werrors.ErrSystem) && !o.Settled }},
		{"unknown, query fails", []func(http.ResponseWriter){answer(502, "")}, settle(false, boom), 1,
			func(o Outcome, err error) bool {
				return errors.Is(err, werrors.ErrSystem) && !errors.Is(err, boom) && strings.Contains(err.Error(), "query failed")
			}},
		{"conclusive refusal", []func(http.ResponseWriter){hangUp, answer(200, `{"state":"no"}`)}, settle(true, nil), 0,
			func(o Outcome, err error) bool { return err != nil && !o.Settled }},
		{"never sent", nil, settle(true, nil), 0, nil},
	}
	for _, c := range cases {
		asked.Store(0)
		if c.answers == nil {
			// A refused connection: the request never left.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			var out reply
			_, err = p.Do(context.Background(), &Call{Op: "op", Exchange: exchange{url: func(string) string { return "http://" + addr + "/op" }, judge: judgeReply(p, &out)}, Settle: c.settle})
			var te *werrors.TransportError
			if !errors.As(err, &te) || te.MaybeSent || !werrors.Retryable(err) || asked.Load() != 0 {
				t.Errorf("%s: err = %v, asked %d", c.name, err, asked.Load())
			}
			continue
		}
		srv := newServer(t, c.answers...)
		var out reply
		cl := call(p, srv, nil, &out)
		cl.Settle = c.settle
		o, err := p.Do(context.Background(), cl)
		if !c.check(o, err) || asked.Load() != c.asked {
			t.Errorf("%s: Do = %+v, %v; asked %d, want %d", c.name, o, err, asked.Load(), c.asked)
		}
	}
}

func TestSecretsAreScrubbedFromRepliesAndErrors(t *testing.T) {
	t.Parallel()
	p := New("test", Settings{Retry: &fast})
	const tok = "token-0001"
	for _, body := range []string{
		`{"state":"ok","note":"echo token-0001","list":[{"text":"and APP-SECRET-VALUE"}],"map":{"k":"token-0001"}}`,
		`{"state":"ok","note":"escaped tok\u0065n-0001","list":[{"text":"x"}],"map":{"k":"APP-SECRET-VALU\u0045"}}`,
		`{"state":"no","note":"refused token-0001 for APP-SECRET-VALUE"}`,
	} {
		srv := newServer(t, answer(200, body))
		var out reply
		cl := call(p, srv, &tokens{}, &out)
		cl.Secrets = []string{"APP-SECRET-VALUE"}
		_, err := p.Do(context.Background(), cl)
		printed := fmt.Sprintf("%+v %v", out, err)
		if strings.Contains(printed, tok) || strings.Contains(printed, "APP-SECRET-VALUE") || !strings.Contains(printed, httpx.Redacted) {
			t.Errorf("%s: printed %s", body, printed)
		}
	}
}

func TestRepliesNoProviderSends(t *testing.T) {
	t.Parallel()
	p := New("test", Settings{Retry: &fast})
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	cases := []struct {
		name     string
		answer   func(http.ResponseWriter)
		cause    error
		attempts int
		unknown  bool
	}{
		{"redirect", func(w http.ResponseWriter) {
			w.Header().Set("Location", other.URL+"/steal")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}, httpx.ErrRedirect, 1, false},
		{"HTML 200", answer(200, "<html>hi</html>"), ErrNotJSON, 1, true},
		{"HTML 404", answer(404, "<html>no</html>"), ErrNotJSON, 1, false},
		{"HTML 502", answer(502, "<html>bad gateway</html>"), ErrNotJSON, 3, true},
		{"empty", answer(200, ""), ErrNotJSON, 1, true},
		{"array", answer(200, "[1]"), ErrNotJSON, 1, true},
		{"oversized", answer(200, `{"state":"ok","note":"`+strings.Repeat("x", 2048)+`"}`), httpx.ErrReplyTooLarge, 1, true},
	}
	for _, c := range cases {
		p := New("test", Settings{Retry: &fast, MaxReplyBytes: 1024})
		srv := newServer(t, c.answer)
		var out reply
		var asked bool
		cl := call(p, srv, nil, &out)
		cl.Settle = func(context.Context) (bool, error) { asked = true; return false, nil }
		_, err := p.Do(context.Background(), cl)
		if !errors.Is(err, werrors.ErrSystem) || !errors.Is(err, c.cause) || srv.count() != c.attempts || asked != c.unknown {
			t.Errorf("%s: err = %v after %d requests (settle asked: %v)", c.name, err, srv.count(), asked)
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect's target got %d requests", n)
	}
	// A byte order mark and white space before the object are fine.
	srv := newServer(t, answer(200, "\xef\xbb\xbf \n{\"state\":\"ok\"}"))
	var out reply
	if _, err := p.Do(context.Background(), call(p, srv, nil, &out)); err != nil || out.State != "ok" {
		t.Errorf("BOM: %v, %+v", err, out)
	}
}

func TestCallerContextEndingIsNotRetryable(t *testing.T) {
	t.Parallel()
	p := New("test", Settings{Retry: &waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}})
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	srv := newServer(t, func(w http.ResponseWriter) {
		arrived <- struct{}{}
		<-release
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	var out reply
	done := make(chan error, 1)
	go func() {
		_, err := p.Do(ctx, call(p, srv, nil, &out))
		done <- err
	}()
	<-arrived // the request is at the server, which holds it
	cancel()
	err := <-done
	var te *werrors.TransportError
	if !errors.As(err, &te) || !te.CallerDone || werrors.Retryable(err) || !errors.Is(err, context.Canceled) || srv.count() != 1 {
		t.Errorf("err = %v (%+v) after %d requests", err, te, srv.count())
	}
}

func TestRetryCountsAttempts(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		p := New("test", Settings{Retry: &waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond}})
		transient := errors.New("transient")
		calls := 0
		err := p.retry(context.Background(), func(int) (bool, error) {
			calls++
			if calls < 3 {
				return true, transient
			}
			return false, nil
		})
		if err != nil || calls != 3 {
			t.Fatalf("err=%v calls=%d, want nil and 3", err, calls)
		}
		calls = 0
		final := errors.New("business")
		if err := p.retry(context.Background(), func(int) (bool, error) { calls++; return false, final }); err != final || calls != 1 {
			t.Fatalf("err=%v calls=%d, want the business error after 1 call", err, calls)
		}
		calls = 0
		start := time.Now()
		err = p.retry(context.Background(), func(a int) (bool, error) {
			calls++
			if a != calls {
				t.Errorf("attempt %d on call %d", a, calls)
			}
			return true, transient
		})
		// Four waits of at most 10, 20, 40 and 40 ms.
		if err != transient || calls != 5 || time.Since(start) > 110*time.Millisecond {
			t.Fatalf("err=%v calls=%d after %v", err, calls, time.Since(start))
		}
	})
}

func TestRetryNeverWaitsPastTheDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		p := New("test", Settings{Retry: &waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		last := errors.New("transient")
		err := p.retry(ctx, func(int) (bool, error) { return true, last })
		// A wait that fits (random, so possible) is taken; one that does
		// not ends the loop at once with the last error.
		if !errors.Is(err, last) || time.Since(start) > 50*time.Millisecond {
			t.Fatalf("err = %v after %v", err, time.Since(start))
		}
	})
}

func TestRetryEndsWhenTheContextEndsMidWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		p := New("test", Settings{Retry: &waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}})
		ctx, cancel := context.WithCancel(context.Background())
		last := &werrors.APIError{Code: -1, Sentinel: werrors.ErrSystem}
		var calls atomic.Int32
		done := make(chan error, 1)
		go func() {
			done <- p.retry(ctx, func(int) (bool, error) { calls.Add(1); return true, last })
		}()
		synctest.Wait() // the loop is blocked in its first wait
		start := time.Now()
		cancel()
		err := <-done
		// Cancelled during the first wait: both the context's error and
		// the last attempt's match, and the caller having given up, it is
		// not worth retrying. The wait ends at once: no time passes on the
		// bubble's clock.
		if !errors.Is(err, context.Canceled) || !errors.Is(err, werrors.ErrSystem) || werrors.Retryable(err) || calls.Load() != 1 || time.Since(start) != 0 {
			t.Fatalf("err = %v after %d calls and %v", err, calls.Load(), time.Since(start))
		}
	})
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := waybill.RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond}
	for n := 1; n <= 8; n++ {
		ceiling := min(100*time.Millisecond<<(n-1), 300*time.Millisecond)
		for range 50 {
			if d := Backoff(p, n); d < 0 || d > ceiling {
				t.Fatalf("Backoff(%d) = %v, want within [0, %v]", n, d, ceiling)
			}
		}
	}
	if d := Backoff(waybill.RetryPolicy{}, 3); d != 0 {
		t.Errorf("zero policy Backoff = %v", d)
	}
}
