package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

// Queue holds injected faults of a provider's type F in the order they were
// added. Each waits for requests whose key (a path, a service name) it
// matches. A Queue is not safe for concurrent use; its zero value is empty.
type Queue[F any] struct {
	queued []*queued[F]
}

type queued[F any] struct {
	match string // "" matches every key
	left  int
	fault F
}

// Add queues fault for the next times requests whose key is match, or for
// the next times requests of any key when match is "". times below 1
// counts as 1.
func (q *Queue[F]) Add(match string, times int, fault F) {
	q.queued = append(q.queued, &queued[F]{match: match, left: max(times, 1), fault: fault})
}

// Take returns the first queued fault that matches key and uses up one of
// its times, dropping it when none are left. ok is false when no fault
// matches.
func (q *Queue[F]) Take(key string) (fault F, ok bool) {
	for i, e := range q.queued {
		if e.match != "" && e.match != key {
			continue
		}
		e.left--
		if e.left <= 0 {
			q.queued = append(q.queued[:i], q.queued[i+1:]...)
		}
		return e.fault, true
	}
	return fault, false
}

// Misbehaviour is the part of a fault that every fake carries out the same
// way. Delay may come with any of the others; of Drop, DropAfterHandling and
// Status the first set wins.
type Misbehaviour struct {
	Delay             time.Duration // wait first; if the client leaves meanwhile, do nothing more
	Drop              bool          // close the connection without handling or answering the request
	DropAfterHandling bool          // handle the request, discard the answer, close the connection
	Status            int           // answer this HTTP status with an HTML page
}

// Apply carries out m on a request. handle must handle the request as if no
// fault were queued, writing its answer to the writer it is given. Apply
// reports whether it dealt with the request; when it did not, the caller
// answers, with a fault of its provider's own kind or by handling it.
func (m Misbehaviour) Apply(w http.ResponseWriter, r *http.Request, handle func(http.ResponseWriter)) (done bool) {
	if m.Delay > 0 {
		t := time.NewTimer(m.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case m.Drop:
		Drop(w)
	case m.DropAfterHandling:
		handle(httptest.NewRecorder())
		Drop(w)
	case m.Status != 0:
		HTMLPage(w, m.Status)
	default:
		return false
	}
	return true
}

// Drop closes the connection without an answer. Servers started with
// httptest.NewServer speak HTTP/1.1, whose connections can always be taken
// over; should that fail, the client gets an empty HTTP 502 instead.
func Drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusBadGateway)
}

// HTMLPage answers status with the kind of page a web server or gateway
// sends in front of an API.
func HTMLPage(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>\n",
		status, http.StatusText(status), status, http.StatusText(status))
}
