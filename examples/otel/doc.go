// Package otel shows the SDK's OpenTelemetry instrumentation feeding the
// OpenTelemetry SDK, and proves with its in-memory exporters that no
// secret reaches a span or a metric. It is a module of its own, so that
// the OpenTelemetry SDK is never a dependency of the waybill module, which
// uses the OpenTelemetry API only.
//
// Run it with:
//
//	cd examples/otel && go test ./...
package otel
