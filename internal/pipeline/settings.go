package pipeline

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/telemetry"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Settings are what a user configures once per provider and what reaches
// both its client and its token source: the HTTP client, the logger, the
// retry policy, the User-Agent suffix and the reply size cap. Every
// package's options set them through the methods below, so that each is
// checked the same way everywhere.
type Settings struct {
	HTTPClient    *http.Client         // nil: the SDK's own, with a 30 s timeout
	Logger        *slog.Logger         // nil: nothing is logged
	Retry         *waybill.RetryPolicy // nil: waybill.DefaultRetryPolicy
	UserAgent     string               // an application's name and version, after the SDK's
	MaxReplyBytes int64                // 0: 1 MiB
	Telemetry     telemetry.Providers  // OpenTelemetry; the zero value records nothing
}

// SetHTTPClient sets the *http.Client; nil is refused.
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return errors.New("WithHTTPClient: nil *http.Client")
	}
	s.HTTPClient = hc
	return nil
}

// SetLogger sets the logger; nil is refused.
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return errors.New("WithLogger: nil *slog.Logger")
	}
	s.Logger = l
	return nil
}

// SetRetry sets the retry policy after checking it.
func (s *Settings) SetRetry(p waybill.RetryPolicy) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("WithRetry: %w", err)
	}
	s.Retry = &p
	return nil
}

// SetUserAgent sets the application's part of the User-Agent.
func (s *Settings) SetUserAgent(suffix string) error {
	if why := httpx.CheckUserAgent(suffix); why != "" {
		return fmt.Errorf("WithUserAgent: %q %s", suffix, why)
	}
	s.UserAgent = suffix
	return nil
}

// SetMaxReplyBytes sets the reply size cap; it must be positive.
func (s *Settings) SetMaxReplyBytes(n int64) error {
	if n <= 0 {
		return fmt.Errorf("WithMaxReplyBytes: %d is not positive", n)
	}
	s.MaxReplyBytes = n
	return nil
}

// SetTracerProvider sets where spans go; nil is refused.
func (s *Settings) SetTracerProvider(tp trace.TracerProvider) error {
	if tp == nil {
		return errors.New("WithTracerProvider: nil trace.TracerProvider")
	}
	s.Telemetry.Tracer = tp
	return nil
}

// SetMeterProvider sets where metrics go; nil is refused.
func (s *Settings) SetMeterProvider(mp metric.MeterProvider) error {
	if mp == nil {
		return errors.New("WithMeterProvider: nil metric.MeterProvider")
	}
	s.Telemetry.Meter = mp
	return nil
}

// Pipeline runs calls to one provider. It is safe for concurrent use.
type Pipeline struct {
	provider string
	http     *httpx.Client
	policy   waybill.RetryPolicy
	log      *slog.Logger
	tel      *telemetry.Telemetry // nil: nothing recorded
}

// New returns the pipeline for provider (its name in errors: "wechat",
// "apiusb") with s.
func New(provider string, s Settings) *Pipeline {
	policy := waybill.DefaultRetryPolicy
	if s.Retry != nil {
		policy = *s.Retry
	}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{
		provider: provider,
		http: httpx.New(httpx.Config{
			HTTPClient:    s.HTTPClient,
			MaxReplyBytes: s.MaxReplyBytes,
			Logger:        log,
			UserAgent:     s.UserAgent,
		}),
		policy: policy,
		log:    log,
		tel:    telemetry.New(s.Telemetry),
	}
}

// Provider returns the provider's name.
func (p *Pipeline) Provider() string { return p.provider }

// Logger returns the pipeline's logger (never nil).
func (p *Pipeline) Logger() *slog.Logger { return p.log }

// Apply runs opts on c in order, skipping nil ones, and returns the first
// error prefixed with who (e.g. "logistics: NewClient").
func Apply[C any, O ~func(*C) error](who string, c *C, opts []O) error {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return fmt.Errorf("%s: %w", who, err)
		}
	}
	return nil
}
