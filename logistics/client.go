package logistics

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
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/apisec"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/pipeline"
	"github.com/waybill-go/waybill/internal/wxapi"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// DefaultBaseURL is WeChat's server API.
const DefaultBaseURL = "https://api.weixin.qq.com"

// Provider is WeChat's name in errors (APIError.Provider) and results
// (waybill.CancelResult.Provider).
const Provider = wxapi.Provider

// Option configures NewClient and NewAppClient. The option names are the
// ones every package of the SDK uses for the same setting.
type Option func(*config) error

type config struct {
	pipeline.Settings
	baseURL   string
	tokenOpts []auth.WeChatOption
	security  *apisec.Keys // WithAPISecurity; nil: no call is sealed
}

// WithBaseURL sets the API's base URL (default https://api.weixin.qq.com).
// A path is kept, so a fake mounted under a prefix works. WeChat Cloud
// Hosting uses http://api.weixin.qq.com together with auth.NoToken(). With
// NewAppClient the token endpoints are called there too.
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

// WithHTTPClient sets the *http.Client for API calls, for tracing, proxies or
// timeouts. It is copied, never modified, and redirects are never followed.
// Without it the client uses one with a 30-second timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithLogger logs each HTTP exchange at debug level: operation, method, URL
// with the access_token redacted, attempt, status and time taken. Nothing is
// logged at other levels.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.SetLogger(l) }
}

// WithRetry sets how transient failures are retried (default
// waybill.DefaultRetryPolicy; waybill.NoRetry turns retries off).
func WithRetry(p waybill.RetryPolicy) Option {
	return func(c *config) error { return c.SetRetry(p) }
}

// WithMaxReplyBytes caps how much of a reply is read (default 1 MiB). A
// larger reply fails with an error matching errors.ErrSystem.
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

// WithTokenOptions passes options that only a token source has (such as
// auth.WithStore, auth.WithStableToken or auth.WithClock) to the token
// source NewAppClient builds. NewClient refuses it: its token source is
// configured by whoever built it.
func WithTokenOptions(opts ...auth.WeChatOption) Option {
	return func(c *config) error {
		c.tokenOpts = append(c.tokenOpts, opts...)
		return nil
	}
}

// Client calls WeChat's express business API. It is safe for concurrent use;
// create one per app and reuse it.
type Client struct {
	tokens   auth.TokenSource // nil in Cloud Hosting mode: no access_token is sent
	pipe     *pipeline.Pipeline
	baseURL  string
	security *apisec.Keys // nil without WithAPISecurity
}

var _ waybill.Canceller = (*Client)(nil)

// NewClient returns a client that authenticates with tokens. tokens must not
// be nil: pass auth.NoToken() explicitly for WeChat Cloud Hosting, where no
// access_token is sent.
func NewClient(tokens auth.TokenSource, opts ...Option) (*Client, error) {
	const who = "logistics: NewClient"
	if tokens == nil {
		return nil, errors.New(who + ": nil TokenSource (use auth.NoToken() for WeChat Cloud Hosting)")
	}
	cfg, err := newConfig(who, opts)
	if err != nil {
		return nil, err
	}
	if len(cfg.tokenOpts) > 0 {
		return nil, errors.New(who + ": WithTokenOptions applies to NewAppClient only")
	}
	return newClient(tokens, cfg), nil
}

// NewAppClient returns a client for the app appID that gets its access
// tokens itself, from an auth.WeChatTokenSource built with the same base
// URL, HTTP client, logger, retry policy, User-Agent and telemetry as the
// client: the settings are given once. Options only a token source has go through
// WithTokenOptions; with several processes, give them all the same
// auth.WithStore. TokenSource returns the source, to share with other
// clients of the same app.
func NewAppClient(appID, appSecret string, opts ...Option) (*Client, error) {
	const who = "logistics: NewAppClient"
	cfg, err := newConfig(who, opts)
	if err != nil {
		return nil, err
	}
	topts := []auth.WeChatOption{auth.WithBaseURL(cfg.baseURL)}
	if cfg.HTTPClient != nil {
		topts = append(topts, auth.WithHTTPClient(cfg.HTTPClient))
	}
	if cfg.Logger != nil {
		topts = append(topts, auth.WithLogger(cfg.Logger))
	}
	if cfg.Retry != nil {
		topts = append(topts, auth.WithRetry(*cfg.Retry))
	}
	if cfg.UserAgent != "" {
		topts = append(topts, auth.WithUserAgent(cfg.UserAgent))
	}
	if tp := cfg.Telemetry.Tracer; tp != nil {
		topts = append(topts, auth.WithTracerProvider(tp))
	}
	if mp := cfg.Telemetry.Meter; mp != nil {
		topts = append(topts, auth.WithMeterProvider(mp))
	}
	tokens, err := auth.NewWeChatTokenSource(appID, appSecret, append(topts, cfg.tokenOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", who, err)
	}
	return newClient(tokens, cfg), nil
}

func newConfig(who string, opts []Option) (*config, error) {
	cfg := &config{baseURL: DefaultBaseURL}
	if err := pipeline.Apply(who, cfg, opts); err != nil {
		return nil, err
	}
	return cfg, nil
}

func newClient(tokens auth.TokenSource, cfg *config) *Client {
	c := &Client{tokens: tokens, pipe: pipeline.New(Provider, cfg.Settings), baseURL: cfg.baseURL, security: cfg.security}
	if auth.IsNoToken(tokens) {
		c.tokens = nil
	}
	return c
}

// TokenSource returns the source the client gets its access tokens from;
// auth.NoToken() in Cloud Hosting mode.
func (c *Client) TokenSource() auth.TokenSource {
	if c.tokens == nil {
		return auth.NoToken()
	}
	return c.tokens
}

// String describes the client without its token source's secrets: printing
// a struct with %v shows unexported fields, so a static token held inside
// would otherwise appear. The printing methods have value receivers so that
// a dereferenced Client is covered too.
func (c Client) String() string {
	mode := "access_token"
	if c.tokens == nil {
		mode = "none (Cloud Hosting)"
	}
	sec := ""
	if c.security != nil {
		sec = " APISecurity:" + c.security.AppID()
	}
	return "logistics.Client{BaseURL:" + c.baseURL + " Token:" + mode + sec + "}"
}

// Format prints String for every verb.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the base URL only.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.baseURL), slog.Bool("access_token", c.tokens != nil))
}

// url is ep's URL at the client's base, with token, if any, as the
// access_token parameter.
func (c *Client) url(ep *endpoint, token string) string {
	if token == "" {
		return c.baseURL + ep.path
	}
	return c.baseURL + ep.path + "?access_token=" + url.QueryEscape(token)
}

// do sends req (JSON-encoded; nil for none) to ep and decodes the reply
// into out (nil to discard it). It returns nil on success; otherwise an
// *errors.APIError for a refusal (out is decoded as far as the reply
// allows), an *errors.TransportError when no reply came, or an error from
// the token source.
func (c *Client) do(ctx context.Context, ep *endpoint, req, out any) error {
	_, err := c.call(ctx, ep, req, out, nil)
	return err
}

// call is do with the pipeline's outcome, and settle for an outcome that
// stays unknown (see pipeline.Call.Settle).
func (c *Client) call(ctx context.Context, ep *endpoint, req, out any, settle func(context.Context) (bool, error)) (pipeline.Outcome, error) {
	var body []byte
	if req != nil {
		var err error
		if body, err = json.Marshal(req); err != nil {
			return pipeline.Outcome{}, fmt.Errorf("logistics: %s: encoding the request: %w", ep.op, err)
		}
	}
	x := &exchange{c: c, ep: ep, body: body, out: out}
	if ep.secured {
		if err := x.seal(); err != nil {
			return pipeline.Outcome{}, err
		}
	}
	call := &pipeline.Call{Op: ep.op, Exchange: x, Out: out, AlreadyDone: ep.done, Settle: settle}
	if c.tokens != nil {
		call.Tokens = c.tokens
	}
	return c.pipe.Do(ctx, call)
}

// exchange is one call to a WeChat API: its encoded request and the
// response its replies are decoded into.
type exchange struct {
	c    *Client
	ep   *endpoint
	body []byte // nil for none
	out  any    // nil to discard the reply

	// For an endpoint under API security (see seal): the URL path the
	// signatures cover, and when the current attempt was sealed.
	urlpath string
	sentAt  time.Time
}

// Request implements pipeline.Exchange.
func (x *exchange) Request(token string) (*httpx.Request, error) {
	if x.urlpath != "" {
		return x.sealedRequest(token)
	}
	r := &httpx.Request{Method: x.ep.method, URL: x.c.url(x.ep, token), LogOp: x.ep.op}
	if x.body != nil {
		r.Body, r.ContentType = x.body, "application/json"
	}
	return r, nil
}

// Judge implements pipeline.Exchange.
func (x *exchange) Judge(r *httpx.Reply) pipeline.Judgement {
	if x.urlpath != "" {
		return x.openReply(r)
	}
	return x.judge(r)
}

// judge judges a reply with the endpoint's judge, filling a response
// made only of a reply's status members from what the judge read.
func (x *exchange) judge(r *httpx.Reply) pipeline.Judgement {
	if out, ok := x.out.(statusOnly); ok {
		j, st := wxapi.JudgeStatus(x.c.pipe, &x.ep.wx, r)
		out.setStatus(st)
		return j
	}
	return wxapi.Judge(x.c.pipe, &x.ep.wx, r, x.out)
}

// statusOnly is a response made of nothing but errcode, errmsg,
// delivery_resultcode and delivery_resultmsg (or some of them): the judge
// reads those anyway, so the reply need not be decoded a second time.
type statusOnly interface{ setStatus(wxapi.Status) }

// isAPIError reports whether err is a provider's answer (rather than no
// answer, or a local failure): then the decoded response is worth
// returning with it.
func isAPIError(err error) bool {
	var e *werrors.APIError
	return errors.As(err, &e) && e.Code != 0
}
