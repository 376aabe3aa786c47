package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/auth/redisstore"
	"github.com/waybill-go/waybill/internal/safetynet"
)

// fetcher is a fake provider: every fetch returns a new token, tok-1,
// tok-2, …, after a little latency, and is counted.
type fetcher struct {
	n       atomic.Int32
	latency time.Duration
	check   func(ctx context.Context) // if set, called at the start of each fetch
}

func (f *fetcher) fetch(ctx context.Context, _ bool) (auth.Token, error) {
	if f.check != nil {
		f.check(ctx)
	}
	n := f.n.Add(1)
	select {
	case <-time.After(f.latency):
	case <-ctx.Done():
		return auth.Token{}, ctx.Err()
	}
	return auth.NewToken(fmt.Sprintf("tok-%d", n), time.Hour, time.Now()), nil
}

// process builds what one shop-backend process would have: its own Redis
// connections, its own Store and its own token source for the shared key.
func process(t *testing.T, addr string, f *fetcher, opts ...redisstore.Option) *auth.CachedSource {
	t.Helper()
	return processOn(t, newClient(t, addr), f, opts...)
}

// processOn is process with the Redis client given.
func processOn(t *testing.T, rdb *redis.Client, f *fetcher, opts ...redisstore.Option) *auth.CachedSource {
	t.Helper()
	opts = append([]redisstore.Option{redisstore.WithPollInterval(10 * time.Millisecond)}, opts...)
	src, err := auth.NewCachedSource(auth.CacheConfig{
		Key:   testKey,
		Fetch: f.fetch,
		Store: newStore(t, rdb, opts...),
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// callAll has n goroutines per source call Token at once and returns every
// token handed out.
func callAll(t *testing.T, ctx context.Context, n int, sources ...*auth.CachedSource) []string {
	t.Helper()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		tokens []string
		start  = make(chan struct{})
	)
	for _, src := range sources {
		for range n {
			wg.Go(func() {
				<-start
				tok, err := src.Token(ctx)
				if err != nil {
					t.Errorf("Token: %v", err)
					return
				}
				mu.Lock()
				tokens = append(tokens, tok)
				mu.Unlock()
			})
		}
	}
	close(start)
	wg.Wait()
	return tokens
}

func allEqual(t *testing.T, tokens []string, want string, count int) {
	t.Helper()
	if len(tokens) != count {
		t.Fatalf("%d callers got a token, want %d", len(tokens), count)
	}
	for _, tok := range tokens {
		if tok != want {
			t.Fatalf("a caller got %q, want %q for everyone", tok, want)
		}
	}
}

// Two processes with separate Redis connections, 200 callers each: one
// fetch in all, and everyone gets its token.
func TestTwoProcessesFetchOnce(t *testing.T) {
	t.Parallel()
	srv := startRedisServer(t)
	f := &fetcher{latency: 50 * time.Millisecond}
	a, b := process(t, srv, f), process(t, srv, f)
	ctx := ctxFor(t)

	tokens := callAll(t, ctx, 200, a, b)
	if got := f.n.Load(); got != 1 {
		t.Errorf("%d fetches, want 1", got)
	}
	allEqual(t, tokens, "tok-1", 400)
}

// Both processes hold the token and both see it rejected: one more fetch in
// all, and both end with the same new token.
func TestRejectionSeenByBothCostsOneFetch(t *testing.T) {
	t.Parallel()
	srv := startRedisServer(t)
	f := &fetcher{latency: 50 * time.Millisecond}
	a, b := process(t, srv, f), process(t, srv, f)
	ctx := ctxFor(t)
	allEqual(t, callAll(t, ctx, 1, a, b), "tok-1", 2)

	var wg sync.WaitGroup
	for _, src := range []*auth.CachedSource{a, b} {
		wg.Go(func() {
			if err := src.Invalidate(ctx, "tok-1"); err != nil {
				t.Errorf("Invalidate: %v", err)
			}
		})
	}
	wg.Wait()
	tokens := callAll(t, ctx, 50, a, b)
	if got := f.n.Load(); got != 2 {
		t.Errorf("%d fetches in all, want 2 (the first and one after the rejection)", got)
	}
	allEqual(t, tokens, "tok-2", 100)
}

// A process that sees the rejection only after another has already
// replaced the token adopts the replacement without fetching.
func TestLateRejectionAdoptsStoredToken(t *testing.T) {
	t.Parallel()
	srv := startRedisServer(t)
	f := &fetcher{}
	a, b := process(t, srv, f), process(t, srv, f)
	ctx := ctxFor(t)
	allEqual(t, callAll(t, ctx, 1, a, b), "tok-1", 2)

	if err := a.Invalidate(ctx, "tok-1"); err != nil {
		t.Fatal(err)
	}
	allEqual(t, callAll(t, ctx, 1, a), "tok-2", 1)
	if err := b.Invalidate(ctx, "tok-1"); err != nil { // late: tok-2 must survive
		t.Fatal(err)
	}
	allEqual(t, callAll(t, ctx, 10, b), "tok-2", 10)
	if got := f.n.Load(); got != 2 {
		t.Errorf("%d fetches, want 2", got)
	}
}

// A lock holder that dies (takes the lock and never releases it) holds the
// others up until the lock expires, no longer: nobody fetches while it
// lives, and once it has expired one caller fetches for all.
func TestDeadLockHolderDoesNotStall(t *testing.T) {
	t.Parallel()
	srv := startRedisServer(t)
	rdb, watch := watchedClient(t, srv)
	lockKey := "waybill:" + testKey + ":lock"
	f := &fetcher{check: func(ctx context.Context) {
		if v, _ := rdb.Get(ctx, lockKey).Result(); v == "killed-process" {
			t.Error("fetching while the dead process's lock lives")
		}
	}}
	src := processOn(t, rdb, f, redisstore.WithLockTTL(300*time.Millisecond))
	ctx := ctxFor(t)

	if ok, err := rdb.SetNX(ctx, lockKey, "killed-process", time.Hour).Result(); !ok || err != nil {
		t.Fatalf("taking the lock for the dead process: %v, %v", ok, err)
	}
	done := make(chan []string, 1)
	go func() { done <- callAll(t, ctx, 20, src) }()
	// Refused twice: the callers wait for the lock, and nobody fetched.
	watch.await(t, ctx, 2)
	if got := f.n.Load(); got != 0 {
		t.Fatalf("%d fetches while the dead process's lock lived, want 0", got)
	}
	// The dead process's lock runs out.
	if err := rdb.PExpire(ctx, lockKey, time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	tokens := safetynet.Wait(t, "the callers after the lock expired", func() []string { return <-done })
	allEqual(t, tokens, "tok-1", 20)
	if got := f.n.Load(); got != 1 {
		t.Errorf("%d fetches, want 1", got)
	}
}

// The same through WeChatTokenSource and a fake token endpoint: two
// processes, one fetch, and nothing secret in Redis.
func TestWeChatSourcesShareOneToken(t *testing.T) {
	t.Parallel()
	const appID, secret = "wx0123456789abcdef", "APP-SECRET-do-not-leak"
	srv := startRedisServer(t)
	var hits atomic.Int32
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			AppID  string `json:"appid"`
			Secret string `json:"secret"`
		}
		if r.URL.Path != "/cgi-bin/stable_token" || json.NewDecoder(r.Body).Decode(&body) != nil || body.AppID != appID || body.Secret != secret {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		n := hits.Add(1)
		time.Sleep(30 * time.Millisecond) // the endpoint's latency
		fmt.Fprintf(w, `{"access_token":"WXTOKEN-%d","expires_in":7200}`, n)
	}))
	t.Cleanup(endpoint.Close)

	newSource := func() *auth.WeChatTokenSource {
		src, err := auth.NewWeChatTokenSource(appID, secret,
			auth.WithBaseURL(endpoint.URL),
			auth.WithStore(newStore(t, newClient(t, srv), redisstore.WithPollInterval(10*time.Millisecond))))
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	a, b := newSource(), newSource()
	ctx := ctxFor(t)
	var wg sync.WaitGroup
	for _, src := range []*auth.WeChatTokenSource{a, b} {
		for range 100 {
			wg.Go(func() {
				if tok, err := src.Token(ctx); err != nil || tok != "WXTOKEN-1" {
					t.Errorf("Token = %q, %v", tok, err)
				}
			})
		}
	}
	wg.Wait()
	if n := hits.Load(); n != 1 {
		t.Errorf("%d token fetches, want 1", n)
	}

	rdb := newClient(t, srv)
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := "waybill:wechat:" + appID + ":stable"
	if len(keys) != 1 || keys[0] != want {
		t.Errorf("keys in Redis = %q, want only %q (no lock left behind)", keys, want)
	}
	for _, k := range keys {
		v, _ := rdb.Get(ctx, k).Result()
		if strings.Contains(k, secret) || strings.Contains(v, secret) {
			t.Errorf("the AppSecret is stored in Redis under %q", k)
		}
	}
}

// startRedisServer starts a private server and returns its address.
func startRedisServer(t *testing.T) string {
	t.Helper()
	srv, _ := startRedis(t)
	return srv.Addr
}
