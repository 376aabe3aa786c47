package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

const (
	benchPushToken = "bench-push-token"
	benchAESKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	benchAppID     = "wxbenchcarrier00"
)

// rewindBody serves the same bytes to every iteration without allocating:
// each iteration resets the reader and hands the same ReadCloser back.
type rewindBody struct{ *bytes.Reader }

func (rewindBody) Close() error { return nil }

// counterRand is a Pusher's Rand that never repeats a nonce: each 4-byte
// read is the next number.
type counterRand struct{ n uint32 }

func (c *counterRand) Read(p []byte) (int, error) {
	for i := 0; i < len(p); i += 4 {
		c.n++
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], c.n)
		copy(p[i:], b[:])
	}
	return len(p), nil
}

// nopStore is an EventStore that remembers nothing: the handler without a
// store, to measure what the memory store costs.
type nopStore struct{}

func (nopStore) Claim(context.Context, string, []byte, time.Duration) ([]byte, bool, error) {
	return nil, true, nil
}
func (nopStore) Put(context.Context, string, []byte, time.Duration) error { return nil }
func (nopStore) Release(context.Context, string, []byte) error            { return nil }

// poolSize is how many distinct pushes a benchmark cycles through; the
// memory store under test holds fewer entries (two per push), so every
// push it sees is new to it and the oldest entries are evicted, as in a
// store that has filled up.
const poolSize = 2048

// pushPool is poolSize distinct cancel_waybill pushes (each its own event,
// signed with its own nonce), replayable without allocating.
type pushPool struct {
	reqs  []*http.Request
	raws  [][]byte
	rds   []*bytes.Reader
	next  int
	check *logisticstest.Pusher
}

func newPushPool(b *testing.B, format logisticstest.Format, safe bool, n int) *pushPool {
	p := &logisticstest.Pusher{Token: benchPushToken, EncodingAESKey: benchAESKey, AppID: benchAppID, Format: format, Safe: safe, Rand: &counterRand{}}
	pool := &pushPool{check: p}
	for i := range n {
		ev := logisticstest.SampleCancelWaybillEvent()
		ev.OrderID = fmt.Sprintf("%030d", i)
		req, err := p.NewRequest(context.Background(), "http://carrier.test/", ev)
		if err != nil {
			b.Fatal(err)
		}
		req.RemoteAddr = "192.0.2.1:40000"
		req.RequestURI = req.URL.RequestURI()
		raw, err := io.ReadAll(req.Body)
		if err != nil {
			b.Fatal(err)
		}
		rd := bytes.NewReader(raw)
		req.Body = rewindBody{rd}
		pool.reqs, pool.raws, pool.rds = append(pool.reqs, req), append(pool.raws, raw), append(pool.rds, rd)
	}
	return pool
}

// serve replays the next push of the pool into h.
func (pool *pushPool) serve(h http.Handler) *httptest.ResponseRecorder {
	i := pool.next
	pool.next = (pool.next + 1) % len(pool.reqs)
	pool.rds[i].Reset(pool.raws[i])
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, pool.reqs[i])
	return rec
}

// checkAnswer checks once that the answer is the one WeChat expects.
func (pool *pushPool) checkAnswer(b *testing.B, rec *httptest.ResponseRecorder, safe bool) {
	reply, err := pool.check.ReadReply(rec.Result())
	if err != nil {
		b.Fatal(err)
	}
	if reply.StatusCode != http.StatusOK || reply.Encrypted != safe {
		b.Fatalf("answer: HTTP %d, encrypted %t: %s", reply.StatusCode, reply.Encrypted, reply.Body)
	}
	ans, err := reply.CancelWaybill()
	if err != nil {
		b.Fatal(err)
	}
	if ans.ResultCode != 0 || ans.WayBillID != "123456789" {
		b.Fatalf("answer: %+v", ans)
	}
}

func newBenchHandler(b *testing.B, store logistics.EventStore) *logistics.EventHandler {
	h, err := logistics.NewEventHandler(logistics.EventConfig{
		Token:           benchPushToken,
		EncodingAESKey:  benchAESKey,
		AppID:           benchAppID,
		AllowPlain:      true, // so that one handler measures both modes
		Store:           store,
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkEventHandler serves one new cancel_waybill push per iteration
// (one of poolSize distinct pushes, signed and, in safe mode, encrypted
// once by logisticstest.Pusher), in plain and in safe mode, in XML and in
// JSON, with the handler's memory store (store=memory, smaller than the
// pool, so every push is new to it and it evicts as a full store does) or
// with a store that remembers nothing (store=none). Safe mode adds
// msg_signature, decryption of the push and encryption and signing of the
// answer; the memory store adds claiming and answering a request key and
// an event key.
func BenchmarkEventHandler(b *testing.B) {
	for _, format := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			for _, storeName := range []string{"memory", "none"} {
				mode := "mode=plain"
				if safe {
					mode = "mode=safe"
				}
				b.Run("format="+string(format)+"/"+mode+"/store="+storeName, func(b *testing.B) {
					var store logistics.EventStore = nopStore{}
					if storeName == "memory" {
						store = logistics.NewMemoryEventStore(poolSize / 2)
					}
					h := newBenchHandler(b, store)
					pool := newPushPool(b, format, safe, poolSize)
					pool.checkAnswer(b, pool.serve(h), safe)

					b.ReportAllocs()
					for b.Loop() {
						if rec := pool.serve(h); rec.Code != http.StatusOK {
							b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
						}
					}
				})
			}
		}
	}
}

// BenchmarkEventHandlerReplay serves the same signed push again and again:
// after the first, every one is answered from the memory store (the
// request key) without decoding into the callback. This is what a replay,
// or a burst of identical deliveries, costs.
func BenchmarkEventHandlerReplay(b *testing.B) {
	for _, format := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			mode := "mode=plain"
			if safe {
				mode = "mode=safe"
			}
			b.Run("format="+string(format)+"/"+mode, func(b *testing.B) {
				calls := 0
				h, err := logistics.NewEventHandler(logistics.EventConfig{
					Token: benchPushToken, EncodingAESKey: benchAESKey, AppID: benchAppID, AllowPlain: true,
					OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { calls++; return nil },
				})
				if err != nil {
					b.Fatal(err)
				}
				pool := newPushPool(b, format, safe, 1)
				pool.checkAnswer(b, pool.serve(h), safe)
				pool.checkAnswer(b, pool.serve(h), safe)

				b.ReportAllocs()
				for b.Loop() {
					if rec := pool.serve(h); rec.Code != http.StatusOK {
						b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
					}
				}
				b.StopTimer()
				if calls != 1 {
					b.Fatalf("callback ran %d times for one push", calls)
				}
			})
		}
	}
}

// BenchmarkMemoryEventStore is what the memory store itself costs a push
// that is new to it: the handler's two claims (request key, event key) and
// two answers, on a full store that evicts as it goes. The difference
// between store=memory and store=none in BenchmarkEventHandler is this,
// lost in the noise of a loaded machine.
func BenchmarkMemoryEventStore(b *testing.B) {
	s := logistics.NewMemoryEventStore(poolSize / 2)
	ctx := context.Background()
	keys := make([]string, 2*poolSize)
	for i := range keys {
		keys[i] = fmt.Sprintf("push:req:%064x", i) // the handler's key shape
	}
	claim, answer := make([]byte, 49), make([]byte, 48)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		req, event := keys[i], keys[i+1]
		i = (i + 2) % len(keys)
		if _, ok, _ := s.Claim(ctx, req, claim, time.Minute); !ok {
			b.Fatal("request key already held")
		}
		if _, ok, _ := s.Claim(ctx, event, claim, time.Minute); !ok {
			b.Fatal("event key already held")
		}
		_ = s.Put(ctx, event, answer, time.Minute)
		_ = s.Put(ctx, req, answer, time.Minute)
	}
}
