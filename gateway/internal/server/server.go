// Package server is the REST/JSON gateway: grpc-gateway transcoding of the
// protos' google.api.http rules, plus the few routes that are not
// transcoded (health, OpenAPI, the raw-body Stripe webhook).
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/resolver/dns"
	"google.golang.org/protobuf/reflect/protoreflect"

	plinthv1 "plinth.dev/clients/go/plinth/v1"
	"plinth/gateway/gen/openapi"
	"plinth/gateway/internal/contract"
)

const maxAuthorizationBytes = 8192

type Gateway struct {
	cfg      Config
	logger   *slog.Logger
	mux      *runtime.ServeMux
	conns    map[string]*grpc.ClientConn // address -> connection
	backends []backend
	billing  plinthv1.BillingServiceClient
	draining atomic.Bool
	limiter  *rateLimiter
	redis    *redis.Client
	cors     *cors
	routes   *routes
	metrics  *httpMetrics
	tracing  *tracing // nil unless OTEL_EXPORTER_OTLP_ENDPOINT is set
	inflight *byteBudget
	ready    readyCache
	streams  *eventStreams
}

type backend struct {
	name    string
	address string
	conn    *grpc.ClientConn
}

// A backend's pods change in a rolling update faster than grpc-go's default
// of one DNS lookup per 30 s: with the old pods gone and the new ones not
// yet looked up, calls failed UNAVAILABLE (31 of 987 in the real cluster's
// rollout test). A pod closing its connections now makes the resolver look
// again within a second.
func init() { dns.SetMinResolutionInterval(time.Second) }

func New(ctx context.Context, cfg Config, logger *slog.Logger) (*Gateway, error) {
	g := &Gateway{cfg: cfg, logger: logger, conns: map[string]*grpc.ClientConn{}}
	dial := func(name, addr string) (*grpc.ClientConn, error) {
		conn, ok := g.conns[addr]
		if !ok {
			var err error
			// Every address the name has, each request to the next (a headless
			// Service lists every pod): one connection through a ClusterIP would
			// pin a gateway to one pod. The services close connections after 30 s
			// (MaxConnectionAge), which makes the resolver look again, so new
			// pods get traffic within that.
			conn, err = grpc.NewClient("dns:///"+addr,
				grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithDefaultServiceConfig(`{"loadBalancingConfig": [{"round_robin": {}}]}`),
				grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(8<<20)))
			if err != nil {
				return nil, fmt.Errorf("backend %s at %s: %w", name, addr, err)
			}
			g.conns[addr] = conn
		}
		g.backends = append(g.backends, backend{name: name, address: addr, conn: conn})
		return conn, nil
	}

	g.mux = runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newEnvelopeMarshaler()),
		runtime.WithErrorHandler(g.grpcErrorHandler),
		runtime.WithRoutingErrorHandler(routingErrorHandler),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithOutgoingTrailerMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithForwardResponseOption(forwardHTTPCode),
		runtime.WithDisableHTTPMethodOverride(),
	)

	var err error
	conns := map[protoreflect.FullName]*grpc.ClientConn{}
	for _, s := range servedServices {
		conn, err := dial(endpointOf(s.desc).GetName(), cfg.Backends[s.desc.FullName()])
		if err != nil {
			return nil, err
		}
		if err := s.register(ctx, g.mux, conn); err != nil {
			return nil, err
		}
		conns[s.desc.FullName()] = conn
	}
	// The raw-body webhook route calls billing itself (routes.go).
	g.billing = plinthv1.NewBillingServiceClient(conns[protoreflect.FullName(plinthv1.BillingService_ServiceDesc.ServiceName)])
	g.streams = &eventStreams{
		client:   plinthv1.NewAnalysisServiceClient(conns[protoreflect.FullName(plinthv1.AnalysisService_ServiceDesc.ServiceName)]),
		maxTotal: int(cfg.MaxStreams), maxPerUser: int(cfg.MaxStreamsPerUser),
		heartbeat: cfg.StreamHeartbeat, idle: cfg.StreamIdleTimeout,
		drain: make(chan struct{}), byUser: map[string]int{},
	}
	g.cors = newCORS(cfg.CORSOrigins, cfg.TrustedProxyHops)
	g.routes = newRoutes()
	g.metrics = newHTTPMetrics()
	if g.tracing, err = newTracing(ctx); err != nil {
		return nil, fmt.Errorf("configuration OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	g.inflight = &byteBudget{left: cfg.MaxInflightBodyBytes}
	if cfg.RedisURL != "" {
		opts, _ := redis.ParseURL(cfg.RedisURL)
		opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 200*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond
		opts.MaxRetries = 0
		g.redis = redis.NewClient(opts)
		g.limiter = &rateLimiter{
			counter: newCounter(g.redis, cfg.RateLimitWindow), prefix: cfg.RateLimitPrefix, window: cfg.RateLimitWindow,
			user: cfg.RateLimitUser, anonymous: cfg.RateLimitAnon, webhook: cfg.RateLimitWebhook,
			failOpen: cfg.RateLimitFailOpen, proxyHops: cfg.TrustedProxyHops, logger: logger,
			verifier: &tokenVerifier{secret: []byte(cfg.JWTSecret), issuer: cfg.JWTIssuer, cache: newSubjectCache(100000)},
		}
		if cfg.JWKSURL != "" {
			g.limiter.verifier.jwks = newJWKSCache(cfg.JWKSURL)
		}
		g.streams.verifier = g.limiter.verifier
		g.limiter.onLimited = func(scope string) { g.metrics.rateLimited.WithLabelValues(scope).Inc() }
		g.cors.onLimited = g.limiter.onLimited
	} else {
		logger.Warn("REDIS_URL not set: rate limits are off")
	}
	return g, nil
}

func (g *Gateway) Close() {
	flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	g.tracing.shutdown(flush)
	for _, c := range g.conns {
		_ = c.Close()
	}
	if g.redis != nil {
		_ = g.redis.Close()
	}
}

// SetDraining makes /readyz fail so load balancers stop sending traffic.
// Open event streams end, and their clients resume on another replica.
func (g *Gateway) SetDraining() {
	if !g.draining.Swap(true) && g.streams != nil {
		close(g.streams.drain)
	}
}

// incomingHeader forwards X-Request-Id and the (validated) traceparent;
// Authorization is forwarded by the runtime itself. Nothing else reaches
// the backends.
func incomingHeader(key string) (string, bool) {
	switch {
	case strings.EqualFold(key, "X-Request-Id"):
		return "x-request-id", true
	case strings.EqualFold(key, "Traceparent"):
		return "traceparent", true
	}
	return "", false
}

func (g *Gateway) Handler() http.Handler {
	routes := http.NewServeMux()
	routes.HandleFunc("GET "+contract.HealthzPath, g.healthz)
	routes.HandleFunc("GET "+contract.ReadyzPath, g.readyz)
	routes.HandleFunc("GET "+contract.OpenAPIPath, g.serveOpenAPI)
	routes.HandleFunc("POST "+stripeWebhookPath, g.stripeWebhook)
	routes.HandleFunc("GET "+watchAnalysisPath, g.serveEvents)
	routes.Handle("/", g.mux)
	// Outside in: request id, access log, security and CORS headers (so that
	// a refusal is readable by the browser), allowed origins' preflights
	// answered, the rate limit (every other request but the probes, unknown
	// paths and other origins' preflights included), other preflights
	// refused, then limits and the body, read only for routes that take one.
	var h http.Handler = g.cors.refusePreflight(g.withLimits(routes))
	if g.limiter != nil {
		h = g.limiter.middleware(h)
	}
	return g.closeWhenDraining(g.withRequestID(g.withAccessLog(withSecurityHeaders(g.cors.headers(g.cors.answerPreflight(h))))))
}

// closeWhenDraining: once draining, every response says `Connection: close`
// and its connection closes after it, so a client moves to another replica
// with the request after this one. Closing idle keep-alive connections
// instead (what Shutdown does) races a client that sends on one just then:
// its POST failed with EOF (1 of 1,101 in the real cluster's rolling update).
func (g *Gateway) closeWhenDraining(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// ---- middleware -----------------------------------------------------------

func requestIDOf(r *http.Request) string {
	if h, ok := r.Context().Value(requestIDKey).(string); ok {
		return h
	}
	return r.Header.Get("X-Request-Id")
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *Gateway) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			id = newRequestID()
		}
		r.Header.Set("X-Request-Id", id)
		w.Header().Set("X-Request-Id", id)
		// W3C trace context: the client's, or a new trace with the gateway as
		// its first span; carried to the services, the worker and the provider.
		traceparent := r.Header.Get("Traceparent")
		if !validTraceParent(traceparent) {
			traceparent = newTraceParent()
		}
		r.Header.Set("Traceparent", traceparent)
		route := g.routes.match(r.Method, r.URL.Path)
		ctx := context.WithValue(r.Context(), routeKey, route)
		if g.tracing != nil {
			var end func(int)
			ctx, traceparent, end = g.tracing.start(r.WithContext(ctx), route.label())
			r.Header.Set("Traceparent", traceparent)
			rec := &statusRecorder{ResponseWriter: w}
			defer func() { end(rec.status) }()
			w = rec
		}
		w.Header().Set("Traceparent", traceparent)
		ctx = context.WithValue(ctx, requestIDKey, id)
		ctx = context.WithValue(ctx, traceParentKey, traceparent)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// validTraceParent: version 00, lowercase hex, non-zero ids.
func validTraceParent(v string) bool {
	if len(v) != 55 || v[:3] != "00-" || v[35] != '-' || v[52] != '-' {
		return false
	}
	hex := func(s string) bool {
		nonzero := false
		for _, c := range s {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
			nonzero = nonzero || c != '0'
		}
		return nonzero
	}
	flags := v[53:]
	return hex(v[3:35]) && hex(v[36:52]) && (hex(flags) || flags == "00")
}

func newTraceParent() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "00-" + hex.EncodeToString(b[:16]) + "-" + hex.EncodeToString(b[16:]) + "-01"
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (event streams
// set its deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (g *Gateway) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route := routeOf(r)
		g.metrics.observe(route.label(), r.Method, rec.status, time.Since(start))
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			return
		}
		// The route's template says what was called; the path, whatever the
		// client sent, is cut to maxLoggedPathBytes.
		g.logger.InfoContext(r.Context(), "http", "method", r.Method, "route", route.label(), "path", cutPath(r.URL.Path),
			"status", rec.status, "bytes", rec.bytes, "duration_ms", time.Since(start))
	})
}

const maxLoggedPathBytes = 1024

// cutPath is path cut to maxLoggedPathBytes, on a UTF-8 boundary.
func cutPath(path string) string {
	if len(path) <= maxLoggedPathBytes {
		return path
	}
	cut := maxLoggedPathBytes
	for cut > 0 && !utf8.RuneStart(path[cut]) {
		cut--
	}
	return path[:cut] + "…"
}

// withLimits sets the per-request deadline (propagated to the backends as the
// gRPC deadline) and reads the body of the routes that take one, up to the
// size limit (413 beyond it) and within the gateway-wide budget of bodies in
// flight (503 when it is spent). Other requests' bodies are never read.
func (g *Gateway) withLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := routeOf(r)
		// An event stream lasts as long as its analysis (events.go bounds it).
		if route == nil || !route.stream {
			ctx, cancel := context.WithTimeout(r.Context(), g.cfg.RequestTimeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		// Supabase tokens are ~1 KiB; a huge one would only hit gRPC's
		// metadata limit further down.
		if len(r.Header.Get("Authorization")) > maxAuthorizationBytes {
			writeError(w, r, http.StatusUnauthorized, contract.Unauthenticated, "token too large", nil)
			return
		}
		if route == nil {
			if allow := g.routes.allowed(r.URL.Path); allow != "" {
				w.Header().Set("Allow", allow)
				writeError(w, r, http.StatusMethodNotAllowed, contract.MethodNotAllowed, "method not allowed; this route serves "+allow, nil)
				return
			}
		}
		if route == nil || !route.body {
			r.Body, r.ContentLength = http.NoBody, 0
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > g.cfg.MaxBodyBytes {
			writeError(w, r, http.StatusRequestEntityTooLarge, contract.PayloadTooLarge,
				fmt.Sprintf("request body over %d bytes", g.cfg.MaxBodyBytes), nil)
			return
		}
		// A body of unknown length (chunked) may be as large as the limit.
		reserve := r.ContentLength
		if reserve < 0 {
			reserve = g.cfg.MaxBodyBytes
		}
		if !g.inflight.acquire(reserve) {
			w.Header().Set("Retry-After", "1")
			writeError(w, r, http.StatusServiceUnavailable, contract.Unavailable, "the server is busy, try again shortly", nil)
			return
		}
		defer g.inflight.release(reserve)
		body, err := readBody(w, r, g.cfg.MaxBodyBytes)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, r, http.StatusRequestEntityTooLarge, contract.PayloadTooLarge,
				fmt.Sprintf("request body over %d bytes", g.cfg.MaxBodyBytes), nil)
			return
		}
		if err != nil {
			writeError(w, r, http.StatusBadRequest, contract.ValidationError, "could not read the request body", nil)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// readBody reads a body into one buffer of its announced size (no doubling
// growth), at most max bytes.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	limited := http.MaxBytesReader(w, r.Body, max)
	if r.ContentLength >= 0 {
		body := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(limited, body); err != nil {
			return nil, err
		}
		return body, nil
	}
	return io.ReadAll(limited)
}

// ---- operational routes ---------------------------------------------------

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (g *Gateway) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, []byte(`{"success":true,"data":{"status":"ok"}}`))
}

// readyz: every backend's gRPC health service answers SERVING. The answer is
// kept for a second, so probes (and anyone else: it is not rate limited)
// cannot turn into a flood of health checks. It names backends, never their
// addresses; the log has those.
func (g *Gateway) readyz(w http.ResponseWriter, r *http.Request) {
	if g.draining.Load() {
		writeError(w, r, http.StatusServiceUnavailable, contract.Unavailable, "gateway is draining", nil)
		return
	}
	notReady := g.ready.get(func() []fieldIssue { return g.checkBackends(r.Context()) })
	if len(notReady) > 0 {
		writeError(w, r, http.StatusServiceUnavailable, contract.Unavailable, "backends not ready", notReady)
		return
	}
	writeJSON(w, http.StatusOK, []byte(`{"success":true,"data":{"status":"ready"}}`))
}

func (g *Gateway) checkBackends(parent context.Context) []fieldIssue {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), 2*time.Second)
	defer cancel()
	var (
		mu       sync.Mutex
		notReady []fieldIssue
		wg       sync.WaitGroup
	)
	for _, b := range g.backends {
		wg.Add(1)
		go func(b backend) {
			defer wg.Done()
			resp, err := grpc_health_v1.NewHealthClient(b.conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{})
			issue := ""
			switch {
			case err != nil:
				issue = "unreachable"
				g.logger.Warn("backend unreachable", "backend", b.name, "address", b.address, "error", err.Error())
			case resp.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING:
				issue = "not serving (" + resp.GetStatus().String() + ")"
			}
			if issue != "" {
				mu.Lock()
				notReady = append(notReady, fieldIssue{Field: b.name, Issue: issue})
				mu.Unlock()
			}
		}(b)
	}
	wg.Wait()
	return notReady
}

// readyCache holds the last readiness answer for a second; concurrent
// callers share one check.
type readyCache struct {
	mu     sync.Mutex
	at     time.Time
	answer []fieldIssue
}

func (c *readyCache) get(check func() []fieldIssue) []fieldIssue {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < time.Second {
		return c.answer
	}
	c.answer, c.at = check(), time.Now()
	return c.answer
}

func (g *Gateway) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, openapi.Document)
}

// stripeWebhook passes the exact raw body and signature header to billing:
// the signature covers the bytes, so they must not be re-encoded by JSON
// transcoding.
func (g *Gateway) stripeWebhook(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, contract.ValidationError, "could not read the request body", nil)
		return
	}
	ctx := metadata.AppendToOutgoingContext(r.Context(), "x-request-id", requestIDOf(r),
		"traceparent", r.Header.Get("Traceparent"))
	var header metadata.MD
	resp, err := g.billing.HandleStripeWebhook(ctx, &plinthv1.StripeWebhookRequest{
		Payload:   payload,
		Signature: r.Header.Get("Stripe-Signature"),
	}, grpc.Header(&header))
	if err != nil {
		g.grpcErrorHandler(ctx, g.mux, nil, w, r, err)
		return
	}
	body, err := newEnvelopeMarshaler().Marshal(resp)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, contract.Internal, "internal error", nil)
		return
	}
	writeJSON(w, http.StatusOK, body)
}
