package faulttest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/safetynet"
)

// The helpers every provider's half of the matrix uses.

var fastRetry = waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}

// transport gives each test its own connection pool, closed at the end so
// that no keep-alive goroutine outlives the test.
func transport(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// concurrently runs f(0) … f(n-1) in n goroutines and waits for all of
// them.
func concurrently(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
}

func orderID(i int) string { return "o-" + string(rune('A'+i/26)) + string(rune('a'+i%26)) }

// resetServer accepts connections and resets them: before reading anything
// when early is true, after reading the request otherwise. After the first
// `failures` connections it serves answer over HTTP. It returns its base URL
// and a count of connections.
func resetServer(t *testing.T, early bool, failures int, answer string) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int64
	var wg sync.WaitGroup
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, answer)
	})}
	inner := make(chan net.Conn)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				close(inner)
				return
			}
			if conns.Add(1) > int64(failures) {
				inner <- c
				continue
			}
			if !early {
				// Wait for the request, however long a busy machine
				// takes to send it; the deadline only keeps a client
				// that never sends from holding the test up for ever.
				buf := make([]byte, 64<<10)
				_ = c.SetReadDeadline(time.Now().Add(safetynet.Limit))
				_, _ = c.Read(buf)
			}
			_ = c.(*net.TCPConn).SetLinger(0) // RST, not FIN
			c.Close()
		}
	}()
	go func() {
		defer wg.Done()
		_ = srv.Serve(&chanListener{ch: inner, addr: ln.Addr()})
	}()
	t.Cleanup(func() {
		ln.Close()
		_ = srv.Close()
		wg.Wait()
	})
	return "http://" + ln.Addr().String(), &conns
}

// chanListener serves connections handed over on a channel.
type chanListener struct {
	ch   chan net.Conn
	addr net.Addr
}

func (l *chanListener) Accept() (net.Conn, error) {
	c, ok := <-l.ch
	if !ok {
		return nil, net.ErrClosed
	}
	return c, nil
}
func (l *chanListener) Close() error   { return nil }
func (l *chanListener) Addr() net.Addr { return l.addr }

// hangingServer accepts requests and never answers them: each handler
// waits until its client leaves or the test ends. It returns its URL and a
// count of requests.
func hangingServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	release := make(chan struct{})
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return srv.URL, &hits
}

// endsAtDeadline runs call, against a hangingServer whose request count is
// hits, with a context whose deadline is 150 ms away, and checks that the
// deadline ended it: the context's error as a transport error the caller
// caused, not retryable, and no second request. The server never answers,
// so nothing else can end the call; a call that ignored the deadline would
// hang, which the safety net reports.
func endsAtDeadline(t *testing.T, hits *atomic.Int64, call func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	err := safetynet.Wait(t, "a call to a server that never answers", func() error { return call(ctx) })
	var te *werrors.TransportError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &te) || !te.CallerDone || werrors.Retryable(err) {
		t.Fatalf("err = %v, want the context's deadline as a transport error, not retryable", err)
	}
	// On a loaded machine the deadline may pass before the request is out;
	// never is there a second one.
	if n := hits.Load(); n > 1 {
		t.Fatalf("%d requests, want at most 1: the deadline ends the call", n)
	}
}

// fixedServer answers every request with status and body. It returns its
// URL and a count of requests.
func fixedServer(t *testing.T, status int, body string) (string, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// hugeSize is the size of hugeServer's reply.
const hugeSize = 64 << 20

// hugeServer answers every request with hugeSize bytes of blanks, with a
// Content-Length when announce is true and chunked otherwise, and counts
// the bytes it got out and the requests.
func hugeServer(t *testing.T, announce bool) (srv *httptest.Server, written, hits *atomic.Int64) {
	t.Helper()
	written, hits = new(atomic.Int64), new(atomic.Int64)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if announce {
			w.Header().Set("Content-Length", strconv.Itoa(hugeSize))
		}
		chunk := make([]byte, 64<<10)
		for i := range chunk {
			chunk[i] = ' '
		}
		for range hugeSize / len(chunk) {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, written, hits
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// closedURL returns the base URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// inProcess returns an *http.Client whose transport answers every request
// with status and body without touching the network, so that a client can
// run inside a testing/synctest bubble, and a count of requests.
func inProcess(status int, body string) (*http.Client, *atomic.Int64) {
	hits := new(atomic.Int64)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_ = r.Body.Close()
		}
		return &http.Response{
			Status: strconv.Itoa(status) + " " + http.StatusText(status), StatusCode: status,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{"Content-Type": {"application/json"}},
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)),
			Request:       r,
		}, nil
	})}, hits
}

// cancelMidBackoff runs call inside a testing/synctest bubble: call's first
// attempt fails with a transient error and its retry policy waits up to an
// hour before the next. Once every goroutine of the bubble is blocked (the
// call is waiting to retry), it cancels the call's context through cancel
// and returns call's error. The bubble's clock is fake, so the test fails,
// without any real waiting, unless the call returned with no time passing:
// a wait that ignored the cancellation would have moved the clock on.
func cancelMidBackoff(t *testing.T, cancel context.CancelFunc, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	synctest.Wait()
	select {
	case err := <-done:
		t.Fatalf("the call ended before waiting to retry: %v", err)
	default:
	}
	start := time.Now()
	cancel()
	err := <-done
	if waited := time.Since(start); waited != 0 {
		t.Fatalf("the call returned %v (on the bubble's clock) after the cancellation, want at once", waited)
	}
	return err
}
