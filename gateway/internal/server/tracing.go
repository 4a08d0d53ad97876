package server

import (
	"context"
	"net/http"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdkresource "go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// tracing exports one server span per request with OpenTelemetry's OTLP/HTTP
// exporter when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set;
// the exporter reads the standard OTEL_* variables. The span continues the
// client's trace and becomes the parent the backends see in traceparent, so
// the trace id in every log line is the exported trace's.
type tracing struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
}

func newTracing(ctx context.Context) (*tracing, error) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter),
		sdktrace.WithResource(sdkresource.NewSchemaless(attribute.String("service.name", "plinth-gateway"))))
	return &tracing{provider: provider, tracer: provider.Tracer("plinth/gateway")}, nil
}

// start continues the request's trace (its valid traceparent) in a server
// span and returns the traceparent to pass on; end finishes the span.
func (t *tracing) start(r *http.Request, route string) (context.Context, string, func(status int)) {
	carrier := propagation.HeaderCarrier(r.Header)
	ctx := propagation.TraceContext{}.Extract(r.Context(), carrier)
	ctx, span := t.tracer.Start(ctx, r.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("http.route", route)))
	out := propagation.HeaderCarrier(http.Header{})
	propagation.TraceContext{}.Inject(ctx, out)
	return ctx, out.Get("Traceparent"), func(status int) {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		span.End()
	}
}

func (t *tracing) shutdown(ctx context.Context) {
	if t != nil {
		_ = t.provider.Shutdown(ctx)
	}
}
