package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth/redisstore"
	"github.com/waybill-go/waybill/internal/redistest"
	"github.com/waybill-go/waybill/internal/safetynet"
)

// testKey is the auth key the tests store tokens under.
const testKey = "wechat:wx0123456789abcdef:stable"

// newClient returns a client with its own connection pool, closed when the
// test ends.
func newClient(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// startRedis starts a private server and returns a client for it.
func startRedis(t *testing.T) (*redistest.Server, *redis.Client) {
	t.Helper()
	srv := redistest.Start(t)
	return srv, newClient(t, srv.Addr)
}

func newStore(t *testing.T, rdb redis.UniversalClient, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(rdb, opts...)
	if err != nil {
		t.Fatalf("redisstore.New: %v", err)
	}
	return s
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// ctxFor returns a context for a test's Redis calls. Its deadline is only
// a safety net: no working test comes near it, however busy the machine, and
// a test that waits for ever (a lock never granted) fails there instead of
// hanging.
func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), safetynet.Limit)
	t.Cleanup(cancel)
	return ctx
}

// checkPTTL checks that key expires lifetime after some moment between
// since and now: its PTTL has lost no more than the time that passed since
// then (give or take Redis's millisecond rounding) and gained nothing. That
// holds however slow the machine is.
func checkPTTL(t *testing.T, ctx context.Context, rdb *redis.Client, key string, lifetime time.Duration, since time.Time) {
	t.Helper()
	pttl, err := rdb.PTTL(ctx, key).Result()
	passed := time.Since(since)
	if err != nil || pttl > lifetime || pttl < lifetime-passed-2*time.Millisecond {
		t.Errorf("PTTL %s = %v, %v; want %v less at most the %v that passed", key, pttl, err, lifetime, passed)
	}
}

// lockWatch counts the lock attempts Redis refused to one client, so that a
// test can wait until a Lock call is waiting for another holder instead of
// sleeping and hoping. Install it with AddHook.
type lockWatch struct {
	refused atomic.Int32
	tick    chan struct{} // holds a token after any refusal not yet waited for
}

func newLockWatch() *lockWatch { return &lockWatch{tick: make(chan struct{}, 1)} }

func (w *lockWatch) DialHook(next redis.DialHook) redis.DialHook { return next }

func (w *lockWatch) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// ProcessHook counts a refused attempt: the lock script (EVALSHA or EVAL
// with one lock key and two arguments, the holder and the TTL) answering 0.
// The release script takes one argument and is not counted.
func (w *lockWatch) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		args := cmd.Args()
		if c, ok := cmd.(*redis.Cmd); ok && (cmd.Name() == "evalsha" || cmd.Name() == "eval") && len(args) == 6 &&
			strings.HasSuffix(fmt.Sprint(args[3]), ":lock") {
			if n, err := c.Int(); err == nil && n == 0 {
				w.refused.Add(1)
				select {
				case w.tick <- struct{}{}:
				default:
				}
			}
		}
		return err
	}
}

// await returns once Redis has refused n attempts in all, or fails the
// test when ctx ends first.
func (w *lockWatch) await(t *testing.T, ctx context.Context, n int32) {
	t.Helper()
	for w.refused.Load() < n {
		select {
		case <-w.tick:
		case <-ctx.Done():
			t.Fatalf("%d lock attempts refused, want %d: %v", w.refused.Load(), n, ctx.Err())
		}
	}
}

// watchedClient is newClient with a lockWatch installed.
func watchedClient(t *testing.T, addr string) (*redis.Client, *lockWatch) {
	t.Helper()
	c, w := newClient(t, addr), newLockWatch()
	c.AddHook(w)
	return c, w
}

// logBuffer is a concurrency-safe sink for a test logger.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}
