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

	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/jsonx"
	"github.com/waybill-go/waybill/internal/pipeline"
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
	pipe     *pipeline.Pipeline
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
// "apiusb:"+appKey in the Store. It takes the options that concern
// fetching tokens (WithBaseURL, WithHTTPClient, WithLogger, WithRetry,
// WithUserAgent, WithMaxReplyBytes, WithStore, WithClock,
// WithTokenLifetime) and refuses the client's own.
func NewTokenSource(appKey, appSecret string, opts ...Option) (*TokenSource, error) {
	const who = "apiusb: NewTokenSource"
	cfg := config{baseURL: DefaultBaseURL}
	if err := pipeline.Apply(who, &cfg, opts); err != nil {
		return nil, err
	}
	if name := cfg.clientOnly(); name != "" {
		return nil, fmt.Errorf("%s: %s applies to NewClient only", who, name)
	}
	s, err := newTokenSource(appKey, appSecret, &cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", who, err)
	}
	return s, nil
}

func newTokenSource(appKey, appSecret string, cfg *config) (*TokenSource, error) {
	if strings.TrimSpace(appKey) == "" {
		return nil, &werrors.ParamError{Field: "appKey", Reason: "is required"}
	}
	if appSecret == "" {
		return nil, &werrors.ParamError{Field: "appSecret", Reason: "is required"}
	}
	s := &TokenSource{
		appKey:   appKey,
		secret:   appSecret,
		url:      cfg.baseURL,
		pipe:     pipeline.New(Provider, cfg.Settings),
		now:      cfg.now,
		lifetime: cfg.lifetime,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.lifetime == 0 {
		s.lifetime = DefaultTokenLifetime
	}
	cache, err := auth.NewCachedSource(auth.CacheConfig{
		Key:     "apiusb:" + appKey,
		Fetch:   s.fetch,
		Store:   cfg.store,
		Now:     cfg.now,
		Logger:  cfg.Logger,
		Secrets: []string{appSecret},
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

// Format prints String for every verb.
func (s TokenSource) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue logs the app key only.
func (s TokenSource) LogValue() slog.Value {
	return slog.GroupValue(slog.String("app_key", s.appKey))
}

// fetch calls ApplyToken on the pipeline.
func (s *TokenSource) fetch(ctx context.Context, _ bool) (auth.Token, error) {
	params := url.Values{"app_key": {s.appKey}, "app_secret": {s.secret}}
	var tok auth.Token
	judge := func(r *httpx.Reply) pipeline.Judgement {
		var fields map[string]json.RawMessage
		env, j := parseEnvelope(s.pipe, TokenService, r, &fields)
		if env == nil {
			return j
		}
		if env.Ret != 200 {
			return s.refused(env, env.Ret, "ret", env.Msg)
		}
		t, j := s.token(env, fields)
		tok = t
		return j
	}
	_, err := s.pipe.Do(ctx, &pipeline.Call{
		Op:       TokenService,
		Secrets:  []string{s.secret},
		Exchange: &exchange{method: http.MethodPost, baseURL: s.url, service: TokenService, params: params, judge: judge},
	})
	return tok, err
}

// refused judges ApplyToken refusing the app key or secret (a 4xx ret other
// than 404, or a business code in data): ErrInvalidCredentials. A 5xx ret
// is transient; 404 means the service is not there.
func (s *TokenSource) refused(env *envelope, code int, codeName, msg string) pipeline.Judgement {
	e := &werrors.APIError{
		Provider:   Provider,
		Op:         TokenService,
		Code:       code,
		CodeName:   codeName,
		Message:    msg,
		HTTPStatus: env.Status,
		Sentinel:   werrors.ErrInvalidCredentials,
	}
	if codeName == "ret" {
		switch {
		case code >= 500 && code <= 599:
			e.Sentinel = werrors.ErrSystem
			return pipeline.Judgement{Verdict: pipeline.Transient, Err: e, Unknown: true}
		case code == 404:
			e.Sentinel = werrors.ErrServiceNotFound
		case code < 400 || code > 499:
			e.Sentinel = nil // a ret PhalApi does not define
		}
	}
	return pipeline.Judgement{Verdict: pipeline.Refused, Err: e}
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
func (s *TokenSource) token(env *envelope, fields map[string]json.RawMessage) (auth.Token, pipeline.Judgement) {
	fail := func(cause error) pipeline.Judgement {
		j := s.pipe.UnusableJudgement(TokenService, env.Status, cause)
		j.Err.(*werrors.APIError).Message = "unexpected ApplyToken reply"
		return j
	}
	if env.DataKind != "" {
		return auth.Token{}, fail(fmt.Errorf("%w: data is %s", ErrNoAccessToken, env.DataKind))
	}
	if fields == nil {
		return auth.Token{}, fail(fmt.Errorf("%w: data is missing", ErrNoAccessToken))
	}
	var value string
	if raw := fields["access_token"]; jsonx.Quoted(raw) {
		value = strings.TrimSpace(jsonx.Text(raw))
	}
	if value == "" {
		// Some services put a business code in data; report it if so.
		if code, ok, err := jsonx.Int(fields["code"]); ok && err == nil && code != 200 && code != 0 {
			return auth.Token{}, s.refused(env, code, "code", jsonx.Text(fields["message"]))
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
	return auth.NewToken(value, lifetime, now), pipeline.Judgement{Verdict: pipeline.Success}
}

// expiry returns the lifetime the first expiry field present in data gives,
// 0 if there is none. See the package documentation for the forms read.
func expiry(fields map[string]json.RawMessage, now time.Time) (time.Duration, error) {
	for _, name := range relativeExpiry {
		raw, ok := fields[name]
		if !ok || jsonx.IsNull(raw) {
			continue
		}
		n, err := intOf(raw)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("ApplyToken reply: data.%s is not a positive number of seconds", name)
		}
		return time.Duration(min(int64(n), maxSeconds)) * time.Second, nil
	}
	for _, name := range absoluteExpiry {
		raw, ok := fields[name]
		if !ok || jsonx.IsNull(raw) {
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
	if n, err := intOf(raw); err == nil {
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
	if jsonx.Quoted(raw) {
		s := strings.TrimSpace(jsonx.Text(raw))
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
		if t, err := time.ParseInLocation(time.DateTime, s, chinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("neither a Unix time nor a date")
}
