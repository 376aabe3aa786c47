// Package telemetrytest records what the SDK's instrumentation emits,
// using the OpenTelemetry API only, so that the SDK's own tests can look at
// spans and metric points without the OpenTelemetry SDK in the module's
// dependencies.
package telemetrytest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// Span is a finished span.
type Span struct {
	Name       string
	Kind       trace.SpanKind
	Attributes map[attribute.Key]attribute.Value
	Events     []Event
	Status     codes.Code
	StatusText string
	Parent     string // the parent span's name, "" for a root
}

// Event is a span event.
type Event struct {
	Name       string
	Attributes map[attribute.Key]attribute.Value
}

// Point is one metric measurement.
type Point struct {
	Instrument string
	Value      float64
	Attributes map[attribute.Key]attribute.Value
}

// Recorder is a TracerProvider and a MeterProvider that keep everything.
type Recorder struct {
	tracenoop.TracerProvider
	mu     sync.Mutex
	spans  []Span
	points []Point
}

// New returns an empty Recorder.
func New() *Recorder { return &Recorder{} }

// Spans returns the finished spans, oldest first.
func (r *Recorder) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Points returns the metric measurements, oldest first.
func (r *Recorder) Points() []Point {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Point(nil), r.points...)
}

// Sum adds the values of instrument's points whose attributes include
// every one of want.
func (r *Recorder) Sum(instrument string, want ...attribute.KeyValue) float64 {
	var sum float64
	for _, p := range r.Points() {
		if p.Instrument != instrument {
			continue
		}
		match := true
		for _, kv := range want {
			if v, ok := p.Attributes[kv.Key]; !ok || v != kv.Value {
				match = false
			}
		}
		if match {
			sum += p.Value
		}
	}
	return sum
}

// Dump prints everything recorded, one line each, for tests that look for
// text that must not be there.
func (r *Recorder) Dump() string {
	var b strings.Builder
	for _, s := range r.Spans() {
		fmt.Fprintf(&b, "span %q parent %q status %v %q %v\n", s.Name, s.Parent, s.Status, s.StatusText, s.Attributes)
		for _, e := range s.Events {
			fmt.Fprintf(&b, "  event %q %v\n", e.Name, e.Attributes)
		}
	}
	for _, p := range r.Points() {
		fmt.Fprintf(&b, "point %s %v %v\n", p.Instrument, p.Value, p.Attributes)
	}
	return b.String()
}

// Tracer implements trace.TracerProvider.
func (r *Recorder) Tracer(string, ...trace.TracerOption) trace.Tracer { return &tracer{r: r} }

// MeterProvider returns the Recorder as a metric.MeterProvider.
func (r *Recorder) MeterProvider() metric.MeterProvider { return &meterProvider{r: r} }

type tracer struct {
	tracenoop.Tracer
	r *Recorder
}

func (t *tracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	cfg := trace.NewSpanStartConfig(opts...)
	s := &span{r: t.r, rec: Span{Name: name, Kind: cfg.SpanKind(), Attributes: attrs(cfg.Attributes())}}
	if parent, ok := trace.SpanFromContext(ctx).(*span); ok {
		s.rec.Parent = parent.rec.Name
	}
	return trace.ContextWithSpan(ctx, s), s
}

type span struct {
	tracenoop.Span
	r   *Recorder
	mu  sync.Mutex
	rec Span
}

func (s *span) IsRecording() bool { return true }

func (s *span) SetAttributes(kv ...attribute.KeyValue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range kv {
		s.rec.Attributes[a.Key] = a.Value
	}
}

func (s *span) AddEvent(name string, opts ...trace.EventOption) {
	cfg := trace.NewEventConfig(opts...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rec.Events = append(s.rec.Events, Event{Name: name, Attributes: attrs(cfg.Attributes())})
}

func (s *span) SetStatus(code codes.Code, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rec.Status, s.rec.StatusText = code, text
}

func (s *span) SetName(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rec.Name = name
}

func (s *span) End(...trace.SpanEndOption) {
	s.mu.Lock()
	rec := s.rec
	s.mu.Unlock()
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.spans = append(s.r.spans, rec)
}

func attrs(kv []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, a := range kv {
		m[a.Key] = a.Value
	}
	return m
}

type meterProvider struct {
	metricnoop.MeterProvider
	r *Recorder
}

func (p *meterProvider) Meter(string, ...metric.MeterOption) metric.Meter { return &meter{r: p.r} }

type meter struct {
	metricnoop.Meter
	r *Recorder
}

func (m *meter) Int64Counter(name string, _ ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	return &counter{r: m.r, name: name}, nil
}

func (m *meter) Float64Histogram(name string, _ ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	return &histogram{r: m.r, name: name}, nil
}

type counter struct {
	metricnoop.Int64Counter
	r    *Recorder
	name string
}

func (c *counter) Enabled(context.Context) bool { return true }

func (c *counter) Add(_ context.Context, v int64, opts ...metric.AddOption) {
	set := metric.NewAddConfig(opts).Attributes()
	c.r.record(c.name, float64(v), set.ToSlice())
}

type histogram struct {
	metricnoop.Float64Histogram
	r    *Recorder
	name string
}

func (h *histogram) Enabled(context.Context) bool { return true }

func (h *histogram) Record(_ context.Context, v float64, opts ...metric.RecordOption) {
	set := metric.NewRecordConfig(opts).Attributes()
	h.r.record(h.name, v, set.ToSlice())
}

func (r *Recorder) record(name string, v float64, kv []attribute.KeyValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.points = append(r.points, Point{Instrument: name, Value: v, Attributes: attrs(kv)})
}
