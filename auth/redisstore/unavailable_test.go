package redisstore_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/auth/redisstore"
	werrors "github.com/waybill-go/waybill/errors"
)

const (
	downAppID  = "wx00000000000000ff"
	downSecret = "APP-SECRET-must-not-appear"
	downToken  = "WXTOKEN-must-not-appear" // the fake endpoint adds -1, -2, …
)

// downClient returns a client for a Redis that is not there, which gives up
// at once instead of after go-redis's default dial and command retries.
func downClient(t *testing.T) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: closedAddr(t), MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// wechatAgainst returns a WeChat token source on store and a counter of
// its token endpoint's hits.
func wechatAgainst(t *testing.T, store auth.Store) (*auth.WeChatTokenSource, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := hits.Add(1)
		fmt.Fprintf(w, `{"access_token":"%s-%d","expires_in":7200}`, downToken, n)
	}))
	t.Cleanup(endpoint.Close)
	src, err := auth.NewWeChatTokenSource(downAppID, downSecret, auth.WithBaseURL(endpoint.URL), auth.WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	return src, &hits
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range []string{downSecret, downToken} {
		if strings.Contains(text, s) {
			t.Errorf("%s contains a secret: %q", where, text)
		}
	}
}

func TestRedisDownFails(t *testing.T) {
	t.Parallel()
	rdb := downClient(t)
	addr := rdb.Options().Addr
	store := newStore(t, rdb)
	src, hits := wechatAgainst(t, store)
	ctx := ctxFor(t, 10*time.Second)

	_, err := src.Token(ctx)
	if !errors.Is(err, redisstore.ErrUnavailable) || !werrors.Retryable(err) {
		t.Fatalf("Token = %v, want a retryable error matching ErrUnavailable", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "redis unavailable") || !strings.Contains(msg, addr) {
		t.Errorf("error %q does not say that Redis at %s is unavailable", msg, addr)
	}
	assertNoSecret(t, "error", msg)
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		assertNoSecret(t, "wrapped error", e.Error())
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d token fetches behind the fleet's back, want 0", n)
	}

	// Every operation says the same.
	tok := auth.NewToken(downToken, time.Hour, time.Now())
	errs := map[string]error{}
	_, _, errs["Load"] = store.Load(ctx, testKey)
	errs["Save"] = store.Save(ctx, testKey, tok)
	errs["Delete"] = store.Delete(ctx, testKey, downToken)
	_, errs["Lock"] = store.Lock(ctx, testKey)
	for op, err := range errs {
		if !errors.Is(err, redisstore.ErrUnavailable) || !strings.HasPrefix(err.Error(), "redisstore: redis unavailable: "+strings.ToLower(op)+" waybill:"+testKey) {
			t.Errorf("%s = %v", op, err)
		} else {
			assertNoSecret(t, op+" error", err.Error())
		}
	}
}

func TestRedisDownFallsBack(t *testing.T) {
	t.Parallel()
	logger, logs := newLogger()
	store := newStore(t, downClient(t),
		redisstore.WithFailurePolicy(redisstore.FallBack), redisstore.WithLogger(logger))
	src, hits := wechatAgainst(t, store)
	ctx := ctxFor(t, 10*time.Second)

	for range 3 {
		tok, err := src.Token(ctx)
		if err != nil || tok != downToken+"-1" {
			t.Fatalf("Token = %q, %v; want a locally fetched token", tok, err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d fetches, want 1 (then the process's own cache)", n)
	}
	if err := src.Invalidate(ctx, downToken+"-1"); err != nil {
		t.Errorf("Invalidate under FallBack = %v", err)
	}
	if tok, err := src.Token(ctx); err != nil || tok != downToken+"-2" {
		t.Errorf("Token after Invalidate = %q, %v; want a new local fetch", tok, err)
	}

	// Each operation degrades to the behaviour of an empty, unshared store.
	if _, ok, err := store.Load(ctx, testKey); ok || err != nil {
		t.Errorf("Load = %v, %v; want not found", ok, err)
	}
	if err := store.Save(ctx, testKey, auth.NewToken(downToken, time.Hour, time.Now())); err != nil {
		t.Errorf("Save = %v", err)
	}
	if err := store.Delete(ctx, testKey, downToken); err != nil {
		t.Errorf("Delete = %v", err)
	}
	unlock, err := store.Lock(ctx, testKey)
	if err != nil || unlock == nil {
		t.Fatalf("Lock = %v", err)
	}
	unlock()

	out := logs.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "falling back") || !strings.Contains(out, "op=lock") {
		t.Errorf("fallbacks not logged at Warn: %q", out)
	}
	assertNoSecret(t, "log", out)
}

// Redis goes away while the processes run: under Fail they keep serving
// their cached token but cannot refresh it; under FallBack they refresh on
// their own.
func TestRedisGoesAway(t *testing.T) {
	t.Parallel()
	for _, policy := range []redisstore.FailurePolicy{redisstore.Fail, redisstore.FallBack} {
		t.Run(policy.String(), func(t *testing.T) {
			t.Parallel()
			srv, _ := startRedis(t)
			logger, logs := newLogger()
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1, DialerRetries: 1})
			t.Cleanup(func() { _ = rdb.Close() })
			src, hits := wechatAgainst(t, newStore(t, rdb, redisstore.WithFailurePolicy(policy), redisstore.WithLogger(logger)))
			ctx := ctxFor(t, 10*time.Second)
			if _, err := src.Token(ctx); err != nil {
				t.Fatal(err)
			}
			srv.Close()
			if tok, err := src.Token(ctx); err != nil || tok != downToken+"-1" {
				t.Errorf("cached Token with Redis gone = %q, %v", tok, err)
			}
			ierr := src.Invalidate(ctx, downToken+"-1")
			tok, terr := src.Token(ctx)
			switch policy {
			case redisstore.Fail:
				if !errors.Is(ierr, redisstore.ErrUnavailable) || !errors.Is(terr, redisstore.ErrUnavailable) {
					t.Errorf("Invalidate = %v, Token = %v; want ErrUnavailable", ierr, terr)
				}
				if hits.Load() != 1 {
					t.Errorf("%d fetches, want 1", hits.Load())
				}
			case redisstore.FallBack:
				if ierr != nil || terr != nil || tok != downToken+"-2" {
					t.Errorf("Invalidate = %v, Token = %q, %v; want a local refresh", ierr, tok, terr)
				}
				if hits.Load() != 2 {
					t.Errorf("%d fetches, want 2", hits.Load())
				}
			}
			assertNoSecret(t, "log", logs.String())
		})
	}
}
