package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the gateway's Prometheus families (docs/MONITORING.md),
// in a registry of their own served on the admin address
// (PLINTH_METRICS_ADDR), never on the API port. Labels are bounded: the
// route template (or "unmatched"), a known method (or "OTHER"), the status.
type httpMetrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	rateLimited *prometheus.CounterVec
	// events.go
	eventStreams prometheus.Gauge
	events       prometheus.Counter
}

func newHTTPMetrics() *httpMetrics {
	m := &httpMetrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "plinth_http_requests_total", Help: "HTTP requests answered, by route template, method and status.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "plinth_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route template and method.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "plinth_rate_limited_total", Help: "Requests refused by the rate limiter, by bucket scope (user, ip, webhook).",
		}, []string{"scope"}),
		eventStreams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "plinth_event_streams", Help: "Server-Sent Event streams open on this gateway.",
		}),
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "plinth_events_sent_total", Help: "Server-Sent Events written to clients (heartbeats not counted).",
		}),
	}
	// Every scope from the start: an alert on the rate of refusals needs a
	// series that exists before the first one.
	for _, scope := range []string{"user", "ip", "webhook"} {
		m.rateLimited.WithLabelValues(scope)
	}
	m.registry.MustRegister(m.requests, m.duration, m.rateLimited, m.eventStreams, m.events,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

var knownMethods = map[string]bool{"GET": true, "POST": true, "PATCH": true, "PUT": true, "DELETE": true,
	"OPTIONS": true, "HEAD": true}

func (m *httpMetrics) observe(route, method string, status int, took time.Duration) {
	if !knownMethods[method] {
		method = "OTHER"
	}
	if status == 0 {
		status = http.StatusOK
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(took.Seconds())
}

// Handler serves /metrics for the admin listener.
func (g *Gateway) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g.metrics.registry, promhttp.HandlerOpts{}))
	return mux
}
