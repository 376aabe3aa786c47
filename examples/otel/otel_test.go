package otel_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// pipelineTelemetry builds an OpenTelemetry SDK with in-memory exporters.
func pipelineTelemetry() (*sdktrace.TracerProvider, *tracetest.InMemoryExporter, *sdkmetric.MeterProvider, *sdkmetric.ManualReader) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	return tp, spans, mp, reader
}

// A shop backend passes its TracerProvider and MeterProvider once; every
// call, token fetch included, becomes a span, and calls are counted by
// outcome.
func Example_tracing() {
	tp, spans, mp, reader := pipelineTelemetry()
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1", State: logisticstest.OrderPickedUp})

	client, err := logistics.NewAppClient(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret,
		logistics.WithBaseURL(wechat.URL), logistics.WithTracerProvider(tp), logistics.WithMeterProvider(mp))
	if err != nil {
		panic(err)
	}
	_, err = client.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	fmt.Println(err != nil)

	for _, s := range spans.GetSpans() {
		attrs := s.Attributes
		sort.Slice(attrs, func(i, j int) bool { return attrs[i].Key < attrs[j].Key })
		var kv []string
		for _, a := range attrs {
			kv = append(kv, string(a.Key)+"="+a.Value.Emit())
		}
		fmt.Println(s.Name, s.Parent.IsValid(), strings.Join(kv, " "))
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		panic(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "waybill.calls" {
			for _, dp := range sum.DataPoints {
				op, _ := dp.Attributes.Value(attribute.Key("waybill.operation"))
				outcome, _ := dp.Attributes.Value(attribute.Key("waybill.outcome"))
				fmt.Println(m.Name, op.Emit(), outcome.Emit(), dp.Value)
			}
		}
	}
	// Unordered output:
	// true
	// wechat stable_token true waybill.attempts=1 waybill.operation=stable_token waybill.outcome=success waybill.provider=wechat
	// wechat order/cancel false waybill.attempts=1 waybill.code=9300506 waybill.operation=order/cancel waybill.outcome=refused waybill.provider=wechat waybill.sentinel=already_has_trace
	// waybill.calls stable_token success 1
	// waybill.calls order/cancel refused 1
}

// No access token, AppSecret or push secret reaches a span, an event or a
// metric, whatever the calls go through: success, refusals, rejected and
// replaced tokens, pushes in safe mode.
func TestNoSecretReachesTelemetry(t *testing.T) {
	tp, spans, mp, reader := pipelineTelemetry()
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	wechat.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	client, err := logistics.NewAppClient(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret,
		logistics.WithBaseURL(wechat.URL), logistics.WithTracerProvider(tp), logistics.WithMeterProvider(mp))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, err := client.TokenSource().Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wechat.InvalidateToken(tok) // the next call is refused, refreshes and retries
	if _, err := client.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"}); err != nil {
		t.Fatal(err)
	}
	_, _ = client.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})

	const pushToken, aesKey = "push-token-5678", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	h, err := logistics.NewEventHandler(logistics.EventConfig{Token: pushToken, EncodingAESKey: aesKey, AppID: "wxcarrier0000001",
		TracerProvider: tp, MeterProvider: mp,
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	ev := logisticstest.SampleCancelWaybillEvent()
	p := &logisticstest.Pusher{Token: pushToken, EncodingAESKey: aesKey, AppID: "wxcarrier0000001", Safe: true}
	if _, err := p.Push(ctx, h, ev); err != nil {
		t.Fatal(err)
	}

	var everything strings.Builder
	for _, s := range spans.GetSpans() {
		fmt.Fprintln(&everything, s.Name, s.Status, s.Attributes)
		for _, e := range s.Events {
			fmt.Fprintln(&everything, " ", e.Name, e.Attributes)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			fmt.Fprintf(&everything, "%s %+v\n", m.Name, m.Data)
		}
	}
	text := everything.String()
	if !strings.Contains(text, "access_token=REDACTED") || !strings.Contains(text, "waybill.token.refreshes") {
		t.Fatalf("the recording lacks what it should show:\n%s", text)
	}
	secrets := []string{logisticstest.DefaultAppSecret, pushToken, aesKey, ev.BizPwd}
	for _, r := range wechat.Requests() {
		if v := r.Query.Get("access_token"); v != "" {
			secrets = append(secrets, v)
		}
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%q reached telemetry:\n%s", s, text)
		}
	}
}
