package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waybill-go/waybill/auth/redisstore"
)

func TestLockExcludes(t *testing.T) {
	t.Parallel()
	srv, _ := startRedis(t)
	// Two "processes", each with its own connections.
	stores := []*redisstore.Store{
		newStore(t, newClient(t, srv.Addr), redisstore.WithPollInterval(2*time.Millisecond)),
		newStore(t, newClient(t, srv.Addr), redisstore.WithPollInterval(2*time.Millisecond)),
	}
	ctx := ctxFor(t, 10*time.Second)
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
	b := newStore(t, newClient(t, srv.Addr), redisstore.WithPollInterval(5*time.Millisecond))
	ctx := ctxFor(t, 5*time.Second)

	unlockA, err := a.Lock(ctx, testKey)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := rdb.Get(ctx, a.Key(testKey)+":lock").Result()
	if err != nil || len(holder) < 16 {
		t.Fatalf("lock key holds %q, %v; want a random holder ID", holder, err)
	}
	if pttl, _ := rdb.PTTL(ctx, a.Key(testKey)+":lock").Result(); pttl <= 0 || pttl > redisstore.DefaultLockTTL {
		t.Errorf("lock PTTL = %v, want the lock TTL", pttl)
	}

	got := make(chan func(), 1)
	go func() {
		unlock, err := b.Lock(ctx, testKey)
		if err != nil {
			t.Error(err)
			unlock = func() {}
		}
		got <- unlock
	}()
	select {
	case unlock := <-got:
		unlock()
		t.Fatal("second Lock succeeded while the first was held")
	case <-time.After(100 * time.Millisecond):
	}
	unlockA()
	select {
	case unlock := <-got:
		unlock()
	case <-time.After(2 * time.Second):
		t.Fatal("second Lock still waiting 2 s after the release")
	}
	if n, _ := rdb.Exists(ctx, a.Key(testKey)+":lock").Result(); n != 0 {
		t.Error("lock key left after both unlocked")
	}
}

func TestLockHonoursContext(t *testing.T) {
	t.Parallel()
	srv, rdb := startRedis(t)
	holder := newStore(t, rdb)
	// A poll interval longer than the test: only the context can end the wait.
	waiter := newStore(t, newClient(t, srv.Addr), redisstore.WithPollInterval(time.Minute))
	ctx := ctxFor(t, 5*time.Second)
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
		time.Sleep(50 * time.Millisecond) // let it start waiting
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Lock = %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("Lock returned %v after cancel", d)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Lock ignored the cancellation")
		}
	})
	t.Run("deadline", func(t *testing.T) {
		wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := waiter.Lock(wctx, testKey)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Lock = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 600*time.Millisecond {
			t.Errorf("Lock returned %v after a 100 ms deadline", d)
		}
	})
}

func TestUnlockReleasesOnlyOwnLock(t *testing.T) {
	t.Parallel()
	srv, rdb := startRedis(t)
	first := newStore(t, rdb, redisstore.WithLockTTL(100*time.Millisecond))
	second := newStore(t, newClient(t, srv.Addr), redisstore.WithLockTTL(10*time.Second), redisstore.WithPollInterval(5*time.Millisecond))
	ctx := ctxFor(t, 5*time.Second)
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
	_, rdb := startRedis(t)
	s := newStore(t, rdb, redisstore.WithPollInterval(5*time.Millisecond))
	ctx := ctxFor(t, 5*time.Second)
	lockKey := s.Key(testKey) + ":lock"

	t.Run("with expiry", func(t *testing.T) {
		start := time.Now()
		if ok, err := rdb.SetNX(ctx, lockKey, "dead-process", 200*time.Millisecond).Result(); !ok || err != nil {
			t.Fatalf("SET NX PX = %v, %v", ok, err)
		}
		unlock, err := s.Lock(ctx, testKey)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		if d := time.Since(start); d < 190*time.Millisecond || d > 2*time.Second {
			t.Errorf("lock taken over after %v; want just after its 200 ms expiry", d)
		}
	})
	t.Run("without expiry", func(t *testing.T) {
		// A lock left with no expiry at all (by hand, say) is given one.
		s := newStore(t, rdb, redisstore.WithLockTTL(100*time.Millisecond), redisstore.WithPollInterval(5*time.Millisecond))
		if err := rdb.Set(ctx, lockKey, "stuck", 0).Err(); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		unlock, err := s.Lock(ctx, testKey)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("lock without expiry held Lock up for %v", d)
		}
	})
}
