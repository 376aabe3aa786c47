package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// DefaultMaxReplyBytes caps how much of a reply is read. Provider replies
// are a few hundred bytes; anything near this size is not a real reply.
const DefaultMaxReplyBytes = 1 << 20

// DefaultTimeout is the timeout of the *http.Client the SDK creates when the
// caller brings none.
const DefaultTimeout = 30 * time.Second

// ErrRedirect is the cause of the error for a 3xx reply. Neither WeChat
// nor APIUSB redirects a client, and following one would send the request
// (its access token, its secrets) to whatever host the Location names, so
// redirects are never followed.
var ErrRedirect = errors.New("reply is a redirect, which is never followed")

// ErrReplyTooLarge is returned when a reply exceeds the configured cap.
var ErrReplyTooLarge = errors.New("reply body exceeds the size limit")

// Config configures a Client.
type Config struct {
	HTTPClient    *http.Client // nil: a client with DefaultTimeout
	MaxReplyBytes int64        // 0: DefaultMaxReplyBytes
	Logger        *slog.Logger // nil: no logging
	UserAgent     string       // appended to the SDK's own User-Agent, e.g. "myshop/2.1"
}

// Client sends requests through resty. It is safe for concurrent use.
type Client struct {
	rc      *resty.Client
	log     *slog.Logger
	maxBody int
}

// New builds a Client. The caller's *http.Client is copied, never modified:
// resty would otherwise install a transport on it. The copy never follows
// redirects: a 3xx reply is returned as it is.
func New(cfg Config) *Client {
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else {
		hc.Timeout = DefaultTimeout
	}
	rc := resty.NewWithClient(&hc)
	// After resty, which may install its own redirect policy.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	rc.SetLogger(quietLogger{})
	rc.SetHeader("User-Agent", UserAgent(cfg.UserAgent))
	// Both providers answer JSON. Setting Accept also spares resty a
	// content-type regexp on every request.
	rc.SetHeader("Accept", "application/json")
	// The body is read here, with a cap, and decoded by the caller from
	// the raw bytes: resty's own reading is uncapped unless a limit is set,
	// and its response middleware does nothing we use.
	rc.SetDoNotParseResponse(true)
	maxBody := cfg.MaxReplyBytes
	if maxBody <= 0 || maxBody > math.MaxInt32 {
		maxBody = DefaultMaxReplyBytes
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{rc: rc, log: log, maxBody: int(maxBody)}
}

// Reply is a response whose body was read in full (within the cap).
type Reply struct {
	Status      int
	ContentType string
	Header      http.Header // the reply's headers (WeChat API security signs replies in them)
	Body        []byte
}

// Request is one HTTP exchange. Logs show URL with credentials redacted.
type Request struct {
	Method      string
	URL         string
	Body        []byte // sent as is; nil for none
	ContentType string
	Header      http.Header // more headers to send (never logged)
	LogOp       string      // e.g. "order/cancel", for logs
}

// Send performs one exchange and reads the reply, up to the cap. A transport
// failure comes back as a *url.Error with the URL redacted; an oversized
// reply as ErrReplyTooLarge, with the status in the returned Reply, and is
// not read past the cap (or at all, when its Content-Length says so).
// Replies of any status are returned without error: interpreting them is the
// caller's job.
func (c *Client) Send(ctx context.Context, r *Request, attempt int) (*Reply, error) {
	// The clock is read only for the debug record.
	logging := c.log.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if logging {
		start = time.Now()
	}
	req := c.rc.R().SetContext(ctx)
	if r.Body != nil {
		// A *bytes.Reader goes to http.NewRequest as is, which sets the
		// length and GetBody itself; a []byte would be copied twice.
		req.SetBody(bytes.NewReader(r.Body))
		if v, ok := contentTypes[r.ContentType]; ok {
			req.Header[contentTypeKey] = v // shared, never modified: resty clones the header
		} else {
			req.SetHeader(contentTypeKey, r.ContentType)
		}
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	resp, err := req.Execute(r.Method, r.URL)
	if err != nil {
		err = RedactError(err)
		if logging {
			c.logExchange(ctx, r, attempt, 0, start, err)
		}
		return nil, err
	}
	raw := resp.RawResponse
	defer raw.Body.Close()
	reply := &Reply{Status: raw.StatusCode, ContentType: raw.Header.Get(contentTypeKey), Header: raw.Header}
	if raw.ContentLength > int64(c.maxBody) {
		err = fmt.Errorf("%w (%d bytes announced, limit %d)", ErrReplyTooLarge, raw.ContentLength, c.maxBody)
	} else if reply.Body, err = readCapped(raw.Body, raw.ContentLength, c.maxBody); err != nil {
		err = RedactError(err)
	} else if len(reply.Body) > c.maxBody {
		reply.Body = nil
		err = fmt.Errorf("%w (limit %d bytes)", ErrReplyTooLarge, c.maxBody)
	}
	if logging {
		c.logExchange(ctx, r, attempt, reply.Status, start, err)
	}
	if errors.Is(err, ErrReplyTooLarge) {
		return reply, err
	}
	if err != nil {
		return nil, err
	}
	return reply, nil
}

const contentTypeKey = "Content-Type"

// contentTypes holds the header values of the content types the SDK sends,
// so that a request shares one instead of allocating its own: a call's
// allocations are a budget the benchmarks hold the SDK to.
var contentTypes = map[string][]string{
	"application/json":                  {"application/json"},
	"application/x-www-form-urlencoded": {"application/x-www-form-urlencoded"},
}

// readCapped reads r to its end, but never more than limit+1 bytes, so a
// result longer than limit means the body was too large. The buffer is sized
// from the announced length, when there is one within the limit, so that a
// reply is usually read with one allocation.
func readCapped(r io.Reader, announced int64, limit int) ([]byte, error) {
	var buf bytes.Buffer
	if announced >= 0 && announced <= int64(limit) {
		buf.Grow(int(announced) + bytes.MinRead) // ReadFrom wants MinRead free to finish
	}
	_, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1))
	return buf.Bytes(), err
}

func (c *Client) logExchange(ctx context.Context, r *Request, attempt, status int, start time.Time, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", r.LogOp),
		slog.String("method", r.Method),
		slog.String("url", RedactURL(r.URL)),
		slog.Int("attempt", attempt),
		slog.Int("status", status),
		slog.Duration("elapsed", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "waybill: http exchange", attrs...)
}

// Logger returns the client's logger (never nil).
func (c *Client) Logger() *slog.Logger { return c.log }

// RequestMaybeSent reports whether a transport error may have happened after
// the server received the request, so the outcome of a non-idempotent call
// is unknown. Failures to resolve or connect are the only certain "not sent".
func RequestMaybeSent(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	return true
}

// ParseBaseURL checks a base URL given to a client option and returns it
// without a trailing slash.
func ParseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base URL %q does not parse: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("base URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("base URL %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("base URL %q must not have a query or fragment", raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

// quietLogger keeps resty from printing anything: its messages can include
// request URLs, and with them credentials.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...interface{}) {}
func (quietLogger) Warnf(string, ...interface{})  {}
func (quietLogger) Debugf(string, ...interface{}) {}
