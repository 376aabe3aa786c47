// Package telemetry is the SDK's OpenTelemetry instrumentation: one span
// per call and per push, attempts as span events, and a few counters. It
// uses the OpenTelemetry API only; the application brings the SDK and the
// exporters through the TracerProvider and MeterProvider it configures.
//
// Nothing it records carries a secret: attributes hold provider and
// operation names, codes, counts and URLs with their credentials redacted,
// never a request or reply body.
package telemetry

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	werrors "github.com/waybill-go/waybill/errors"
)

// scope names the SDK as the instrumentation scope.
const scope = "github.com/waybill-go/waybill"

// Attribute keys.
const (
	KeyProvider   = attribute.Key("waybill.provider")
	KeyOperation  = attribute.Key("waybill.operation")
	KeyOutcome    = attribute.Key("waybill.outcome")
	KeyCode       = attribute.Key("waybill.code")
	KeySentinel   = attribute.Key("waybill.sentinel")
	KeyAttempts   = attribute.Key("waybill.attempts")
	KeyAttempt    = attribute.Key("waybill.attempt")
	KeyEvent      = attribute.Key("waybill.event")
	KeyResultCode = attribute.Key("waybill.result_code")
	KeyReplay     = attribute.Key("waybill.replay")
	KeyMode       = attribute.Key("waybill.mode")
	KeyStatus     = attribute.Key("http.response.status_code")
	KeyURL        = attribute.Key("url.full")
	KeyErrorType  = attribute.Key("error.type")
)

// Outcomes of a call, the values of waybill.outcome.
const (
	OutcomeSuccess = "success" // the provider said so
	OutcomeSettled = "settled" // success established after a lost answer
	OutcomeRefused = "refused" // the provider answered with a refusal
	OutcomeNoReply = "no_reply"
	OutcomeLocal   = "local" // refused before anything was sent, or a local failure
)

// Providers configures the instrumentation; the zero value records
// nothing.
type Providers struct {
	Tracer trace.TracerProvider
	Meter  metric.MeterProvider
}

// Telemetry records spans and metrics for one component. A nil *Telemetry
// records nothing, and costs nothing.
type Telemetry struct {
	tracer trace.Tracer

	calls     metric.Int64Counter
	retries   metric.Int64Counter
	refreshes metric.Int64Counter
	duration  metric.Float64Histogram
	pushes    metric.Int64Counter
	replays   metric.Int64Counter
}

// New returns the instrumentation for p, or nil when p configures none.
func New(p Providers) *Telemetry {
	if p.Tracer == nil && p.Meter == nil {
		return nil
	}
	tp, mp := p.Tracer, p.Meter
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	m := mp.Meter(scope)
	t := &Telemetry{tracer: tp.Tracer(scope)}
	// The instruments' errors only report invalid names, which these are
	// not; a failed instrument is a no-op one.
	t.calls, _ = m.Int64Counter("waybill.calls", metric.WithDescription("Calls to a provider, by outcome."), metric.WithUnit("{call}"))
	t.retries, _ = m.Int64Counter("waybill.retries", metric.WithDescription("Attempts beyond a call's first."), metric.WithUnit("{attempt}"))
	t.refreshes, _ = m.Int64Counter("waybill.token.refreshes", metric.WithDescription("Access tokens replaced after the provider rejected them."), metric.WithUnit("{token}"))
	t.duration, _ = m.Float64Histogram("waybill.call.duration", metric.WithDescription("How long calls take, retries and waits included."), metric.WithUnit("s"))
	t.pushes, _ = m.Int64Counter("waybill.pushes", metric.WithDescription("Pushes from WeChat answered, by event and ResultCode."), metric.WithUnit("{push}"))
	t.replays, _ = m.Int64Counter("waybill.push.replays", metric.WithDescription("Pushes answered from the event store: replays and WeChat's retries."), metric.WithUnit("{push}"))
	return t
}

// Call is one call being recorded.
type Call struct {
	t        *Telemetry
	span     trace.Span
	start    time.Time
	provider string
	op       string
}

// StartCall opens the span of a call; ctx carries it to the HTTP layer.
// On a nil *Telemetry it returns ctx and a nil *Call.
func (t *Telemetry) StartCall(ctx context.Context, provider, op string) (context.Context, *Call) {
	if t == nil {
		return ctx, nil
	}
	ctx, span := t.tracer.Start(ctx, provider+" "+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(KeyProvider.String(provider), KeyOperation.String(op)))
	return ctx, &Call{t: t, span: span, start: time.Now(), provider: provider, op: op}
}

// Attempt records one exchange as a span event: its number, the URL with
// its credentials redacted, the HTTP status (0 without a reply) and the
// kind of failure, if any.
func (c *Call) Attempt(n int, redactedURL string, status int, err error) {
	if c == nil {
		return
	}
	attrs := []attribute.KeyValue{KeyAttempt.Int(n), KeyURL.String(redactedURL), KeyStatus.Int(status)}
	if err != nil {
		attrs = append(attrs, KeyErrorType.String(ErrorType(err)))
	}
	c.span.AddEvent("attempt", trace.WithAttributes(attrs...))
}

// Refreshed records an access token replaced after a rejection.
func (c *Call) Refreshed(ctx context.Context) {
	if c == nil {
		return
	}
	c.span.AddEvent("access token replaced")
	c.t.refreshes.Add(ctx, 1, metric.WithAttributes(KeyProvider.String(c.provider), KeyOperation.String(c.op)))
}

// End closes the span with the call's outcome.
func (c *Call) End(ctx context.Context, attempts int, settled bool, err error) {
	if c == nil {
		return
	}
	outcome := Outcome(err, settled)
	attrs := []attribute.KeyValue{KeyProvider.String(c.provider), KeyOperation.String(c.op), KeyOutcome.String(outcome)}
	if s := SentinelName(err); s != "" {
		attrs = append(attrs, KeySentinel.String(s))
	}
	set := metric.WithAttributes(attrs...)
	c.t.calls.Add(ctx, 1, set)
	if attempts > 1 {
		c.t.retries.Add(ctx, int64(attempts-1), set)
	}
	c.t.duration.Record(ctx, time.Since(c.start).Seconds(), set)

	spanAttrs := append(attrs, KeyAttempts.Int(attempts))
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) && apiErr.Code != 0 {
		spanAttrs = append(spanAttrs, KeyCode.Int(apiErr.Code))
	}
	c.span.SetAttributes(spanAttrs...)
	if err != nil {
		// The error's text is the SDK's own, secrets removed; a type
		// name is enough for the status.
		c.span.SetStatus(codes.Error, ErrorType(err))
	}
	c.span.End()
}

// Outcome names how a call ended.
func Outcome(err error, settled bool) string {
	var apiErr *werrors.APIError
	var te *werrors.TransportError
	switch {
	case err == nil && settled:
		return OutcomeSettled
	case err == nil:
		return OutcomeSuccess
	case errors.As(err, &te):
		return OutcomeNoReply
	case errors.As(err, &apiErr):
		return OutcomeRefused
	}
	return OutcomeLocal
}

// sentinelNames names the sentinels of package errors for attributes.
var sentinelNames = []struct {
	err  error
	name string
}{
	{werrors.ErrSystem, "system"},
	{werrors.ErrInvalidParam, "invalid_param"},
	{werrors.ErrWaybillNotFound, "waybill_not_found"},
	{werrors.ErrDeliveryNotFound, "delivery_not_found"},
	{werrors.ErrOrderNotFound, "order_not_found"},
	{werrors.ErrAlreadyHasTrace, "already_has_trace"},
	{werrors.ErrDuplicateCancel, "duplicate_cancel"},
	{werrors.ErrDuplicateOrder, "duplicate_order"},
	{werrors.ErrAccountNotBound, "account_not_bound"},
	{werrors.ErrCarrier, "carrier"},
	{werrors.ErrInvalidToken, "invalid_token"},
	{werrors.ErrInvalidCredentials, "invalid_credentials"},
	{werrors.ErrRateLimited, "rate_limited"},
	{werrors.ErrServiceNotFound, "service_not_found"},
	{werrors.ErrUnauthorized, "unauthorized"},
	{werrors.ErrAlreadyPickedUp, "already_picked_up"},
	{werrors.ErrInvalidWaybill, "invalid_waybill"},
	{werrors.ErrCancelNotSupported, "cancel_not_supported"},
}

// SentinelName names the first sentinel err matches, "" for none.
func SentinelName(err error) string {
	if err == nil {
		return ""
	}
	for _, s := range sentinelNames {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return ""
}

// ErrorType names the kind of err without its text: a sentinel's name,
// "transport", "context", or "other".
func ErrorType(err error) string {
	var te *werrors.TransportError
	switch {
	case SentinelName(err) != "":
		return SentinelName(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "context"
	case errors.As(err, &te):
		return "transport"
	}
	return "other"
}

// PushAnswered records a push answered with resultCode (0 for
// "success"); stored says the answer came from the event store (a replay,
// or WeChat's retry of an event already answered).
func (t *Telemetry) PushAnswered(ctx context.Context, event string, resultCode int, stored bool) {
	if t == nil {
		return
	}
	trace.SpanFromContext(ctx).SetAttributes(KeyEvent.String(event), KeyResultCode.Int(resultCode), KeyReplay.Bool(stored))
	t.pushes.Add(ctx, 1, metric.WithAttributes(KeyEvent.String(event), KeyResultCode.Int(resultCode), KeyReplay.Bool(stored)))
	if stored {
		t.replays.Add(ctx, 1, metric.WithAttributes(KeyEvent.String(event)))
	}
}

// PushRefused records a request the handler refused with an HTTP status;
// reason is the handler's own fixed text.
func (t *Telemetry) PushRefused(ctx context.Context, status int, reason string) {
	if t == nil {
		return
	}
	span := trace.SpanFromContext(ctx)
	span.SetAttributes(KeyStatus.Int(status))
	span.SetStatus(codes.Error, reason)
	t.pushes.Add(ctx, 1, metric.WithAttributes(KeyStatus.Int(status)))
}

// StartPush opens the span of one push request, a server span.
func (t *Telemetry) StartPush(ctx context.Context) (context.Context, trace.Span) {
	return t.tracer.Start(ctx, "waybill push", trace.WithSpanKind(trace.SpanKindServer))
}
