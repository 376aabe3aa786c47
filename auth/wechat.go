package auth

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
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/pipeline"
	"github.com/waybill-go/waybill/internal/wxapi"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// DefaultWeChatURL is the base URL of WeChat's server API.
const DefaultWeChatURL = "https://api.weixin.qq.com"

// WeChatOption configures NewWeChatTokenSource. The option names are the
// ones every package of the SDK uses for the same setting.
type WeChatOption func(*wechatConfig) error

type wechatConfig struct {
	pipeline.Settings
	baseURL string
	store   Store
	stable  bool
	now     func() time.Time
}

// WithBaseURL sets the base URL of the token endpoints (default
// https://api.weixin.qq.com), for example a fake's URL in tests.
func WithBaseURL(baseURL string) WeChatOption {
	return func(c *wechatConfig) error {
		u, err := httpx.ParseBaseURL(baseURL)
		if err != nil {
			return fmt.Errorf("WithBaseURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithTokenURL is WithBaseURL.
//
// Deprecated: use WithBaseURL, the name every package uses.
func WithTokenURL(baseURL string) WeChatOption { return WithBaseURL(baseURL) }

// WithHTTPClient sets the *http.Client used to fetch tokens. It is copied,
// never modified, and redirects are never followed.
func WithHTTPClient(hc *http.Client) WeChatOption {
	return func(c *wechatConfig) error { return c.SetHTTPClient(hc) }
}

// WithTokenHTTPClient is WithHTTPClient.
//
// Deprecated: use WithHTTPClient, the name every package uses.
func WithTokenHTTPClient(hc *http.Client) WeChatOption { return WithHTTPClient(hc) }

// WithLogger logs token endpoint exchanges at debug level, with secrets
// redacted, and store failures the source works around at warn level.
// Without it nothing is logged.
func WithLogger(l *slog.Logger) WeChatOption {
	return func(c *wechatConfig) error { return c.SetLogger(l) }
}

// WithRetry sets how token fetches are retried after transport errors,
// HTTP 5xx and errcode -1 (default waybill.DefaultRetryPolicy).
func WithRetry(p waybill.RetryPolicy) WeChatOption {
	return func(c *wechatConfig) error { return c.SetRetry(p) }
}

// WithUserAgent adds an application's name and version, such as
// "myshop/2.1", to the User-Agent "waybill-go/<version>".
func WithUserAgent(app string) WeChatOption {
	return func(c *wechatConfig) error { return c.SetUserAgent(app) }
}

// WithTracerProvider records a span per call (and per token fetch), with
// each attempt as an event, in tp: provider, operation, outcome, errcode,
// sentinel and attempts as attributes, URLs with their credentials
// redacted. Without it nothing is traced.
func WithTracerProvider(tp trace.TracerProvider) WeChatOption {
	return func(c *wechatConfig) error { return c.SetTracerProvider(tp) }
}

// WithMeterProvider records metrics in mp: waybill.calls by outcome,
// waybill.retries, waybill.call.duration and waybill.token.refreshes.
// Without it nothing is measured.
func WithMeterProvider(mp metric.MeterProvider) WeChatOption {
	return func(c *wechatConfig) error { return c.SetMeterProvider(mp) }
}

// WithStore shares tokens through s (default: in process memory). Use
// github.com/waybill-go/waybill/auth/redisstore when several processes use
// the same app, or they will invalidate each other's tokens.
func WithStore(s Store) WeChatOption {
	return func(c *wechatConfig) error {
		if s == nil {
			return errors.New("WithStore: nil Store")
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
			return errors.New("WithClock: nil clock")
		}
		c.now = now
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
	pipe   *pipeline.Pipeline
	cache  *CachedSource
}

// NewWeChatTokenSource fetches WeChat access tokens for an app, caches them,
// refreshes before expiry, and lets only one fetch run at a time.
func NewWeChatTokenSource(appID, appSecret string, opts ...WeChatOption) (*WeChatTokenSource, error) {
	const who = "auth: NewWeChatTokenSource"
	if strings.TrimSpace(appID) == "" {
		return nil, &werrors.ParamError{Field: "appID", Reason: "is required"}
	}
	if appSecret == "" {
		return nil, &werrors.ParamError{Field: "appSecret", Reason: "is required"}
	}
	cfg := wechatConfig{baseURL: DefaultWeChatURL, stable: true}
	if err := pipeline.Apply(who, &cfg, opts); err != nil {
		return nil, err
	}
	s := &WeChatTokenSource{
		appID:  appID,
		secret: appSecret,
		stable: cfg.stable,
		pipe:   pipeline.New(wxapi.Provider, cfg.Settings),
	}
	kind := "classic"
	s.url = cfg.baseURL + "/cgi-bin/token"
	if cfg.stable {
		kind = "stable"
		s.url = cfg.baseURL + "/cgi-bin/stable_token"
	}
	cache, err := NewCachedSource(CacheConfig{
		Key:     "wechat:" + appID + ":" + kind,
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

// Format prints String for every verb.
func (s *WeChatTokenSource) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue logs the app ID only.
func (s *WeChatTokenSource) LogValue() slog.Value {
	return slog.GroupValue(slog.String("app_id", s.appID), slog.Bool("stable", s.stable))
}

type tokenReply struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// endpoints of the two token APIs: a reply without errcode is a success
// only when it carries access_token.
var (
	classicEndpoint = wxapi.Endpoint{Op: "token", Success: []string{"access_token"}, Token: true}
	stableEndpoint  = wxapi.Endpoint{Op: "stable_token", Success: []string{"access_token"}, Token: true}
)

// fetch asks WeChat for a token on the pipeline.
func (s *WeChatTokenSource) fetch(ctx context.Context, force bool) (Token, error) {
	ep := &classicEndpoint
	req := &httpx.Request{Method: http.MethodGet, LogOp: ep.Op,
		URL: s.url + "?grant_type=client_credential&appid=" + url.QueryEscape(s.appID) + "&secret=" + url.QueryEscape(s.secret)}
	if s.stable {
		ep = &stableEndpoint
		body, err := json.Marshal(struct {
			GrantType    string `json:"grant_type"`
			AppID        string `json:"appid"`
			Secret       string `json:"secret"`
			ForceRefresh bool   `json:"force_refresh"`
		}{"client_credential", s.appID, s.secret, force})
		if err != nil {
			return Token{}, err
		}
		req = &httpx.Request{Method: http.MethodPost, URL: s.url, Body: body, ContentType: "application/json", LogOp: ep.Op}
	}
	x := &tokenExchange{pipe: s.pipe, ep: ep, req: req}
	_, err := s.pipe.Do(ctx, &pipeline.Call{Op: ep.Op, Secrets: []string{s.secret}, Exchange: x, Out: &x.reply})
	tr := x.reply
	if err != nil {
		return Token{}, err
	}
	lifetime := time.Duration(tr.ExpiresIn) * time.Second
	if tr.ExpiresIn <= 0 || tr.ExpiresIn > maxLifetime {
		lifetime = 5 * time.Minute // unknown or absurd: assume the shortest WeChat hands out
	}
	return NewToken(tr.AccessToken, lifetime, s.cache.now()), nil
}

// maxLifetime bounds expires_in, in seconds, so that a hostile reply cannot
// overflow a time.Duration.
const maxLifetime = 365 * 24 * 60 * 60

var errNoAccessToken = errors.New("reply has no access_token")

// tokenExchange is one token fetch: the request is the same for every
// attempt and carries no access token.
type tokenExchange struct {
	pipe  *pipeline.Pipeline
	ep    *wxapi.Endpoint
	req   *httpx.Request
	reply tokenReply
}

// Request implements pipeline.Exchange.
func (x *tokenExchange) Request(string) (*httpx.Request, error) { return x.req, nil }

// Judge implements pipeline.Exchange: errcode 0 is not enough, a token
// reply carries a token.
func (x *tokenExchange) Judge(r *httpx.Reply) pipeline.Judgement {
	j := wxapi.Judge(x.pipe, x.ep, r, &x.reply)
	if j.Verdict == pipeline.Success && strings.TrimSpace(x.reply.AccessToken) == "" {
		return x.pipe.UnusableJudgement(x.ep.Op, r.Status, errNoAccessToken)
	}
	return j
}
