package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/waybill-go/waybill/internal/httpx"

	"golang.org/x/sync/singleflight"
)

// FetchFunc gets a new token from a provider. force asks the provider for a
// token different from the one it would normally hand out; it is set only
// after a normal fetch returned the very token the server had just rejected.
// Providers without such a switch ignore it.
type FetchFunc func(ctx context.Context, force bool) (Token, error)

// CacheConfig configures a CachedSource.
type CacheConfig struct {
	// Key names the token in the Store: provider, account and token kind,
	// never a secret. Required.
	Key string
	// Fetch gets a new token. Required.
	Fetch FetchFunc
	// Store shares tokens; nil means a new MemoryStore.
	Store Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// FetchTimeout bounds one refresh (store lock, fetch, save). A refresh
	// is shared by every caller waiting for it, so it does not end when
	// the first caller's context does. 0 means 30 s. With a shared Store,
	// keep it below the Store's lock expiry, or a slow fetch may overlap
	// with another process's (harmless for stable tokens: the last save
	// wins).
	FetchTimeout time.Duration
	// Logger receives store failures the source works around (a token it
	// could not share, a token it served while the store was down) at Warn.
	// nil means no logging.
	Logger *slog.Logger
	// Secrets are removed from the text of a panic the refresh recovers
	// (a Store, a fetch or a RoundTripper that panicked), before it reaches
	// callers as an error or the log.
	Secrets []string
}

// CachedSource is a TokenSource and Invalidator that caches a provider's
// token and refreshes it before it expires. Whatever the number of
// goroutines asking, one refresh at a time runs per process; with a shared
// Store, one per Store. It is what WeChatTokenSource is built on, and what
// other providers' token sources can be built on.
type CachedSource struct {
	key     string
	fetch   FetchFunc
	store   Store
	now     func() time.Time
	timeout time.Duration
	log     *slog.Logger
	secrets []string

	// The token this process last used. Its refresh time is kept as an
	// offset from base so that the hot path reads the monotonic clock once
	// (time.Since) instead of the wall clock and the monotonic clock
	// (time.Now): warm Token calls are what every API call pays.
	local     atomic.Pointer[entry]
	base      time.Time
	realClock bool

	rejected atomic.Pointer[string] // the value last invalidated
	flight   singleflight.Group
}

type entry struct {
	tok          Token
	refreshAfter time.Duration // RefreshAt - base
}

// NewCachedSource returns a CachedSource, or an error naming what is missing
// from cfg.
func NewCachedSource(cfg CacheConfig) (*CachedSource, error) {
	if cfg.Key == "" {
		return nil, errors.New("auth: CacheConfig.Key is required")
	}
	if cfg.Fetch == nil {
		return nil, errors.New("auth: CacheConfig.Fetch is required")
	}
	s := &CachedSource{key: cfg.Key, fetch: cfg.Fetch, store: cfg.Store, now: cfg.Now, timeout: cfg.FetchTimeout, log: cfg.Logger, secrets: cfg.Secrets}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.store == nil {
		s.store = NewMemoryStore()
	}
	if s.now == nil {
		s.now = time.Now
		s.realClock = true
	}
	s.base = s.now()
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	return s, nil
}

// Token returns the cached token while it is fresh. Otherwise it adopts a
// fresh token from the Store or, holding the Store's lock, fetches one.
// Errors are never cached: the next call tries again.
func (s *CachedSource) Token(ctx context.Context) (string, error) {
	if e := s.local.Load(); e != nil && s.elapsed() < e.refreshAfter {
		return e.tok.Value, nil
	}
	ch := s.flight.DoChan(s.key, func() (v any, err error) {
		// The refresh runs in a goroutine of its own: a panic there (in a
		// Store, a fetch, a RoundTripper) would end the process, beyond
		// the reach of any caller's recover. It becomes every waiting
		// caller's error instead.
		defer func() {
			if p := recover(); p != nil {
				err = s.panicked(ctx, p)
			}
		}()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
		defer cancel()
		return s.refresh(fctx)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// ErrRefreshPanicked is the cause of the error callers get when a token
// refresh panicked.
var ErrRefreshPanicked = errors.New("auth: token refresh panicked")

// panicked logs a recovered panic, with its stack, and returns the error
// for the callers. Neither carries a secret the source knows.
func (s *CachedSource) panicked(ctx context.Context, p any) error {
	text := httpx.Scrub(fmt.Sprint(p), s.secrets...)
	s.log.LogAttrs(ctx, slog.LevelError, "auth: token refresh panicked",
		slog.String("key", s.key), slog.String("panic", text), slog.String("stack", string(debug.Stack())))
	return fmt.Errorf("%w refreshing %s: %s", ErrRefreshPanicked, s.key, text)
}

// refresh runs once at a time per process (singleflight).
func (s *CachedSource) refresh(ctx context.Context) (string, error) {
	if e := s.local.Load(); e != nil && s.usable(e.tok) {
		return e.tok.Value, nil // another flight finished just before this one
	}
	if t, ok, err := s.store.Load(ctx, s.key); err != nil {
		return s.storeFailed(ctx, fmt.Errorf("auth: loading token %s: %w", s.key, err))
	} else if ok && s.usable(t) {
		return s.adopt(t), nil
	}
	unlock, err := s.store.Lock(ctx, s.key)
	if err != nil {
		return s.storeFailed(ctx, fmt.Errorf("auth: waiting for the right to refresh %s: %w", s.key, err))
	}
	defer unlock()
	// Whoever held the lock before us may have stored a fresh token.
	if t, ok, err := s.store.Load(ctx, s.key); err != nil {
		return s.storeFailed(ctx, fmt.Errorf("auth: loading token %s: %w", s.key, err))
	} else if ok && s.usable(t) {
		return s.adopt(t), nil
	}
	t, err := s.fetch(ctx, false)
	if err != nil {
		return "", err
	}
	if r := s.rejected.Load(); r != nil && t.Value == *r {
		// The provider handed back the token it had just refused.
		if forced, ferr := s.fetch(ctx, true); ferr == nil {
			t = forced
		}
	}
	if t.Value == "" {
		return "", fmt.Errorf("auth: fetching %s: %w", s.key, ErrEmptyToken)
	}
	// A token that could not be shared is still good for this process;
	// a store that must not be bypassed fails Load or Lock instead.
	if err := s.store.Save(ctx, s.key, t); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "auth: could not share a new token", slog.String("key", s.key), slog.String("error", err.Error()))
	}
	return s.adopt(t), nil
}

// storeFailed serves the token this process holds while it has not expired
// and was not rejected, so that a store outage near refresh time does not
// fail calls that would succeed. Otherwise it returns err.
func (s *CachedSource) storeFailed(ctx context.Context, err error) (string, error) {
	e := s.local.Load()
	if e == nil || !s.now().Before(e.tok.ExpiresAt) {
		return "", err
	}
	if r := s.rejected.Load(); r != nil && *r == e.tok.Value {
		return "", err
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "auth: store unavailable, serving the cached token until it expires",
		slog.String("key", s.key), slog.Time("expires_at", e.tok.ExpiresAt), slog.String("error", err.Error()))
	return e.tok.Value, nil
}

func (s *CachedSource) usable(t Token) bool {
	if !t.Fresh(s.now()) {
		return false
	}
	r := s.rejected.Load()
	return r == nil || t.Value != *r
}

func (s *CachedSource) adopt(t Token) string {
	s.local.Store(&entry{tok: t, refreshAfter: t.RefreshAt.Sub(s.base)})
	return t.Value
}

// elapsed is the clock's time since s.base.
func (s *CachedSource) elapsed() time.Duration {
	if s.realClock {
		return time.Since(s.base)
	}
	return s.now().Sub(s.base)
}

// Invalidate drops rejected from the cache and the Store, but only if it is
// still the token there: a token that another goroutine or process has
// already replaced is kept, so many callers seeing the same rejection cause
// one refresh. The next Token call adopts a newer stored token if there is
// one and fetches only if there is none.
func (s *CachedSource) Invalidate(ctx context.Context, rejected string) error {
	if rejected == "" {
		return nil
	}
	s.rejected.Store(&rejected)
	if e := s.local.Load(); e != nil && e.tok.Value == rejected {
		s.local.CompareAndSwap(e, nil)
	}
	if err := s.store.Delete(ctx, s.key, rejected); err != nil {
		return fmt.Errorf("auth: dropping rejected token %s: %w", s.key, err)
	}
	return nil
}

// Cached returns the token this process holds, fresh or not, without any
// I/O; ok is false if it holds none.
func (s *CachedSource) Cached() (Token, bool) {
	if e := s.local.Load(); e != nil {
		return e.tok, true
	}
	return Token{}, false
}

// String names the source without any token.
func (s *CachedSource) String() string { return "auth.CachedSource(" + s.key + ")" }

// LogValue logs the source's key only.
func (s *CachedSource) LogValue() slog.Value { return slog.StringValue(s.key) }
