package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// DefaultWeChatURL is the base URL of WeChat's server API.
const DefaultWeChatURL = "https://api.weixin.qq.com"

// WeChatOption configures NewWeChatTokenSource.
type WeChatOption func(*wechatConfig) error

type wechatConfig struct {
	baseURL string
	http    *http.Client
	store   Store
	stable  bool
	now     func() time.Time
	retry   waybill.RetryPolicy
	logger  *slog.Logger
}

// WithTokenURL sets the base URL of the token endpoints (default
// https://api.weixin.qq.com), for example a fake's URL in tests.
func WithTokenURL(baseURL string) WeChatOption {
	return func(c *wechatConfig) error {
		u, err := httpx.ParseBaseURL(baseURL)
		if err != nil {
			return fmt.Errorf("auth: WithTokenURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithTokenHTTPClient sets the *http.Client used to fetch tokens. It is
// copied, never modified.
func WithTokenHTTPClient(hc *http.Client) WeChatOption {
	return func(c *wechatConfig) error {
		if hc == nil {
			return errors.New("auth: WithTokenHTTPClient: nil *http.Client")
		}
		c.http = hc
		return nil
	}
}

// WithStore shares tokens through s (default: in process memory). Use
// github.com/waybill-go/waybill/auth/redisstore when several processes use
// the same app, or they will invalidate each other's tokens.
func WithStore(s Store) WeChatOption {
	return func(c *wechatConfig) error {
		if s == nil {
			return errors.New("auth: WithStore: nil Store")
		}
		c.store = s
		return nil
	}
}

// WithStableToken chooses the endpoint: true (the default) uses POST
// /cgi-bin/stable_token, whose tokens do not invalidate each other; false
// uses the classic GET /cgi-bin/token, each fetch of which invalidates the
// previous token after five minutes.
func WithStableToken(enabled bool) WeChatOption {
	return func(c *wechatConfig) error {
		c.stable = enabled
		return nil
	}
}

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) WeChatOption {
	return func(c *wechatConfig) error {
		if now == nil {
			return errors.New("auth: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithTokenRetry sets how token fetches are retried after transport errors,
// HTTP 5xx and errcode -1 (default waybill.DefaultRetryPolicy).
func WithTokenRetry(p waybill.RetryPolicy) WeChatOption {
	return func(c *wechatConfig) error {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("auth: WithTokenRetry: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithTokenLogger logs token endpoint exchanges at debug level, with
// secrets redacted, and store failures the source works around at warn
// level.
func WithTokenLogger(l *slog.Logger) WeChatOption {
	return func(c *wechatConfig) error {
		if l == nil {
			return errors.New("auth: WithTokenLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WeChatTokenSource fetches WeChat access tokens for one app, caches them,
// refreshes them before they expire and lets one fetch run at a time. Use
// one per app and share it: it is safe for concurrent use.
type WeChatTokenSource struct {
	appID  string
	secret string
	stable bool
	url    string
	http   *httpx.Client
	retry  waybill.RetryPolicy
	cache  *CachedSource
}

// NewWeChatTokenSource fetches WeChat access tokens for an app, caches them,
// refreshes before expiry, and lets only one fetch run at a time.
func NewWeChatTokenSource(appID, appSecret string, opts ...WeChatOption) (*WeChatTokenSource, error) {
	if appID == "" {
		return nil, errors.New("auth: NewWeChatTokenSource: appID is required")
	}
	if appSecret == "" {
		return nil, errors.New("auth: NewWeChatTokenSource: appSecret is required")
	}
	cfg := wechatConfig{baseURL: DefaultWeChatURL, stable: true, retry: waybill.DefaultRetryPolicy}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s := &WeChatTokenSource{
		appID:  appID,
		secret: appSecret,
		stable: cfg.stable,
		retry:  cfg.retry,
		http:   httpx.New(httpx.Config{HTTPClient: cfg.http, Logger: cfg.logger}),
	}
	kind := "classic"
	s.url = cfg.baseURL + "/cgi-bin/token"
	if cfg.stable {
		kind = "stable"
		s.url = cfg.baseURL + "/cgi-bin/stable_token"
	}
	cache, err := NewCachedSource(CacheConfig{
		Key:    "wechat:" + appID + ":" + kind,
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

// Token returns a valid access token, fetching one if none is cached or the
// cached one is due for refresh.
func (s *WeChatTokenSource) Token(ctx context.Context) (string, error) {
	return s.cache.Token(ctx)
}

// Invalidate drops rejected if it is still the cached token, so that the
// next Token call gets a new one. Clients call it when WeChat answers 40001,
// 40014 or 42001.
func (s *WeChatTokenSource) Invalidate(ctx context.Context, rejected string) error {
	return s.cache.Invalidate(ctx, rejected)
}

// String names the app and the token kind, never the secret or a token.
func (s *WeChatTokenSource) String() string {
	kind := "classic"
	if s.stable {
		kind = "stable"
	}
	return "auth.WeChatTokenSource{AppID:" + s.appID + " Kind:" + kind + " AppSecret:" + redacted + "}"
}

// GoString is String, so %#v shows no secret.
func (s *WeChatTokenSource) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *WeChatTokenSource) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue logs the app ID only.
func (s *WeChatTokenSource) LogValue() slog.Value {
	return slog.GroupValue(slog.String("app_id", s.appID), slog.Bool("stable", s.stable))
}

type tokenReply struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
}

// fetch asks WeChat for a token, retrying transient failures.
func (s *WeChatTokenSource) fetch(ctx context.Context, force bool) (Token, error) {
	op := "token"
	req := &httpx.Request{Method: http.MethodGet, LogOp: op}
	if s.stable {
		op = "stable_token"
		body, err := json.Marshal(struct {
			GrantType    string `json:"grant_type"`
			AppID        string `json:"appid"`
			Secret       string `json:"secret"`
			ForceRefresh bool   `json:"force_refresh"`
		}{"client_credential", s.appID, s.secret, force})
		if err != nil {
			return Token{}, err
		}
		req = &httpx.Request{Method: http.MethodPost, URL: s.url, Body: body, ContentType: "application/json", LogOp: op}
	} else {
		req.URL = s.url + "?grant_type=client_credential&appid=" + url.QueryEscape(s.appID) + "&secret=" + url.QueryEscape(s.secret)
	}
	var tok Token
	err := httpx.Retry(ctx, s.retry, func(attempt int) (bool, error) {
		reply, err := s.http.Send(ctx, req, attempt)
		if err != nil {
			return !errors.Is(err, httpx.ErrReplyTooLarge), httpx.ScrubError(err, s.secret)
		}
		var tr tokenReply
		if apiErr := httpx.DecodeJSON(werrors.ProviderWeChat, op, reply, &tr); apiErr != nil {
			return reply.Status >= 500, apiErr
		}
		if tr.ErrCode != 0 || tr.AccessToken == "" || reply.Status >= 300 {
			e := &werrors.APIError{
				Provider:   werrors.ProviderWeChat,
				Op:         op,
				Code:       tr.ErrCode,
				Message:    httpx.Scrub(tr.ErrMsg, s.secret),
				RequestID:  werrors.RequestIDFromMessage(tr.ErrMsg),
				HTTPStatus: reply.Status,
			}
			if e.Code == 0 && e.Message == "" {
				e.Message = "reply has no access_token"
			}
			return tr.ErrCode == -1 || reply.Status >= 500, e
		}
		lifetime := time.Duration(tr.ExpiresIn) * time.Second
		if lifetime <= 0 {
			lifetime = 5 * time.Minute // unknown: assume the shortest WeChat hands out
		}
		tok = NewToken(tr.AccessToken, lifetime, s.cache.now())
		return false, nil
	})
	return tok, err
}
