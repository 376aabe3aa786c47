package logistics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// DefaultBaseURL is WeChat's server API.
const DefaultBaseURL = "https://api.weixin.qq.com"

// Option configures NewClient.
type Option func(*config) error

type config struct {
	baseURL  string
	http     *http.Client
	logger   *slog.Logger
	retry    waybill.RetryPolicy
	maxReply int64
}

// WithBaseURL sets the API's base URL (default https://api.weixin.qq.com).
// A path is kept, so a fake mounted under a prefix works. WeChat Cloud
// Hosting uses http://api.weixin.qq.com together with auth.NoToken().
func WithBaseURL(u string) Option {
	return func(c *config) error {
		base, err := httpx.ParseBaseURL(u)
		if err != nil {
			return fmt.Errorf("logistics: WithBaseURL: %w", err)
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
			return errors.New("logistics: WithHTTPClient: nil *http.Client")
		}
		c.http = hc
		return nil
	}
}

// WithLogger logs each HTTP exchange at debug level: operation, method, URL
// with the access_token redacted, attempt, status and time taken. Nothing is
// logged at other levels.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("logistics: WithLogger: nil *slog.Logger")
		}
		c.logger = l
		return nil
	}
}

// WithRetry sets how transient failures are retried (default
// waybill.DefaultRetryPolicy; waybill.NoRetry turns retries off).
func WithRetry(p waybill.RetryPolicy) Option {
	return func(c *config) error {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("logistics: WithRetry: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithMaxReplyBytes caps how much of a reply is read (default 1 MiB). A
// larger reply fails with an error matching errors.ErrSystem.
func WithMaxReplyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("logistics: WithMaxReplyBytes: %d is not positive", n)
		}
		c.maxReply = n
		return nil
	}
}

// Client calls WeChat's express business API. It is safe for concurrent use;
// create one per app and reuse it.
type Client struct {
	tokens    auth.TokenSource
	noToken   bool
	http      *httpx.Client
	retry     waybill.RetryPolicy
	cancelURL string
}

var _ waybill.Canceller = (*Client)(nil)

// NewClient returns a client that authenticates with tokens. tokens must not
// be nil: pass auth.NoToken() explicitly for WeChat Cloud Hosting, where no
// access_token is sent.
func NewClient(tokens auth.TokenSource, opts ...Option) (*Client, error) {
	if tokens == nil {
		return nil, errors.New("logistics: NewClient: nil TokenSource (use auth.NoToken() for WeChat Cloud Hosting)")
	}
	cfg := config{baseURL: DefaultBaseURL, retry: waybill.DefaultRetryPolicy}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return &Client{
		tokens:    tokens,
		noToken:   auth.IsNoToken(tokens),
		http:      httpx.New(httpx.Config{HTTPClient: cfg.http, MaxReplyBytes: cfg.maxReply, Logger: cfg.logger}),
		retry:     cfg.retry,
		cancelURL: cfg.baseURL + "/cgi-bin/express/business/order/cancel",
	}, nil
}

// String describes the client without its token source's secrets: printing
// a struct with %v shows unexported fields, so a static token held inside
// would otherwise appear. The printing methods have value receivers so that
// a dereferenced Client is covered too.
func (c Client) String() string {
	mode := "access_token"
	if c.noToken {
		mode = "none (Cloud Hosting)"
	}
	return "logistics.Client{Endpoint:" + c.cancelURL + " Token:" + mode + "}"
}

// GoString is String, so %#v shows no token either.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the endpoint only.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", c.cancelURL), slog.Bool("access_token", !c.noToken))
}

// token returns the access token to send, "" in Cloud Hosting mode.
func (c *Client) token(ctx context.Context) (string, error) {
	if c.noToken {
		return "", nil
	}
	t, err := c.tokens.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("logistics: getting access token: %w", err)
	}
	if t == "" {
		return "", fmt.Errorf("logistics: getting access token: %w", auth.ErrEmptyToken)
	}
	return t, nil
}

func withToken(endpoint, token string) string {
	if token == "" {
		return endpoint
	}
	return endpoint + "?access_token=" + url.QueryEscape(token)
}

var errcodeKey = []byte(`"errcode"`)

// wxReply is what every WeChat business reply carries.
type wxReply interface {
	code() int
	message() string
	annotate(*werrors.APIError) // copies reply-specific details into an error
}

// interpret decodes a reply into out and returns the refusal it carries, or
// nil for errcode 0. token is scrubbed from the provider's message.
func interpret(op string, reply *httpx.Reply, out wxReply, token string) *werrors.APIError {
	if apiErr := httpx.DecodeJSON(werrors.ProviderWeChat, op, reply, out); apiErr != nil {
		return apiErr
	}
	if !bytes.Contains(reply.Body, errcodeKey) {
		return &werrors.APIError{Provider: werrors.ProviderWeChat, Op: op, HTTPStatus: reply.Status, Message: "reply has no errcode"}
	}
	code := out.code()
	if code == 0 && reply.Status < 300 {
		return nil
	}
	msg := httpx.Scrub(out.message(), token)
	apiErr := &werrors.APIError{
		Provider:   werrors.ProviderWeChat,
		Op:         op,
		Code:       code,
		Message:    msg,
		RequestID:  werrors.RequestIDFromMessage(msg),
		HTTPStatus: reply.Status,
	}
	out.annotate(apiErr)
	return apiErr
}

// transient reports whether a refusal is worth another attempt: errcode -1
// or -1000, or an unusable reply with HTTP 5xx.
func transient(e *werrors.APIError) bool {
	return e.Code == -1 || e.Code == -1000 || (e.Code == 0 && e.HTTPStatus >= 500)
}

// call POSTs body to endpoint and decodes the reply into out. It retries
// transient failures under the client's policy and, once per call, replaces
// a rejected access token and re-sends the identical body. outcomeUnknown
// reports whether an earlier attempt may have reached WeChat without its
// answer reaching us.
func (c *Client) call(ctx context.Context, op, endpoint string, body []byte, out wxReply) (outcomeUnknown bool, err error) {
	token, err := c.token(ctx)
	if err != nil {
		return false, err
	}
	refreshed := false
	err = httpx.Retry(ctx, c.retry, func(attempt int) (bool, error) {
		for {
			req := httpx.Request{Method: http.MethodPost, URL: withToken(endpoint, token), Body: body, ContentType: "application/json", LogOp: op}
			reply, err := c.http.Send(ctx, &req, attempt)
			if err != nil {
				if errors.Is(err, httpx.ErrReplyTooLarge) {
					return false, &werrors.APIError{Provider: werrors.ProviderWeChat, Op: op, HTTPStatus: reply.Status, Message: "unusable reply", Err: err}
				}
				if httpx.RequestMaybeSent(err) {
					outcomeUnknown = true
				}
				return ctx.Err() == nil, fmt.Errorf("logistics: %s: %w", op, httpx.ScrubError(err, token))
			}
			apiErr := interpret(op, reply, out, token)
			if apiErr == nil {
				return false, nil
			}
			if werrors.IsTokenRejected(apiErr.Code) && !refreshed && !c.noToken {
				if inv, ok := c.tokens.(auth.Invalidator); ok {
					refreshed = true
					if err := inv.Invalidate(ctx, token); err != nil {
						return false, fmt.Errorf("logistics: %s: dropping rejected token: %w (after %w)", op, err, apiErr)
					}
					if token, err = c.token(ctx); err != nil {
						return false, err
					}
					continue // re-send the identical body with the new token
				}
			}
			retry := transient(apiErr)
			outcomeUnknown = outcomeUnknown || retry
			return retry, apiErr
		}
	})
	return outcomeUnknown, err
}
