package apiusb

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/waybill-go/waybill"
)

// fastRetry keeps retry tests quick while still exercising the backoff.
var fastRetry = waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

// okReply is the seed document's success reply, without its trailing comma.
const okReply = `{"ret":200,"data":{"code":200,"message":"success","data":"取消成功"},"msg":""}`

// seen is a request as a test server received it.
type seen struct {
	Method      string
	Path        string
	RawQuery    string
	ContentType string
	Body        string
	Params      url.Values // the form body for POST, the query for GET
}

// server is an httptest server that records requests and answers with
// handle, which gets the 0-based index of the request.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := seen{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type"), Body: string(body)}
		if r.Method == http.MethodPost {
			rec.Params, _ = url.ParseQuery(string(body))
		} else {
			rec.Params = r.URL.Query()
		}
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, rec)
		s.mu.Unlock()
		handle(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

// replyWith answers every request with status and body.
func replyWith(status int, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// sequence answers request n with replies[n], repeating the last one.
func sequence(replies ...func(http.ResponseWriter, *http.Request, int)) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		replies[min(n, len(replies)-1)](w, r, n)
	}
}

func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// base is the server's APIUSB entry point.
func (s *server) base() string { return s.URL + "/api/app" }

// newTestClient builds a client against base with fast retries.
func newTestClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(append([]Option{WithBaseURL(base), WithRetry(fastRetry)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// newMock returns a per-test httpmock transport and a client using it.
func newMock(t *testing.T) (*httpmock.MockTransport, *http.Client) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	return mt, &http.Client{Transport: mt}
}

// chain returns err and every error it wraps, through both Unwrap forms.
func chain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, chain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, chain(e)...)
		}
	}
	return out
}

// assertNoSecret fails if any error in err's chain mentions a secret.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, e := range chain(err) {
		for _, s := range secrets {
			if strings.Contains(e.Error(), s) {
				t.Errorf("error %T in the chain leaks %q: %s", e, s, e.Error())
			}
		}
	}
}

// syncBuffer is an io.Writer safe for a logger used by several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// countingSource is a TokenSource that counts how often it is asked.
type countingSource struct{ calls atomic.Int32 }

func (s *countingSource) Token(context.Context) (string, error) {
	s.calls.Add(1)
	return "counted", nil
}
