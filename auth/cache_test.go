package auth_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/waybill-go/waybill/auth"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// counter is a FetchFunc that hands out tok-1, tok-2, … and counts calls.
type counter struct {
	calls    atomic.Int64
	forced   atomic.Int64
	lifetime time.Duration
	clock    *clock
	delay    time.Duration
	fail     atomic.Pointer[error]
	repeat   atomic.Bool // hand out the previous token again (unless forced)
}

func (c *counter) fetch(ctx context.Context, force bool) (auth.Token, error) {
	if c.delay > 0 {
		select {
		case <-time.After(c.delay):
		case <-ctx.Done():
			return auth.Token{}, ctx.Err()
		}
	}
	if e := c.fail.Load(); e != nil {
		c.calls.Add(1)
		return auth.Token{}, *e
	}
	if force {
		c.forced.Add(1)
	}
	n := c.calls.Add(1)
	if c.repeat.Load() && !force {
		n--
	}
	return auth.NewToken(fmt.Sprintf("tok-%d", n), c.lifetime, c.clock.Now()), nil
}

func newSource(t *testing.T, c *counter) *auth.CachedSource {
	t.Helper()
	if c.clock == nil {
		c.clock = newClock()
	}
	if c.lifetime == 0 {
		c.lifetime = 7200 * time.Second
	}
	s, err := auth.NewCachedSource(auth.CacheConfig{Key: "test:app:kind", Fetch: c.fetch, Now: c.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustToken(t *testing.T, s auth.TokenSource) string {
	t.Helper()
	tok, err := s.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestCachedSourceCachesUntilRefreshMargin(t *testing.T) {
	t.Parallel()
	c := &counter{}
	s := newSource(t, c)
	for range 10 {
		if got := mustToken(t, s); got != "tok-1" {
			t.Fatalf("Token = %q", got)
		}
	}
	if n := c.calls.Load(); n != 1 {
		t.Fatalf("fetches = %d, want 1", n)
	}
	// 7200 s lives until 5 minutes before expiry.
	c.clock.Advance(7200*time.Second - 5*time.Minute - time.Second)
	if got := mustToken(t, s); got != "tok-1" {
		t.Fatalf("Token just before the margin = %q", got)
	}
	c.clock.Advance(2 * time.Second)
	if got := mustToken(t, s); got != "tok-2" {
		t.Fatalf("Token after the margin = %q, want a refresh", got)
	}
}

func TestShortLifetimeNotRefetchedEveryCall(t *testing.T) {
	t.Parallel()
	c := &counter{lifetime: 300 * time.Second}
	s := newSource(t, c)
	mustToken(t, s)
	c.clock.Advance(200 * time.Second)
	for range 5 {
		mustToken(t, s)
	}
	if n := c.calls.Load(); n != 1 {
		t.Fatalf("a 300 s token was fetched %d times within 200 s", n)
	}
	c.clock.Advance(41 * time.Second) // past 240 s: margin is a fifth
	mustToken(t, s)
	if n := c.calls.Load(); n != 2 {
		t.Fatalf("fetches = %d, want 2 after the margin", n)
	}
}

func TestNewTokenMargin(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_000_000, 0)
	cases := map[time.Duration]time.Duration{
		7200 * time.Second: 5 * time.Minute,
		300 * time.Second:  60 * time.Second,
		10 * time.Second:   2 * time.Second,
	}
	for life, margin := range cases {
		tok := auth.NewToken("v", life, now)
		if got := tok.ExpiresAt.Sub(tok.RefreshAt); got != margin {
			t.Errorf("lifetime %v: margin %v, want %v", life, got, margin)
		}
		if !tok.Fresh(now) || tok.Fresh(tok.RefreshAt) {
			t.Errorf("lifetime %v: Fresh wrong at the edges", life)
		}
	}
}

func TestThousandColdCallersOneFetch(t *testing.T) {
	t.Parallel()
	c := &counter{delay: 20 * time.Millisecond}
	s := newSource(t, c)
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 1000)
	for range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tok, err := s.Token(context.Background())
			if err == nil && tok != "tok-1" {
				err = fmt.Errorf("got %q", tok)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := c.calls.Load(); n != 1 {
		t.Fatalf("1000 cold callers caused %d fetches, want 1", n)
	}
}

func TestInvalidateIsCompareAndSwap(t *testing.T) {
	t.Parallel()
	c := &counter{}
	s := newSource(t, c)
	mustToken(t, s)
	ctx := context.Background()
	// A stale rejection of a token we no longer hold changes nothing.
	if err := s.Invalidate(ctx, "tok-0"); err != nil {
		t.Fatal(err)
	}
	if got := mustToken(t, s); got != "tok-1" || c.calls.Load() != 1 {
		t.Fatalf("stale Invalidate caused a refresh: %q, %d fetches", got, c.calls.Load())
	}
	// Many goroutines seeing the same rejection cause one fetch.
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Invalidate(ctx, "tok-1"); err != nil {
				t.Error(err)
			}
			if tok, err := s.Token(ctx); err != nil || tok != "tok-2" {
				t.Errorf("Token after invalidate = %q, %v", tok, err)
			}
		}()
	}
	wg.Wait()
	if n := c.calls.Load(); n != 2 {
		t.Fatalf("fetches = %d, want 2", n)
	}
}

func TestInvalidateForcesWhenProviderRepeatsRejectedToken(t *testing.T) {
	t.Parallel()
	c := &counter{}
	s := newSource(t, c)
	mustToken(t, s) // tok-1
	c.repeat.Store(true)
	if err := s.Invalidate(context.Background(), "tok-1"); err != nil {
		t.Fatal(err)
	}
	got := mustToken(t, s)
	if got == "tok-1" {
		t.Fatal("the rejected token was handed out again")
	}
	if c.forced.Load() != 1 {
		t.Fatalf("forced fetches = %d, want 1", c.forced.Load())
	}
}

func TestFetchErrorsAreNotCached(t *testing.T) {
	t.Parallel()
	c := &counter{}
	s := newSource(t, c)
	boom := errors.New("token endpoint down")
	c.fail.Store(&boom)
	for i := range 3 {
		if _, err := s.Token(context.Background()); !errors.Is(err, boom) {
			t.Fatalf("call %d: err = %v", i, err)
		}
	}
	if n := c.calls.Load(); n != 3 {
		t.Fatalf("fetches = %d, want 3 (errors must not be cached)", n)
	}
	c.fail.Store(nil)
	if got := mustToken(t, s); got == "" {
		t.Fatal("no token after recovery")
	}
}

func TestCallerContextEndsWaitNotSharedFetch(t *testing.T) {
	t.Parallel()
	// No I/O: the bubble's clock makes the timing exact.
	synctest.Test(t, func(t *testing.T) {
		c := &counter{delay: 200 * time.Millisecond}
		s := newSource(t, c)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := s.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want deadline exceeded", err)
		}
		if waited := time.Since(start); waited != 20*time.Millisecond {
			t.Fatalf("Token returned after %v, want at its 20ms deadline", waited)
		}
		// The shared fetch carries on and serves the next caller.
		if got := mustToken(t, s); got != "tok-1" || c.calls.Load() != 1 {
			t.Fatalf("Token = %q after %d fetches", got, c.calls.Load())
		}
	})
}

// A panic in a refresh (a Store, a fetch, a RoundTripper) runs in the
// refresh's own goroutine, out of every caller's reach: it comes back to
// each waiting caller as an error, and the next call tries again.
func TestRefreshPanicBecomesEveryWaitersError(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var calls atomic.Int64
		s, err := auth.NewCachedSource(auth.CacheConfig{
			Key:     "test:panic",
			Secrets: []string{"S3CRET-VALUE"},
			Fetch: func(context.Context, bool) (auth.Token, error) {
				if calls.Add(1) == 1 {
					<-release
					panic("store exploded holding S3CRET-VALUE")
				}
				return auth.NewToken("fine", time.Hour, time.Now()), nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 5)
		for range 5 {
			go func() {
				_, err := s.Token(context.Background())
				errs <- err
			}()
		}
		synctest.Wait() // all five wait on the one refresh
		close(release)
		for range 5 {
			err := <-errs
			if !errors.Is(err, auth.ErrRefreshPanicked) || strings.Contains(err.Error(), "S3CRET-VALUE") || !strings.Contains(err.Error(), "store exploded") {
				t.Fatalf("err = %v", err)
			}
		}
		if got := mustToken(t, s); got != "fine" || calls.Load() != 2 {
			t.Fatalf("after the panic: %q from %d fetches", got, calls.Load())
		}
	})
}

func TestSourcesShareAStore(t *testing.T) {
	t.Parallel()
	store := auth.NewMemoryStore()
	clk := newClock()
	c := &counter{clock: clk, lifetime: time.Hour}
	mk := func() *auth.CachedSource {
		s, err := auth.NewCachedSource(auth.CacheConfig{Key: "k", Fetch: c.fetch, Store: store, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk(), mk()
	if ta, tb := mustToken(t, a), mustToken(t, b); ta != tb || c.calls.Load() != 1 {
		t.Fatalf("a=%q b=%q fetches=%d, want one shared token", ta, tb, c.calls.Load())
	}
	// a sees the token rejected and refreshes; b, told the same, adopts a's.
	ctx := context.Background()
	_ = a.Invalidate(ctx, "tok-1")
	ta := mustToken(t, a)
	_ = b.Invalidate(ctx, "tok-1")
	tb := mustToken(t, b)
	if ta != "tok-2" || tb != "tok-2" || c.calls.Load() != 2 {
		t.Fatalf("a=%q b=%q fetches=%d, want tok-2 twice from 2 fetches", ta, tb, c.calls.Load())
	}
}

func TestNewCachedSourceValidates(t *testing.T) {
	t.Parallel()
	if _, err := auth.NewCachedSource(auth.CacheConfig{Fetch: (&counter{}).fetch}); err == nil {
		t.Error("missing Key accepted")
	}
	if _, err := auth.NewCachedSource(auth.CacheConfig{Key: "k"}); err == nil {
		t.Error("missing Fetch accepted")
	}
}

func TestMemoryStoreLock(t *testing.T) {
	t.Parallel()
	m := auth.NewMemoryStore()
	unlock, err := m.Lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := m.Lock(ctx, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock = %v, want to wait until the deadline", err)
	}
	other, err := m.Lock(context.Background(), "other")
	if err != nil {
		t.Fatal(err)
	}
	other()
	unlock()
	unlock() // idempotent
	again, err := m.Lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	again()
}

// brokenStore fails every call once broken is set.
type brokenStore struct {
	*auth.MemoryStore
	broken atomic.Bool
}

var errStoreDown = errors.New("store down")

func (b *brokenStore) Load(ctx context.Context, key string) (auth.Token, bool, error) {
	if b.broken.Load() {
		return auth.Token{}, false, errStoreDown
	}
	return b.MemoryStore.Load(ctx, key)
}

func (b *brokenStore) Save(ctx context.Context, key string, tok auth.Token) error {
	if b.broken.Load() {
		return errStoreDown
	}
	return b.MemoryStore.Save(ctx, key, tok)
}

func TestStoreOutageServesCachedTokenUntilExpiry(t *testing.T) {
	t.Parallel()
	clk := newClock()
	c := &counter{clock: clk, lifetime: time.Hour}
	store := &brokenStore{MemoryStore: auth.NewMemoryStore()}
	var logs strings.Builder
	s, err := auth.NewCachedSource(auth.CacheConfig{Key: "k", Fetch: c.fetch, Store: store, Now: clk.Now,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mustToken(t, s)
	store.broken.Store(true)
	clk.Advance(56 * time.Minute) // past the refresh margin, before expiry
	if got, err := s.Token(context.Background()); err != nil || got != "tok-1" {
		t.Fatalf("during the outage: %q, %v; want the cached token", got, err)
	}
	if !strings.Contains(logs.String(), "store unavailable") || strings.Contains(logs.String(), "tok-1") {
		t.Fatalf("warn log: %q", logs.String())
	}
	// A rejected token is not served, and an expired one neither.
	_ = s.Invalidate(context.Background(), "tok-1")
	if _, err := s.Token(context.Background()); !errors.Is(err, errStoreDown) {
		t.Fatalf("after rejection: err = %v", err)
	}
	store.broken.Store(false)
	mustToken(t, s) // tok-2
	store.broken.Store(true)
	clk.Advance(2 * time.Hour)
	if _, err := s.Token(context.Background()); !errors.Is(err, errStoreDown) {
		t.Fatalf("after expiry: err = %v", err)
	}
	if c.calls.Load() != 2 {
		t.Fatalf("fetches = %d", c.calls.Load())
	}
}
