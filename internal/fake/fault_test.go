package fake

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
)

func TestQueueMatchesInOrderAndCountsTimes(t *testing.T) {
	t.Parallel()
	var q Queue[string]
	q.Add("/a", 2, "a twice")
	q.Add("", 0, "any once") // 0 counts as 1
	q.Add("/b", 1, "b once")
	var got []string
	for _, key := range []string{"/b", "/a", "/b", "/a", "/b", "/a"} {
		f, ok := q.Take(key)
		if !ok {
			f = "-"
		}
		got = append(got, key+":"+f)
	}
	want := "/b:any once /a:a twice /b:b once /a:a twice /b:- /a:-"
	if s := strings.Join(got, " "); s != want {
		t.Fatalf("got  %s\nwant %s", s, want)
	}
}

// serve runs m in a loopback server whose handler, when called, answers
// "handled" and counts its calls. arrived gets a value when a request
// reaches the server, done what Apply returned.
func serve(t *testing.T, m Misbehaviour) (url string, handled *atomic.Int64, arrived chan struct{}, done chan bool) {
	t.Helper()
	handled = new(atomic.Int64)
	arrived, done = make(chan struct{}, 10), make(chan bool, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		ok := m.Apply(w, r, func(w http.ResponseWriter) {
			handled.Add(1)
			_, _ = io.WriteString(w, "handled")
		})
		if !ok {
			_, _ = io.WriteString(w, "caller's answer")
		}
		done <- ok
	}))
	t.Cleanup(srv.Close)
	return srv.URL, handled, arrived, done
}

func get(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestMisbehaviourApply(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		m       Misbehaviour
		dropped bool
		status  int
		body    string // a substring
		handled int64
		done    bool
	}{
		{"nothing", Misbehaviour{}, false, 200, "caller's answer", 0, false},
		{"delay only", Misbehaviour{Delay: time.Millisecond}, false, 200, "caller's answer", 0, false},
		{"drop", Misbehaviour{Drop: true, Status: 500}, true, 0, "", 0, true},
		{"drop after handling", Misbehaviour{DropAfterHandling: true}, true, 0, "", 1, true},
		{"status", Misbehaviour{Status: 502}, false, 502, "<title>502 Bad Gateway</title>", 0, true},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			t.Parallel()
			url, handled, _, done := serve(t, cs.m)
			status, body, err := get(context.Background(), url)
			if cs.dropped != (err != nil) || status != cs.status || !strings.Contains(body, cs.body) {
				t.Fatalf("HTTP %d %q, err %v", status, body, err)
			}
			if ok := <-done; ok != cs.done || handled.Load() != cs.handled {
				t.Fatalf("Apply = %v with %d handled, want %v and %d", ok, handled.Load(), cs.done, cs.handled)
			}
		})
	}
}

func TestMisbehaviourDelayEndsWhenTheClientLeaves(t *testing.T) {
	t.Parallel()
	url, handled, arrived, done := serve(t, Misbehaviour{Delay: time.Hour, Status: 500})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := get(ctx, url)
		errc <- err
	}()
	<-arrived // the server holds the request for an hour
	cancel()  // the client leaves
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	// Only the client leaving can end an hour's delay.
	if ok := <-done; !ok || handled.Load() != 0 {
		t.Fatalf("Apply = %v with %d handled, want true and nothing handled", ok, handled.Load())
	}
}
