package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/auth/redisstore"
)

func TestNewValidates(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: closedAddr(t)})
	t.Cleanup(func() { _ = rdb.Close() })

	if _, err := redisstore.New(nil); err == nil || !strings.Contains(err.Error(), "nil Redis client") {
		t.Errorf("New(nil) = %v, want an error about the nil client", err)
	}
	bad := map[string]redisstore.Option{
		"prefix with space":   redisstore.WithPrefix("shop prod:"),
		"prefix with newline": redisstore.WithPrefix("shop\n"),
		"prefix too long":     redisstore.WithPrefix(strings.Repeat("p", 257)),
		"lock TTL zero":       redisstore.WithLockTTL(0),
		"lock TTL negative":   redisstore.WithLockTTL(-time.Second),
		"lock TTL too short":  redisstore.WithLockTTL(9 * time.Millisecond),
		"poll interval zero":  redisstore.WithPollInterval(0),
		"poll sub-ms":         redisstore.WithPollInterval(time.Microsecond),
		"unknown policy":      redisstore.WithFailurePolicy(redisstore.FailurePolicy(7)),
		"nil logger":          redisstore.WithLogger(nil),
		"nil clock":           redisstore.WithClock(nil),
	}
	for name, opt := range bad {
		if s, err := redisstore.New(rdb, opt); err == nil || !strings.HasPrefix(err.Error(), "redisstore: With") {
			t.Errorf("%s: New = %v, %v; want an error naming the option", name, s, err)
		}
	}
	good := []redisstore.Option{
		nil,
		redisstore.WithPrefix(""),
		redisstore.WithPrefix("shop:prod:"),
		redisstore.WithLockTTL(10 * time.Millisecond),
		redisstore.WithPollInterval(time.Millisecond),
		redisstore.WithFailurePolicy(redisstore.Fail),
		redisstore.WithFailurePolicy(redisstore.FallBack),
		redisstore.WithLogger(slog.Default()),
		redisstore.WithClock(time.Now),
	}
	for i, opt := range good {
		if _, err := redisstore.New(rdb, opt); err != nil {
			t.Errorf("good option %d: %v", i, err)
		}
	}
}

func TestStringShowsAddressAndPrefixOnly(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "10.1.2.3:6380", Password: "redis-password"})
	t.Cleanup(func() { _ = rdb.Close() })
	s := newStore(t, rdb, redisstore.WithPrefix("shop:"))
	want := `redisstore.Store{Addr:10.1.2.3:6380 Prefix:"shop:"}`
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, s); got != want {
			t.Errorf("Sprintf(%q) = %q, want %q", verb, got, want)
		}
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("store", "store", s)
	if !strings.Contains(b.String(), "store.addr=10.1.2.3:6380") || strings.Contains(b.String(), "redis-password") {
		t.Errorf("log line = %q", b.String())
	}

	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"a:1", "b:2"}})
	t.Cleanup(func() { _ = cluster.Close() })
	if got := newStore(t, cluster).String(); got != `redisstore.Store{Addr:a:1,b:2 Prefix:"waybill:"}` {
		t.Errorf("cluster String = %q", got)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb, redisstore.WithPrefix("shop:test:"))
	ctx := ctxFor(t)

	if _, ok, err := s.Load(ctx, testKey); ok || err != nil {
		t.Fatalf("Load before Save = ok %v, err %v; want not found", ok, err)
	}
	now := time.Now()
	tok := auth.NewToken("ACCESS_TOKEN_1", 2*time.Hour, now)
	if err := s.Save(ctx, testKey, tok); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, ok, err := s.Load(ctx, testKey)
	if err != nil || !ok {
		t.Fatalf("Load = ok %v, err %v", ok, err)
	}
	if got.Value != tok.Value || !got.ExpiresAt.Equal(tok.ExpiresAt) || !got.RefreshAt.Equal(tok.RefreshAt) {
		t.Errorf("Load = %+v (value %q, refresh %v), want %+v (refresh %v)", got, got.Value, got.RefreshAt, tok, tok.RefreshAt)
	}

	// The layout on the server: prefix + key, a JSON record, a Redis
	// expiry at ExpiresAt.
	if s.Key(testKey) != "shop:test:"+testKey {
		t.Errorf("Key = %q", s.Key(testKey))
	}
	raw, err := rdb.Get(ctx, "shop:test:"+testKey).Bytes()
	if err != nil {
		t.Fatalf("GET the record directly: %v", err)
	}
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil || rec["value"] != "ACCESS_TOKEN_1" || rec["expires_at"] == nil || rec["refresh_at"] == nil {
		t.Errorf("stored record %s (%v)", raw, err)
	}
	checkPTTL(t, ctx, rdb, "shop:test:"+testKey, 2*time.Hour, now)
}

func TestSaveOverwrites(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)
	now := time.Now()
	for _, v := range []string{"first", "second"} {
		if err := s.Save(ctx, testKey, auth.NewToken(v, time.Hour, now)); err != nil {
			t.Fatal(err)
		}
	}
	if got, ok, err := s.Load(ctx, testKey); err != nil || !ok || got.Value != "second" {
		t.Errorf("Load = %v, %v, %v; want the second token", got.Value, ok, err)
	}
}

func TestTokenExpiresInRedis(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)
	saved := time.Now()
	if err := s.Save(ctx, testKey, auth.NewToken("short-lived", 300*time.Millisecond, saved)); err != nil {
		t.Fatal(err)
	}
	// Redis expires the record when the token does, not before...
	checkPTTL(t, ctx, rdb, s.Key(testKey), 300*time.Millisecond, saved)
	// ...and then Load no longer finds it. (Redis keeps time, not the
	// test: it polls until then, with ctx's deadline as a safety net.)
	for {
		_, ok, err := s.Load(ctx, testKey)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n, err := rdb.Exists(ctx, s.Key(testKey)).Result(); err != nil || n != 0 {
		t.Errorf("EXISTS = %d, %v after expiry", n, err)
	}
}

func TestSaveSkipsExpiredToken(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)
	past := auth.Token{Value: "stale", ExpiresAt: time.Now().Add(-time.Second), RefreshAt: time.Now().Add(-2 * time.Second)}
	if err := s.Save(ctx, testKey, past); err != nil {
		t.Fatalf("Save of an expired token: %v", err)
	}
	if n, err := rdb.Exists(ctx, s.Key(testKey)).Result(); err != nil || n != 0 {
		t.Errorf("expired token stored: EXISTS = %d, %v", n, err)
	}
	if err := s.Save(ctx, testKey, auth.Token{Value: "no expiry"}); err != nil {
		t.Fatalf("Save with zero ExpiresAt: %v", err)
	}
	if n, _ := rdb.Exists(ctx, s.Key(testKey)).Result(); n != 0 {
		t.Error("token with zero ExpiresAt stored without an expiry")
	}
}

func TestSaveUsesClock(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	fake := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s := newStore(t, rdb, redisstore.WithClock(func() time.Time { return fake }))
	ctx := ctxFor(t)
	before := time.Now()
	if err := s.Save(ctx, testKey, auth.NewToken("future", time.Minute, fake)); err != nil {
		t.Fatal(err)
	}
	checkPTTL(t, ctx, rdb, s.Key(testKey), time.Minute, before) // a minute by the store's clock
}

func TestSaveRefusesBadTokens(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)
	for _, v := range []string{"", "bad\xffutf8-SECRETISH"} {
		err := s.Save(ctx, testKey, auth.NewToken(v, time.Hour, time.Now()))
		if err == nil {
			t.Errorf("Save(%q) succeeded", v)
			continue
		}
		if v != "" && strings.Contains(err.Error(), "SECRETISH") {
			t.Errorf("error %q contains the token", err)
		}
	}
	if n, _ := rdb.DBSize(ctx).Result(); n != 0 {
		t.Errorf("%d keys stored", n)
	}
}

func TestKeysAreChecked(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)
	tok := auth.NewToken("t", time.Hour, time.Now())
	for _, key := range []string{"", "wechat:wx1:stable:lock"} {
		if _, _, err := s.Load(ctx, key); err == nil {
			t.Errorf("Load(%q) succeeded", key)
		}
		if err := s.Save(ctx, key, tok); err == nil {
			t.Errorf("Save(%q) succeeded", key)
		}
		if err := s.Delete(ctx, key, "t"); err == nil {
			t.Errorf("Delete(%q) succeeded", key)
		}
		if _, err := s.Lock(ctx, key); err == nil {
			t.Errorf("Lock(%q) succeeded", key)
		}
	}
}

func TestDeleteComparesValue(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)

	if err := s.Delete(ctx, testKey, "nothing-here"); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	if err := s.Save(ctx, testKey, auth.NewToken("newer", time.Hour, time.Now())); err != nil {
		t.Fatal(err)
	}
	// Someone rejects an older token: the newer one stays.
	for _, v := range []string{"older", "", "newe", "newer "} {
		if err := s.Delete(ctx, testKey, v); err != nil {
			t.Fatalf("Delete(%q): %v", v, err)
		}
		if got, ok, _ := s.Load(ctx, testKey); !ok || got.Value != "newer" {
			t.Fatalf("after Delete(%q) the stored token is %q, %v; want it kept", v, got.Value, ok)
		}
	}
	// The stored token itself is rejected: it goes.
	if err := s.Delete(ctx, testKey, "newer"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Load(ctx, testKey); ok {
		t.Error("token still stored after Delete with its value")
	}
}

// Values JSON escapes or that Lua must compare byte for byte.
func TestUnusualTokenValues(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)
	for _, v := range []string{`a<b>&"c"\d/e`, "令牌-ü-\u2028", strings.Repeat("x", 512), "tab\there"} {
		if err := s.Save(ctx, testKey, auth.NewToken(v, time.Hour, time.Now())); err != nil {
			t.Fatalf("Save(%q): %v", v, err)
		}
		if got, ok, err := s.Load(ctx, testKey); err != nil || !ok || got.Value != v {
			t.Fatalf("Load after Save(%q) = %q, %v, %v", v, got.Value, ok, err)
		}
		if err := s.Delete(ctx, testKey, v+"x"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Load(ctx, testKey); !ok {
			t.Fatalf("Delete of a different value removed %q", v)
		}
		if err := s.Delete(ctx, testKey, v); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Load(ctx, testKey); ok {
			t.Fatalf("Delete(%q) left it stored", v)
		}
	}
}

func TestUnreadableRecordIsNotFound(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	logger, logs := newLogger()
	s := newStore(t, rdb, redisstore.WithLogger(logger))
	ctx := ctxFor(t)
	for _, raw := range []string{"not json", `{"value":""}`, `[1,2]`, `{"value":12}`} {
		if err := rdb.Set(ctx, s.Key(testKey), raw, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Load(ctx, testKey); ok || err != nil {
			t.Errorf("Load of %q = ok %v, err %v; want not found", raw, ok, err)
		}
		if err := s.Delete(ctx, testKey, "x"); err != nil {
			t.Errorf("Delete over %q: %v", raw, err)
		}
	}
	if !strings.Contains(logs.String(), "unreadable token record") {
		t.Errorf("no warning logged: %q", logs.String())
	}
	// A fetched token replaces the unreadable record.
	if err := s.Save(ctx, testKey, auth.NewToken("fresh", time.Hour, time.Now())); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := s.Load(ctx, testKey); !ok || got.Value != "fresh" {
		t.Errorf("Load after Save = %q, %v", got.Value, ok)
	}
}

func TestWrongTypeIsAnError(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb)
	ctx := ctxFor(t)
	if err := rdb.HSet(ctx, s.Key(testKey), "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Load(ctx, testKey)
	if !errors.Is(err, redisstore.ErrUnavailable) || !strings.Contains(err.Error(), "WRONGTYPE") {
		t.Errorf("Load of a hash = %v; want ErrUnavailable with Redis's reason", err)
	}
	if err := s.Delete(ctx, testKey, "v"); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Errorf("Delete of a hash = %v", err)
	}
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	s := newStore(t, rdb, redisstore.WithFailurePolicy(redisstore.FallBack))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := s.Load(ctx, testKey); !errors.Is(err, context.Canceled) {
		t.Errorf("Load = %v, want context.Canceled even under FallBack", err)
	}
	if _, err := s.Lock(ctx, testKey); !errors.Is(err, context.Canceled) {
		t.Errorf("Lock = %v, want context.Canceled", err)
	}
}
