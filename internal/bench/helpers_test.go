package bench

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// newHTTPClient returns a client with its own transport, configured alike for
// the SDK and the baselines so that neither has an edge in connection reuse.
// The idle pool is large enough that the concurrency benchmarks keep every
// connection instead of dialing and dropping them.
func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 1024
	tr.MaxIdleConnsPerHost = 1024
	return &http.Client{Transport: tr}
}

// benchServer is a loopback server answering every request with one fixed
// reply, as cheaply as possible, so that the client side dominates what is
// measured. The first request of each sub-benchmark (strict mode) is checked
// in full by check; a failed check answers 400 with a text body, which both
// the SDK and the baselines report as an error.
type benchServer struct {
	*httptest.Server
	strict atomic.Bool
	conns  atomic.Int64
}

func newBenchServer(tb testing.TB, contentType, reply string, check func(r *http.Request, body []byte) error) *benchServer {
	s := &benchServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.strict.Load() {
			body, err := io.ReadAll(r.Body)
			if err == nil {
				err = check(r, body)
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		} else {
			_, _ = io.Copy(io.Discard, r.Body)
		}
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, reply)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// preflight runs call once with the server checking the request in full.
func (s *benchServer) preflight(b testing.TB, call func() error) {
	b.Helper()
	s.strict.Store(true)
	defer s.strict.Store(false)
	if err := call(); err != nil {
		b.Fatalf("preflight: %v", err)
	}
}

// runConcurrent performs b.N calls spread over g goroutines that each loop
// until the shared count is spent, the way b.RunParallel does but with an
// exact goroutine count (RunParallel runs a multiple of GOMAXPROCS, so it
// cannot run one). ns/op is then wall time per call: the inverse of
// throughput with g calls in flight. b.Loop cannot be used here: it must be
// called from the benchmark's own goroutine.
func runConcurrent(b *testing.B, g int, call func() error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Bool
	var once sync.Once
	var firstErr error
	b.ReportAllocs()
	b.ResetTimer()
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) && !failed.Load() {
				if err := call(); err != nil {
					once.Do(func() { firstErr = err })
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
}

// goroutineCounts are the concurrency levels of the scaling benchmarks.
var goroutineCounts = []int{1, 8, 64, 512}

func goroutinesName(g int) string { return fmt.Sprintf("goroutines=%d", g) }
