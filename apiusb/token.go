package apiusb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// TokenService is the PhalApi service that hands out access tokens.
const TokenService = "App.Auth.ApplyToken"

// DefaultTokenLifetime is how long a token is assumed to live when the
// ApplyToken reply names no expiry. APIUSB's tokens live about 30 days; a
// token that dies sooner is replaced when a call is refused with it.
const DefaultTokenLifetime = 30 * 24 * time.Hour

// ErrNoAccessToken is the cause of the error for an ApplyToken reply with
// ret 200 but without a usable data.access_token.
var ErrNoAccessToken = errors.New("apiusb: ApplyToken reply has no data.access_token")

// TokenOption configures NewTokenSource.
type TokenOption func(*tokenConfig) error

type tokenConfig struct {
	baseURL  string
	http     *http.Client
	store    auth.Store
	now      func() time.Time
	retry    waybill.RetryPolicy
	logger   *slog.Logger
	lifetime time.Duration
}

// WithTokenURL sets the entry point ApplyToken is called at (default
// https://api.apiusb.com/api/app), for example a fake's URL in tests.
func WithTokenURL(baseURL string) TokenOption {
	return func(c *tokenConfig) error {
		u, err := httpx.ParseBaseURL(baseURL)
		if err != nil {
			return fmt.Errorf("apiusb: WithTokenURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithTokenHTTPClient sets the *http.Client used to fetch tokens. It is
// copied, never modified.
func WithTokenHTTPClient(hc *http.Client) TokenOption {
	return func(c *tokenConfig) error {
		if hc == nil {
			return errors.New("apiusb: WithTokenHTTPClient: nil *http.Client")
		}
		c.http = hc
		return nil
	}
}

// WithTokenStore shares tokens through s (default: in process memory), for
// example a github.com/waybill-go/waybill/auth/redisstore Store shared by
// every process of the account.
func WithTokenStore(s auth.Store) TokenOption {
	return func(c *tokenConfig) error {
		if s == nil {
			return errors.New("apiusb: WithTokenStore: nil auth.Store")
		}
		c.store = s
		return nil
	}
}

// WithTokenClock replaces time.Now, for tests.
func WithTokenClock(now func() time.Time) TokenOption {
	return func(c *tokenConfig) error {
		if now == nil {
			return errors.New("apiusb: WithTokenClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithTokenRetry sets how ApplyToken calls are retried after transport
// errors, ret 5xx and HTTP 5xx (default waybill.DefaultRetryPolicy).
func WithTokenRetry(p waybill.RetryPolicy) TokenOption {
	return func(c *tokenConfig) error {
		if p.MaxAttempts < 1 {
			return fmt.Errorf("apiusb: WithTokenRetry: MaxAttempts must be at least 1, got %d", p.MaxAttempts)
		}
		if p.BaseDelay < 0 || p.MaxDelay < 0 {
			return errors.New("apiusb: WithTokenRetry: negative delay")
		}
		c.retry = p
		return nil
	}
}

// WithTokenLogger logs ApplyToken exchanges at debug level, and store
// failures the token source works around at warn level. The app secret
// travels in the request body, which is never logged.
func WithTokenLogger(l *slog.Logger) TokenOption {
	return func(c *tokenConfig) error {
		if l == nil {
			return errors.New("apiusb: WithTokenLogger: nil *slog.Logger")
		}
		c.logger = l
		return nil
	}
}

// WithTokenLifetime sets the lifetime assumed for a token whose ApplyToken
// reply names no expiry (default DefaultTokenLifetime).
func WithTokenLifetime(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d <= 0 {
			return fmt.Errorf("apiusb: WithTokenLifetime: %v is not positive", d)
		}
		c.lifetime = d
		return nil
	}
}

// TokenSource gets APIUSB access tokens for one app key from
// App.Auth.ApplyToken, caches them for their lifetime and lets one fetch run
// at a time (see auth.CachedSource). It implements auth.TokenSource and
// auth.Invalidator, so a Client given it with WithAccessToken replaces a
// refused token once. It is safe for concurrent use; share one per app key.
//
// See the package documentation for the reply shapes it accepts.
type TokenSource struct {
	appKey   string
	secret   string
	url      string
	http     *httpx.Client
	retry    waybill.RetryPolicy
	now      func() time.Time
	lifetime time.Duration
	cache    *auth.CachedSource
}

var (
	_ auth.TokenSource = (*TokenSource)(nil)
	_ auth.Invalidator = (*TokenSource)(nil)
)

// NewTokenSource returns a TokenSource for the app key and secret. Nothing
// is fetched until the first Token call. Tokens are cached under
// "apiusb:"+appKey in the Store.
func NewTokenSource(appKey, appSecret string, opts ...TokenOption) (*TokenSource, error) {
	if strings.TrimSpace(appKey) == "" {
		return nil, errors.New("apiusb: NewTokenSource: appKey is required")
	}
	if appSecret == "" {
		return nil, errors.New("apiusb: NewTokenSource: appSecret is required")
	}
	cfg := tokenConfig{baseURL: DefaultBaseURL, retry: waybill.DefaultRetryPolicy, now: time.Now, lifetime: DefaultTokenLifetime}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s := &TokenSource{
		appKey:   appKey,
		secret:   appSecret,
		url:      cfg.baseURL,
		http:     httpx.New(httpx.Config{HTTPClient: cfg.http, Logger: cfg.logger}),
		retry:    cfg.retry,
		now:      cfg.now,
		lifetime: cfg.lifetime,
	}
	cache, err := auth.NewCachedSource(auth.CacheConfig{
		Key:    "apiusb:" + appKey,
		Fetch:  s.fetch,
		Store:  cfg.store,
		Now:    cfg.now,
		Logger: cfg.logger,
	})
	if err != nil {
		return nil, err
	}
	s.cache = cache
	return s, nil
}

// Token returns a valid access token, calling ApplyToken if none is cached
// or the cached one is due for refresh.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	return s.cache.Token(ctx)
}

// Invalidate drops rejected if it is still the cached token, so that the
// next Token call gets a new one. Client calls it when a call is refused
// with ret 401, 403 or 406.
func (s *TokenSource) Invalidate(ctx context.Context, rejected string) error {
	return s.cache.Invalidate(ctx, rejected)
}

// String names the app key, never the secret or a token. It and the other
// printing methods have value receivers so that a dereferenced TokenSource
// prints no secret either.
func (s TokenSource) String() string {
	return "apiusb.TokenSource{AppKey:" + s.appKey + " AppSecret:" + httpx.Redacted + "}"
}

// GoString is String, so %#v shows no secret.
func (s TokenSource) GoString() string { return s.String() }

// Format prints String for every verb.
func (s TokenSource) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue logs the app key only.
func (s TokenSource) LogValue() slog.Value {
	return slog.GroupValue(slog.String("app_key", s.appKey))
}

// fetch calls ApplyToken, retrying transient failures.
func (s *TokenSource) fetch(ctx context.Context, _ bool) (auth.Token, error) {
	body := url.Values{"s": {TokenService}, "app_key": {s.appKey}, "app_secret": {s.secret}}.Encode()
	req := &httpx.Request{Method: http.MethodPost, URL: s.url, Body: []byte(body), ContentType: formContentType, LogOp: TokenService}
	var tok auth.Token
	err := httpx.Retry(ctx, s.retry, func(attempt int) (bool, error) {
		reply, err := s.http.Send(ctx, req, attempt)
		if err != nil {
			if errors.Is(err, httpx.ErrReplyTooLarge) {
				return false, unusable(TokenService, reply.Status, err)
			}
			return ctx.Err() == nil, fmt.Errorf("apiusb: %s: %w", TokenService, httpx.ScrubError(err, s.secret))
		}
		var fields map[string]json.RawMessage
		env, apiErr := parseEnvelope(TokenService, reply, &fields)
		if apiErr == nil {
			apiErr = env.refused(TokenService, s.secret)
		}
		if apiErr != nil {
			return retryable(env, apiErr), apiErr
		}
		t, apiErr := s.token(env, fields)
		if apiErr != nil {
			return false, apiErr
		}
		tok = t
		return false, nil
	})
	return tok, err
}

// relativeExpiry and absoluteExpiry are the data fields read, in this order,
// for a token's lifetime.
var (
	relativeExpiry = []string{"expires_in", "expire_in"}
	absoluteExpiry = []string{"expire_time", "expires_at", "expire_at"}
)

// chinaTime is the zone of date strings without one (PHP's date() on
// servers in China).
var chinaTime = time.FixedZone("UTC+8", 8*60*60)

// token reads an ApplyToken envelope with ret 200.
func (s *TokenSource) token(env *envelope, fields map[string]json.RawMessage) (auth.Token, *werrors.APIError) {
	fail := func(cause error) *werrors.APIError {
		e := unusable(TokenService, env.Status, cause)
		e.Message = "unexpected ApplyToken reply"
		return e
	}
	if env.DataKind != "" {
		return auth.Token{}, fail(fmt.Errorf("%w: data is %s", ErrNoAccessToken, env.DataKind))
	}
	if fields == nil {
		return auth.Token{}, fail(fmt.Errorf("%w: data is missing", ErrNoAccessToken))
	}
	var value string
	if raw := fields["access_token"]; kindOf(raw) == "a string" {
		value = strings.TrimSpace(textOf(raw))
	}
	if value == "" {
		// Some services put a business code in data; report it if so.
		if raw, ok := fields["code"]; ok {
			if code, err := parseInt(raw); err == nil && code != 200 && code != 0 {
				return auth.Token{}, &werrors.APIError{
					Provider:   werrors.ProviderAPIUSB,
					Op:         TokenService,
					Code:       code,
					Message:    httpx.Scrub(textOf(fields["message"]), s.secret),
					HTTPStatus: env.Status,
				}
			}
		}
		return auth.Token{}, fail(ErrNoAccessToken)
	}
	now := s.now()
	lifetime, err := expiry(fields, now)
	if err != nil {
		return auth.Token{}, fail(err)
	}
	if lifetime == 0 {
		lifetime = s.lifetime
	}
	return auth.NewToken(value, lifetime, now), nil
}

// expiry returns the lifetime the first expiry field present in data gives,
// 0 if there is none. See the package documentation for the forms read.
func expiry(fields map[string]json.RawMessage, now time.Time) (time.Duration, error) {
	for _, name := range relativeExpiry {
		raw, ok := fields[name]
		if !ok || isNull(raw) {
			continue
		}
		n, err := parseInt(raw)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("ApplyToken reply: data.%s is not a positive number of seconds", name)
		}
		return time.Duration(min(int64(n), maxSeconds)) * time.Second, nil
	}
	for _, name := range absoluteExpiry {
		raw, ok := fields[name]
		if !ok || isNull(raw) {
			continue
		}
		at, err := expiryTime(raw, now)
		if err != nil {
			return 0, fmt.Errorf("ApplyToken reply: data.%s: %w", name, err)
		}
		d := min(at.Sub(now), maxSeconds*time.Second)
		if d <= 0 {
			return 0, fmt.Errorf("ApplyToken reply: data.%s says the token expired at %s", name, at.UTC().Format(time.RFC3339))
		}
		return d, nil
	}
	return 0, nil
}

// maxSeconds caps lifetimes so that durations cannot overflow (about 100
// years).
const maxSeconds = 100 * 365 * 24 * 60 * 60

// expiryTime reads an absolute expiry: Unix seconds (milliseconds from
// 1e12 on; below 1e9, seconds from now) as a number or numeric string, or a
// date string in RFC 3339 or "2006-01-02 15:04:05" (UTC+8) form.
func expiryTime(raw json.RawMessage, now time.Time) (time.Time, error) {
	if n, err := parseInt(raw); err == nil {
		switch {
		case n <= 0:
			return time.Time{}, fmt.Errorf("%d is not a time", n)
		case n < 1e9:
			return now.Add(time.Duration(min(int64(n), maxSeconds)) * time.Second), nil
		case n >= 1e12:
			return time.UnixMilli(int64(n)), nil
		}
		return time.Unix(int64(n), 0), nil
	}
	if kindOf(raw) == "a string" {
		s := strings.TrimSpace(textOf(raw))
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
		if t, err := time.ParseInLocation(time.DateTime, s, chinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("neither a Unix time nor a date")
}
