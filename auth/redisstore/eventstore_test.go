package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth/redisstore"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

const (
	pushToken = "fleet-push-token"
	pushKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	pushAppID = "wxfleetcarrier01"
)

func newEventStore(t *testing.T, rdb redis.UniversalClient, opts ...redisstore.Option) *redisstore.EventStore {
	t.Helper()
	s, err := redisstore.NewEventStore(rdb, opts...)
	if err != nil {
		t.Fatalf("NewEventStore: %v", err)
	}
	return s
}

func TestEventStoreOperations(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newEventStore(t, rdb, redisstore.WithPrefix("test:"))
	ctx := ctxFor(t, 10*time.Second)

	val := []byte("C\x00\xffbinary")
	if cur, claimed, err := s.Claim(ctx, "push:event:1", val, time.Minute); err != nil || !claimed || cur != nil {
		t.Fatalf("first claim: %q %v %v", cur, claimed, err)
	}
	if cur, claimed, err := s.Claim(ctx, "push:event:1", []byte("other"), time.Minute); err != nil || claimed || string(cur) != string(val) {
		t.Fatalf("second claim: %q %v %v", cur, claimed, err)
	}
	if got, _ := rdb.Get(ctx, "test:push:event:1").Result(); got != string(val) {
		t.Errorf("Redis holds %q under the prefixed key", got)
	}
	// Release deletes only the caller's own value.
	if err := s.Release(ctx, "push:event:1", []byte("other")); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, "test:push:event:1").Result(); n != 1 {
		t.Error("Release deleted another's value")
	}
	if err := s.Release(ctx, "push:event:1", val); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, "test:push:event:1").Result(); n != 0 {
		t.Error("Release kept the caller's value")
	}
	// Put replaces, with an expiry.
	if err := s.Put(ctx, "push:req:2", []byte("A1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "push:req:2", []byte("A2"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if cur, claimed, _ := s.Claim(ctx, "push:req:2", []byte("C"), time.Minute); claimed || string(cur) != "A2" {
		t.Errorf("after Put: %q %v", cur, claimed)
	}
	if ttl, _ := rdb.PTTL(ctx, "test:push:req:2").Result(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("PTTL %v", ttl)
	}
}

// A claim held by a process that died (never released, never replaced)
// lapses, and another process takes it over.
func TestEventStoreClaimOfADeadProcessExpires(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	dead, alive := newEventStore(t, rdb), newEventStore(t, newClient(t, rdb.Options().Addr))
	ctx := ctxFor(t, 10*time.Second)
	if _, claimed, err := dead.Claim(ctx, "push:event:x", []byte("C-dead"), 100*time.Millisecond); err != nil || !claimed {
		t.Fatal(claimed, err)
	}
	if _, claimed, _ := alive.Claim(ctx, "push:event:x", []byte("C-alive"), time.Minute); claimed {
		t.Fatal("claimed a live claim")
	}
	eventually(t, 5*time.Second, "the dead claim lapses", func() bool {
		_, claimed, err := alive.Claim(ctx, "push:event:x", []byte("C-alive"), time.Minute)
		return err == nil && claimed
	})
}

// Two handlers (two processes of a fleet) sharing one Redis: one event,
// delivered to both at once and then retried on each, runs the callback
// once and is answered alike everywhere.
func TestEventStoreFleetRunsCallbackOnce(t *testing.T) {
	t.Parallel()
	srv, _ := startRedis(t)
	var calls atomic.Int64
	started := make(chan struct{})
	release := make(chan struct{})
	handler := func() *logistics.EventHandler {
		store := newEventStore(t, newClient(t, srv.Addr))
		h, err := logistics.NewEventHandler(logistics.EventConfig{
			Token: pushToken, EncodingAESKey: pushKey, AppID: pushAppID, Store: store,
			OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
				if calls.Add(1) == 1 {
					close(started)
				}
				<-release
				return werrors.ErrAlreadyPickedUp
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := handler(), handler()
	p := &logisticstest.Pusher{Token: pushToken, EncodingAESKey: pushKey, AppID: pushAppID, Safe: true, Format: logisticstest.FormatJSON}
	ctx := ctxFor(t, 20*time.Second)

	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, h := range []http.Handler{a, b} {
		wg.Go(func() {
			if i == 1 {
				<-started // the second delivery arrives while the first runs
			}
			reply, err := p.Push(ctx, h, logisticstest.SampleCancelWaybillEvent())
			if err != nil {
				t.Error(err)
				return
			}
			codes[i] = reply.ResultCode
		})
	}
	<-started
	time.Sleep(200 * time.Millisecond) // let the second delivery find the claim
	close(release)
	wg.Wait()
	for _, h := range []http.Handler{a, b, a} { // WeChat's retries
		reply, err := p.Push(ctx, h, logisticstest.SampleCancelWaybillEvent())
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, reply.ResultCode)
	}
	if calls.Load() != 1 {
		t.Errorf("callback ran %d times across the fleet", calls.Load())
	}
	for i, c := range codes {
		if c != 30002 {
			t.Errorf("delivery %d answered %d, want 30002", i, c)
		}
	}
}

// With Redis gone, the store's errors name it, and the handler refuses the
// push (503) without running the callback.
func TestEventStoreUnavailable(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: closedAddr(t), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	s := newEventStore(t, rdb)
	ctx := ctxFor(t, 10*time.Second)
	_, _, err := s.Claim(ctx, "push:req:1", []byte("C"), time.Minute)
	if !errors.Is(err, redisstore.ErrUnavailable) || !werrors.Retryable(err) || !strings.Contains(err.Error(), "waybill:push:req:1") {
		t.Errorf("Claim: %v", err)
	}
	if err := s.Put(ctx, "k", []byte("v"), time.Minute); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Errorf("Put: %v", err)
	}
	if err := s.Release(ctx, "k", []byte("v")); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Errorf("Release: %v", err)
	}
	var calls atomic.Int64
	h, err := logistics.NewEventHandler(logistics.EventConfig{Token: pushToken, EncodingAESKey: pushKey, AppID: pushAppID, Store: s,
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { calls.Add(1); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	p := &logisticstest.Pusher{Token: pushToken, EncodingAESKey: pushKey, AppID: pushAppID, Safe: true}
	_, err = p.Push(ctx, h, logisticstest.SampleCancelWaybillEvent())
	var se *logisticstest.PushStatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable || calls.Load() != 0 {
		t.Errorf("push with Redis down: %v, %d calls", err, calls.Load())
	}
}

func TestNewEventStoreChecks(t *testing.T) {
	t.Parallel()
	if _, err := redisstore.NewEventStore(nil); err == nil {
		t.Error("nil client accepted")
	}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = rdb.Close() })
	if _, err := redisstore.NewEventStore(rdb, redisstore.WithPrefix("bad prefix")); err == nil {
		t.Error("a prefix with a space accepted")
	}
	s := newEventStore(t, rdb, redisstore.WithPrefix("p:"))
	if got := s.String(); got != `redisstore.EventStore{Addr:127.0.0.1:1 Prefix:"p:"}` {
		t.Errorf("String = %s", got)
	}
}

// Every process of a carrier's fleet mounts a push handler on the same
// Redis: a push, or WeChat's retry of it, reaching any process is answered
// once.
func ExampleNewEventStore() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()

	store, err := redisstore.NewEventStore(rdb, redisstore.WithPrefix("carrier:prod:"))
	if err != nil {
		panic(err)
	}
	handler, err := logistics.NewEventHandler(logistics.EventConfig{
		Token:          "push-token",
		EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
		AppID:          "wxcarrier00000001",
		Store:          store,
		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
			return nil // cancel ev.WayBillID in the carrier's system
		},
	})
	if err != nil {
		panic(err)
	}
	http.Handle("/wechat/push", handler)
	fmt.Println(store)
	// Output: redisstore.EventStore{Addr:localhost:6379 Prefix:"carrier:prod:"}
}
