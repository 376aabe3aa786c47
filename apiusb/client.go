package apiusb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/internal/httpx"
)

// DefaultBaseURL is APIUSB's PhalApi entry point.
const DefaultBaseURL = "https://api.apiusb.com/api/app"

// formContentType is how POST requests carry their parameters.
const formContentType = "application/x-www-form-urlencoded"

// Option configures NewClient.
type Option func(*config) error

type config struct {
	baseURL  string
	http     *http.Client
	tokens   auth.TokenSource
	method   string
	logger   *slog.Logger
	retry    waybill.RetryPolicy
	maxReply int64
}

// WithBaseURL sets the service's entry point (default
// https://api.apiusb.com/api/app). A path is kept, so a fake mounted under a
// prefix works; a query or fragment is refused.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		base, err := httpx.ParseBaseURL(u)
		if err != nil {
			return fmt.Errorf("apiusb: WithBaseURL: %w", err)
		}
		c.baseURL = base
		return nil
	}
}

// WithHTTPClient sets the *http.Client for API calls, for tracing, proxies or
// timeouts. It is copied, never modified. Without it the client uses one with
// a 30-second timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("apiusb: WithHTTPClient: nil *http.Client")
		}
		c.http = hc
		return nil
	}
}

// WithAccessToken sends an access_token from tokens with every call. Use it
// only where the account has signing turned on; without it the parameter is
// not sent at all. tokens is typically a *TokenSource, which is refreshed
// once when a call is refused with ret 401, 403 or 406, or
// auth.StaticToken for a token obtained elsewhere, which cannot be.
// auth.NoToken() is the same as not using this option.
func WithAccessToken(tokens auth.TokenSource) Option {
	return func(c *config) error {
		if tokens == nil {
			return errors.New("apiusb: WithAccessToken: nil auth.TokenSource")
		}
		c.tokens = tokens
		if auth.IsNoToken(tokens) {
			c.tokens = nil
		}
		return nil
	}
}

// WithMethod chooses how parameters travel: http.MethodPost (the default)
// sends them as an application/x-www-form-urlencoded body, so the
// access_token stays out of URLs, proxy logs and server logs;
// http.MethodGet sends them in the query string. Other methods are refused.
func WithMethod(method string) Option {
	return func(c *config) error {
		switch m := strings.ToUpper(method); m {
		case http.MethodGet, http.MethodPost:
			c.method = m
			return nil
		}
		return fmt.Errorf("apiusb: WithMethod: %q is neither GET nor POST", method)
	}
}

// WithLogger logs each HTTP exchange at debug level: service, method, URL
// with the access_token redacted, attempt, status and time taken. Nothing is
// logged at other levels, and request bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("apiusb: WithLogger: nil *slog.Logger")
		}
		c.logger = l
		return nil
	}
}

// WithRetry sets how transient failures (transport errors, ret 5xx, HTTP
// 5xx without a usable reply) are retried. The default is
// waybill.DefaultRetryPolicy; waybill.NoRetry turns retries off. Client
// errors (ret 4xx) are never retried.
func WithRetry(p waybill.RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 1 {
			return fmt.Errorf("apiusb: WithRetry: MaxAttempts must be at least 1, got %d", p.MaxAttempts)
		}
		if p.BaseDelay < 0 || p.MaxDelay < 0 {
			return errors.New("apiusb: WithRetry: negative delay")
		}
		c.retry = p
		return nil
	}
}

// WithMaxReplyBytes caps how much of a reply is read (default 1 MiB). A
// larger reply fails, without being retried, with an error matching
// errors.ErrSystem.
func WithMaxReplyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("apiusb: WithMaxReplyBytes: %d is not positive", n)
		}
		c.maxReply = n
		return nil
	}
}

// Client calls APIUSB's services. It is safe for concurrent use; create one
// per account and reuse it.
type Client struct {
	tokens  auth.TokenSource // nil: no access_token is sent
	http    *httpx.Client
	retry   waybill.RetryPolicy
	method  string
	baseURL string
}

var _ waybill.Canceller = (*Client)(nil)

// NewClient returns a client for APIUSB, or the error of the first option
// that does not hold.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{baseURL: DefaultBaseURL, method: http.MethodPost, retry: waybill.DefaultRetryPolicy}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return &Client{
		tokens:  cfg.tokens,
		http:    httpx.New(httpx.Config{HTTPClient: cfg.http, MaxReplyBytes: cfg.maxReply, Logger: cfg.logger}),
		retry:   cfg.retry,
		method:  cfg.method,
		baseURL: cfg.baseURL,
	}, nil
}

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

// GoString is String, so %#v shows no token either.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the entry point and method only.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.baseURL), slog.String("method", c.method), slog.Bool("access_token", c.tokens != nil))
}

// token returns the access token to send, "" when none is configured.
func (c *Client) token(ctx context.Context) (string, error) {
	if c.tokens == nil {
		return "", nil
	}
	t, err := c.tokens.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("apiusb: getting access token: %w", err)
	}
	if t == "" {
		return "", fmt.Errorf("apiusb: getting access token: %w", auth.ErrEmptyToken)
	}
	return t, nil
}

// request builds one exchange: the service name, params and the token (if
// any) as a form body or, in GET mode, as the query string.
func (c *Client) request(service string, params url.Values, token string) *httpx.Request {
	if c.method == http.MethodGet {
		return &httpx.Request{Method: http.MethodGet, URL: string(appendForm([]byte(c.baseURL+"?"), params, service, token)), LogOp: service}
	}
	return &httpx.Request{Method: http.MethodPost, URL: c.baseURL, Body: appendForm(nil, params, service, token), ContentType: formContentType, LogOp: service}
}

// appendForm appends to dst what url.Values.Encode writes for params with s
// set to service and, if token is not empty, access_token set to token:
// keys sorted, keys and values escaped by url.QueryEscape's rules. It
// writes into one buffer, without the copy of params, the sorted key slice
// and the escaped strings Encode would allocate.
func appendForm(dst []byte, params url.Values, service, token string) []byte {
	var stack [8]string
	keys := append(stack[:0], "s")
	if token != "" {
		keys = append(keys, "access_token")
	}
	size := len(dst) + len("s=&access_token=") + 3*(len(service)+len(token))
	for k, vs := range params {
		if k == "s" || (k == "access_token" && token != "") {
			continue // replaced, as url.Values.Set would
		}
		keys = append(keys, k)
		for _, v := range vs {
			size += len("&=") + 3*(len(k)+len(v))
		}
	}
	slices.Sort(keys)
	b := slices.Grow(dst, size-len(dst))
	first := true
	for _, k := range keys {
		one := [1]string{}
		vs := params[k]
		switch {
		case k == "s":
			one[0], vs = service, one[:]
		case k == "access_token" && token != "":
			one[0], vs = token, one[:]
		}
		for _, v := range vs {
			if !first {
				b = append(b, '&')
			}
			first = false
			b = appendQueryEscape(b, k)
			b = append(b, '=')
			b = appendQueryEscape(b, v)
		}
	}
	return b
}

// appendQueryEscape appends url.QueryEscape(s): letters, digits and -_.~
// as they are, space as +, every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// tokenRefused reports whether ret means the access token or signature was
// refused, the case for one refresh.
func tokenRefused(ret int) bool { return ret == 401 || ret == 403 || ret == 406 }

// call sends params to service and returns the reply's envelope. A reply
// whose ret is not 200 returns the envelope together with an
// *errors.APIError; a reply without a usable envelope returns a nil
// envelope. Transient failures are retried under the client's policy; a
// refused access token is replaced once and the identical params re-sent.
// The token sent last is returned, for scrubbing the provider's messages.
func (c *Client) call(ctx context.Context, service string, params url.Values, newData func() any) (env *envelope, token string, err error) {
	if token, err = c.token(ctx); err != nil {
		return nil, "", err
	}
	refreshed := false
	err = httpx.Retry(ctx, c.retry, func(attempt int) (bool, error) {
		for {
			env = nil
			reply, err := c.http.Send(ctx, c.request(service, params, token), attempt)
			if err != nil {
				if errors.Is(err, httpx.ErrReplyTooLarge) {
					return false, unusable(service, reply.Status, err)
				}
				return ctx.Err() == nil, fmt.Errorf("apiusb: %s: %w", service, httpx.ScrubError(err, token))
			}
			e, apiErr := parseEnvelope(service, reply, newData())
			if apiErr == nil {
				env = e
				apiErr = e.refused(service, token)
			}
			if apiErr == nil {
				return false, nil
			}
			if env != nil && tokenRefused(env.Ret) && token != "" && !refreshed {
				if inv, ok := c.tokens.(auth.Invalidator); ok {
					refreshed = true
					if err := inv.Invalidate(ctx, token); err != nil {
						return false, fmt.Errorf("apiusb: %s: dropping rejected token: %w (after %w)", service, err, apiErr)
					}
					fresh, err := c.token(ctx)
					if err != nil {
						return false, fmt.Errorf("%w (after %w)", err, apiErr)
					}
					token = fresh
					continue // the same params again, with the new token
				}
			}
			return retryable(env, apiErr), apiErr
		}
	})
	return env, token, err
}
