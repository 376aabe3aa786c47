package apiusb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/pipeline"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// DefaultBaseURL is APIUSB's PhalApi entry point.
const DefaultBaseURL = "https://api.apiusb.com/api/app"

// Provider is APIUSB's name in errors (APIError.Provider) and results
// (waybill.CancelResult.Provider).
const Provider = "apiusb"

// formContentType is how POST requests carry their parameters.
const formContentType = "application/x-www-form-urlencoded"

// Option configures NewClient and NewTokenSource. The option names are the
// ones every package of the SDK uses for the same setting. An option that
// does not apply to a constructor makes it fail, naming the option.
type Option func(*config) error

// TokenOption is Option: NewTokenSource takes the same options.
type TokenOption = Option

type config struct {
	pipeline.Settings
	baseURL string

	// The client's own.
	tokens    auth.TokenSource
	method    string
	dataCodes map[int]error
	appKey    string
	appSecret string

	// The token source's own.
	store    auth.Store
	now      func() time.Time
	lifetime time.Duration
}

// WithBaseURL sets the service's entry point (default
// https://api.apiusb.com/api/app), for calls and for ApplyToken alike. A
// path is kept, so a fake mounted under a prefix works; a query or fragment
// is refused.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		base, err := httpx.ParseBaseURL(u)
		if err != nil {
			return fmt.Errorf("WithBaseURL: %w", err)
		}
		c.baseURL = base
		return nil
	}
}

// WithHTTPClient sets the *http.Client, for tracing, proxies or timeouts.
// It is copied, never modified, and redirects are never followed. Without
// it the SDK uses one with a 30-second timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithLogger logs each HTTP exchange at debug level: service, method, URL
// with the access_token redacted, attempt, status and time taken; a token
// source also logs store failures it works around at warn level. Request
// bodies are never logged. Without it nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.SetLogger(l) }
}

// WithRetry sets how transient failures (transport errors, ret 5xx, HTTP
// 5xx without a usable reply) are retried. The default is
// waybill.DefaultRetryPolicy; waybill.NoRetry turns retries off. Client
// errors (ret 4xx) are never retried.
func WithRetry(p waybill.RetryPolicy) Option {
	return func(c *config) error { return c.SetRetry(p) }
}

// WithMaxReplyBytes caps how much of a reply is read (default 1 MiB). A
// larger reply fails, without being retried, with an error matching
// errors.ErrSystem.
func WithMaxReplyBytes(n int64) Option {
	return func(c *config) error { return c.SetMaxReplyBytes(n) }
}

// WithUserAgent adds an application's name and version, such as
// "myshop/2.1", to the User-Agent "waybill-go/<version>".
func WithUserAgent(app string) Option {
	return func(c *config) error { return c.SetUserAgent(app) }
}

// WithTracerProvider records a span per call (and per token fetch), with
// each attempt as an event, in tp: provider, operation, outcome, errcode,
// sentinel and attempts as attributes, URLs with their credentials
// redacted. Without it nothing is traced.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) error { return c.SetTracerProvider(tp) }
}

// WithMeterProvider records metrics in mp: waybill.calls by outcome,
// waybill.retries, waybill.call.duration and waybill.token.refreshes.
// Without it nothing is measured.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) error { return c.SetMeterProvider(mp) }
}

// WithAccessToken sends an access_token from tokens with every call. Use it
// only where the account has signing turned on; without it the parameter is
// not sent at all. tokens is typically a *TokenSource, which is refreshed
// once when a call is refused with ret 401, 403 or 406, or
// auth.StaticToken for a token obtained elsewhere, which cannot be.
// auth.NoToken() is the same as not using this option. NewClient only; see
// WithAppKey to have the client build its token source.
func WithAccessToken(tokens auth.TokenSource) Option {
	return func(c *config) error {
		if tokens == nil {
			return errors.New("WithAccessToken: nil auth.TokenSource")
		}
		c.tokens = tokens
		if auth.IsNoToken(tokens) {
			c.tokens = nil
		}
		return nil
	}
}

// WithAppKey makes NewClient get its access tokens itself, from a
// TokenSource for appKey and appSecret built with the client's own
// options: the base URL, HTTP client, logger, retry policy and User-Agent
// are given once, and WithStore, WithClock and WithTokenLifetime reach the
// token source. NewClient only.
func WithAppKey(appKey, appSecret string) Option {
	return func(c *config) error {
		if strings.TrimSpace(appKey) == "" || appSecret == "" {
			return errors.New("WithAppKey: appKey and appSecret are required")
		}
		c.appKey, c.appSecret = appKey, appSecret
		return nil
	}
}

// WithMethod chooses how parameters travel: http.MethodPost (the default)
// sends them as an application/x-www-form-urlencoded body, so the
// access_token stays out of URLs, proxy logs and server logs;
// http.MethodGet sends them in the query string. Other methods are refused.
// NewClient only.
func WithMethod(method string) Option {
	return func(c *config) error {
		switch m := strings.ToUpper(method); m {
		case http.MethodGet, http.MethodPost:
			c.method = m
			return nil
		}
		return fmt.Errorf("WithMethod: %q is neither GET nor POST", method)
	}
}

// WithDataCodes maps APIUSB data.code values (in replies whose ret is 200) to
// sentinels, e.g. {1002: werrors.ErrDuplicateCancel, 1001: werrors.ErrAlreadyHasTrace}.
// APIUSB documents no business codes; an account's own codes go here. A code
// mapped to ErrDuplicateCancel settles an unknown outcome the way WeChat's
// 9300524 does: after an attempt whose answer was lost, it means the order
// is cancelled and the call succeeds. Codes 200 (success) and nil sentinels
// are refused. NewClient only; the map is copied.
func WithDataCodes(codes map[int]error) Option {
	return func(c *config) error {
		for code, s := range codes {
			if code == 200 {
				return errors.New("WithDataCodes: 200 means success and cannot be mapped")
			}
			if s == nil {
				return fmt.Errorf("WithDataCodes: code %d maps to a nil error", code)
			}
		}
		c.dataCodes = maps.Clone(codes)
		return nil
	}
}

// WithStore shares tokens through s (default: in process memory), for
// example a github.com/waybill-go/waybill/auth/redisstore Store shared by
// every process of the account. NewTokenSource, or NewClient with
// WithAppKey.
func WithStore(s auth.Store) Option {
	return func(c *config) error {
		if s == nil {
			return errors.New("WithStore: nil auth.Store")
		}
		c.store = s
		return nil
	}
}

// WithClock replaces time.Now, for tests. NewTokenSource, or NewClient with
// WithAppKey.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithTokenLifetime sets the lifetime assumed for a token whose ApplyToken
// reply names no expiry (default DefaultTokenLifetime). NewTokenSource, or
// NewClient with WithAppKey.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("WithTokenLifetime: %v is not positive", d)
		}
		c.lifetime = d
		return nil
	}
}

// clientOnly names the client's own options that were given, if any.
func (c *config) clientOnly() string {
	switch {
	case c.tokens != nil:
		return "WithAccessToken"
	case c.appKey != "":
		return "WithAppKey"
	case c.method != "":
		return "WithMethod"
	case c.dataCodes != nil:
		return "WithDataCodes"
	}
	return ""
}

// tokenOnly names the token source's own options that were given, if any.
func (c *config) tokenOnly() string {
	switch {
	case c.store != nil:
		return "WithStore"
	case c.now != nil:
		return "WithClock"
	case c.lifetime != 0:
		return "WithTokenLifetime"
	}
	return ""
}

// Client calls APIUSB's services. It is safe for concurrent use; create one
// per account and reuse it.
type Client struct {
	tokens    auth.TokenSource // nil: no access_token is sent
	pipe      *pipeline.Pipeline
	method    string
	baseURL   string
	dataCodes map[int]error
}

var _ waybill.Canceller = (*Client)(nil)

// NewClient returns a client for APIUSB, or the error of the first option
// that does not hold.
func NewClient(opts ...Option) (*Client, error) {
	const who = "apiusb: NewClient"
	cfg := config{baseURL: DefaultBaseURL}
	if err := pipeline.Apply(who, &cfg, opts); err != nil {
		return nil, err
	}
	switch {
	case cfg.tokens != nil && cfg.appKey != "":
		return nil, errors.New(who + ": WithAccessToken and WithAppKey exclude each other")
	case cfg.appKey == "" && cfg.tokenOnly() != "":
		return nil, fmt.Errorf("%s: %s applies to the token source: use it with WithAppKey, or with NewTokenSource", who, cfg.tokenOnly())
	}
	c := &Client{
		tokens:    cfg.tokens,
		pipe:      pipeline.New(Provider, cfg.Settings),
		method:    cfg.method,
		baseURL:   cfg.baseURL,
		dataCodes: cfg.dataCodes,
	}
	if c.method == "" {
		c.method = http.MethodPost
	}
	if cfg.appKey != "" {
		tokens, err := newTokenSource(cfg.appKey, cfg.appSecret, &cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", who, err)
		}
		c.tokens = tokens
	}
	return c, nil
}

// TokenSource returns the source the client gets its access tokens from,
// or nil when it sends none.
func (c *Client) TokenSource() auth.TokenSource { return c.tokens }

// String describes the client: its entry point, its method and whether it
// sends an access token, never the token. Without it, printing a client with
// %v would show a static token held inside it. The printing methods have
// value receivers so that a dereferenced Client is covered too.
func (c Client) String() string {
	tok := "none"
	if c.tokens != nil {
		tok = httpx.Redacted
	}
	return "apiusb.Client{BaseURL:" + c.baseURL + " Method:" + c.method + " AccessToken:" + tok + "}"
}

// Format prints String for every verb.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the entry point and method only.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.baseURL), slog.String("method", c.method), slog.Bool("access_token", c.tokens != nil))
}

// exchange is one call of a PhalApi service: its parameters, and the
// judge that reads its replies.
type exchange struct {
	method, baseURL, service string
	params                   url.Values
	judge                    func(*httpx.Reply) pipeline.Judgement
}

// Request implements pipeline.Exchange: the service name, the parameters
// and the token (if any) as a form body or, in GET mode, as the query
// string.
func (x *exchange) Request(token string) (*httpx.Request, error) {
	q := make(url.Values, len(x.params)+2)
	maps.Copy(q, x.params)
	q.Set("s", x.service)
	if token != "" {
		q.Set("access_token", token)
	}
	if x.method == http.MethodGet {
		return &httpx.Request{Method: http.MethodGet, URL: x.baseURL + "?" + q.Encode(), LogOp: x.service}, nil
	}
	return &httpx.Request{Method: http.MethodPost, URL: x.baseURL, Body: []byte(q.Encode()), ContentType: formContentType, LogOp: x.service}, nil
}

// Judge implements pipeline.Exchange.
func (x *exchange) Judge(r *httpx.Reply) pipeline.Judgement { return x.judge(r) }

// call sends params to service on the pipeline; judge reads each reply
// into out.
func (c *Client) call(ctx context.Context, service string, params url.Values, out any,
	judge func(*httpx.Reply) pipeline.Judgement) (pipeline.Outcome, error) {
	call := &pipeline.Call{
		Op:       service,
		Exchange: &exchange{method: c.method, baseURL: c.baseURL, service: service, params: params, judge: judge},
		Out:      out,
		// The client's one service is a cancellation; see WithDataCodes.
		AlreadyDone: werrors.ErrDuplicateCancel,
	}
	if c.tokens != nil {
		call.Tokens = c.tokens
	}
	return c.pipe.Do(ctx, call)
}

// judgeRet judges an envelope whose ret is not 200: 401, 403 and 406 refuse
// the access token (replaced once, if there is one), 5xx is transient, and
// any other ret is final.
func (c *Client) judgeRet(service string, env *envelope) pipeline.Judgement {
	e := &werrors.APIError{
		Provider:   Provider,
		Op:         service,
		Code:       env.Ret,
		CodeName:   "ret",
		Message:    env.Msg,
		HTTPStatus: env.Status,
		Sentinel:   retSentinel(env.Ret),
	}
	switch {
	case tokenRefused(env.Ret):
		return pipeline.Judgement{Verdict: pipeline.TokenRejected, Err: e}
	case e.Sentinel == werrors.ErrSystem:
		return pipeline.Judgement{Verdict: pipeline.Transient, Err: e, Unknown: true}
	}
	return pipeline.Judgement{Verdict: pipeline.Refused, Err: e}
}

// retSentinel maps PhalApi's ret to a sentinel.
func retSentinel(ret int) error {
	switch {
	case ret == 400:
		return werrors.ErrInvalidParam
	case tokenRefused(ret):
		return werrors.ErrUnauthorized
	case ret == 404:
		return werrors.ErrServiceNotFound
	case ret >= 500 && ret <= 599:
		return werrors.ErrSystem
	}
	return nil
}

// tokenRefused reports whether ret means the access token or signature was
// refused, the case for one refresh.
func tokenRefused(ret int) bool { return ret == 401 || ret == 403 || ret == 406 }
