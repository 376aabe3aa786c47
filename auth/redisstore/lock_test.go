package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waybill-go/waybill/auth/redisstore"
	"github.com/waybill-go/waybill/internal/safetynet"
)

func TestLockExcludes(t *testing.T) {
	t.Parallel()
	srv, _ := startRedis(t)
	// Two "processes", each with its own connections.
	stores := []*redisstore.Store{
		newStore(t, newClient(t, srv.Addr), redisstore.WithPollInterval(2*time.Millisecond)),
		newStore(t, newClient(t, srv.Addr), redisstore.WithPollInterval(2*time.Millisecond)),
	}
	ctx := ctxFor(t)
	var inside, overlaps, entries atomic.Int32
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			s := stores[g%2]
			for range 10 {
				unlock, err := s.Lock(ctx, testKey)
				if err != nil {
					t.Error(err)
					return
				}
				if inside.Add(1) > 1 {
					overlaps.Add(1)
				}
				entries.Add(1)
				time.Sleep(time.Millisecond) // hold it a moment: the critical section
				inside.Add(-1)
				unlock()
			}
		})
	}
	wg.Wait()
	if overlaps.Load() != 0 || entries.Load() != 80 {
		t.Errorf("%d overlapping holders over %d entries; want none over 80", overlaps.Load(), entries.Load())
	}
}

func TestLockWaitsForRelease(t *testing.T) {
	t.Parallel()
	srv, rdb := startRedis(t)
	a := newStore(t, rdb)
	rb, watch := watchedClient(t, srv.Addr)
	b := newStore(t, rb, redisstore.WithPollInterval(5*time.Millisecond))
	ctx := ctxFor(t)
	lockKey := a.Key(testKey) + ":lock"

	before := time.Now()
	unlockA, err := a.Lock(ctx, testKey)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := rdb.Get(ctx, lockKey).Result()
	if err != nil || len(holder) < 16 {
		t.Fatalf("lock key holds %q, %v; want a random holder ID", holder, err)
	}
	checkPTTL(t, ctx, rdb, lockKey, redisstore.DefaultLockTTL, before)

	got := make(chan func(), 1)
	go func() {
		unlock, err := b.Lock(ctx, testKey)
		if err != nil {
			t.Error(err)
			unlock = func() {}
		}
		got <- unlock
	}()
	// Refused twice: b has waited and asked again, and still waits.
	watch.await(t, ctx, 2)
	select {
	case unlock := <-got:
		unlock()
		t.Fatal("second Lock returned while the first was held")
	default:
	}
	if now, _ := rdb.Get(ctx, lockKey).Result(); now != holder {
		t.Fatalf("lock key holds %q while the first holder has it, want %q", now, holder)
	}
	unlockA()
	unlock := safetynet.Wait(t, "the second Lock after the release", func() func() { return <-got })
	unlock()
	if n, _ := rdb.Exists(ctx, lockKey).Result(); n != 0 {
		t.Error("lock key left after both unlocked")
	}
}

func TestLockHonoursContext(t *testing.T) {
	t.Parallel()
	srv, rdb := startRedis(t)
	holder := newStore(t, rdb)
	// A poll interval longer than the safety net: only the context can end
	// the wait.
	wrdb, watch := watchedClient(t, srv.Addr)
	waiter := newStore(t, wrdb, redisstore.WithPollInterval(time.Hour))
	ctx := ctxFor(t)
	unlock, err := holder.Lock(ctx, testKey)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	t.Run("cancel", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := waiter.Lock(wctx, testKey)
			done <- err
		}()
		watch.await(t, ctx, 1) // refused once: now it waits for an hour
		cancel()
		err := safetynet.Wait(t, "Lock after its context was cancelled", func() error { return <-done })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Lock = %v, want context.Canceled", err)
		}
		if n := watch.refused.Load(); n != 1 {
			t.Errorf("%d attempts, want 1: the cancellation, not the poll, ends the wait", n)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		before := watch.refused.Load()
		wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err := safetynet.Wait(t, "Lock with a 100 ms deadline", func() error {
			_, err := waiter.Lock(wctx, testKey)
			return err
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Lock = %v, want context.DeadlineExceeded", err)
		}
		// On a busy machine the deadline may pass before the first attempt.
		if n := watch.refused.Load() - before; n > 1 {
			t.Errorf("%d attempts, want at most 1: the deadline, not the poll, ends the wait", n)
		}
	})
}

func TestUnlockReleasesOnlyOwnLock(t *testing.T) {
	t.Parallel()
	srv, rdb := startRedis(t)
	first := newStore(t, rdb, redisstore.WithLockTTL(100*time.Millisecond))
	second := newStore(t, newClient(t, srv.Addr), redisstore.WithLockTTL(10*time.Second), redisstore.WithPollInterval(5*time.Millisecond))
	ctx := ctxFor(t)
	lockKey := first.Key(testKey) + ":lock"

	unlockFirst, err := first.Lock(ctx, testKey)
	if err != nil {
		t.Fatal(err)
	}
	// The first holder stalls past its TTL; the second takes over.
	unlockSecond, err := second.Lock(ctx, testKey)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := rdb.Get(ctx, lockKey).Result()
	if err != nil {
		t.Fatal(err)
	}
	unlockFirst() // late: must not release the second holder's lock
	if now, err := rdb.Get(ctx, lockKey).Result(); err != nil || now != holder {
		t.Fatalf("after the stale unlock the lock holds %q, %v; want the second holder's %q", now, err, holder)
	}
	unlockSecond()
	unlockSecond() // more than once is harmless
	if n, _ := rdb.Exists(ctx, lockKey).Result(); n != 0 {
		t.Error("lock not released by its holder")
	}
}

func TestUnlockAfterContextEnded(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx, cancel := context.WithCancel(t.Context())
	unlock, err := s.Lock(ctx, testKey)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	unlock()
	if n, _ := rdb.Exists(t.Context(), s.Key(testKey)+":lock").Result(); n != 0 {
		t.Error("lock kept because the locking context had ended")
	}
}

func TestAbandonedLockExpires(t *testing.T) {
	t.Parallel()
	srv, rdb := startRedis(t)
	wrdb, watch := watchedClient(t, srv.Addr)
	ctx := ctxFor(t)

	t.Run("with expiry", func(t *testing.T) {
		s := newStore(t, wrdb, redisstore.WithPollInterval(5*time.Millisecond))
		lockKey := s.Key(testKey) + ":lock"
		if ok, err := rdb.SetNX(ctx, lockKey, "dead-process", time.Hour).Result(); !ok || err != nil {
			t.Fatalf("SET NX PX = %v, %v", ok, err)
		}
		type result struct {
			unlock func()
			err    error
		}
		done := make(chan result, 1)
		go func() {
			unlock, err := s.Lock(ctx, testKey)
			done <- result{unlock, err}
		}()
		// While the dead process's lock lives, Lock is refused and waits.
		watch.await(t, ctx, 2)
		if v, _ := rdb.Get(ctx, lockKey).Result(); v != "dead-process" {
			t.Fatalf("lock key holds %q before the dead process's lock expired", v)
		}
		// Its hour runs out.
		if err := rdb.PExpire(ctx, lockKey, time.Millisecond).Err(); err != nil {
			t.Fatal(err)
		}
		r := safetynet.Wait(t, "Lock after the abandoned lock expired", func() result { return <-done })
		if r.err != nil {
			t.Fatal(r.err)
		}
		defer r.unlock()
		if v, _ := rdb.Get(ctx, lockKey).Result(); v == "dead-process" || len(v) < 16 {
			t.Errorf("lock key holds %q after the take-over, want the new holder's ID", v)
		}
	})
	t.Run("without expiry", func(t *testing.T) {
		// A lock left with no expiry at all (by hand, say) is given one,
		// and taken over when that runs out; without the repair, Lock
		// would wait for ever.
		s := newStore(t, rdb, redisstore.WithLockTTL(100*time.Millisecond), redisstore.WithPollInterval(5*time.Millisecond))
		lockKey := s.Key(testKey) + ":lock"
		if err := rdb.Set(ctx, lockKey, "stuck", 0).Err(); err != nil {
			t.Fatal(err)
		}
		err := safetynet.Wait(t, "Lock on a lock without expiry", func() error {
			unlock, err := s.Lock(ctx, testKey)
			if err == nil {
				unlock()
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
