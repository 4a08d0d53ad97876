package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"plinth/gateway/internal/contract"
)

// withSecurityHeaders sets what every API response should carry: the API
// serves JSON only, never to be framed, sniffed or cached by intermediaries.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// cors serves the configured frontend origins: preflights are answered here,
// allowed origins are echoed with Vary: Origin, and the headers the frontend
// needs to read (request id, rate limits) are exposed.
type cors struct {
	origins    map[string]bool
	preflights *preflightBuckets
	proxyHops  int
	onLimited  func(scope string)
}

const (
	corsAllowMethods  = "GET, POST, PATCH, DELETE, OPTIONS"
	corsAllowHeaders  = "Authorization, Content-Type, X-Request-Id, Traceparent, Last-Event-ID"
	corsExposeHeaders = "X-Request-Id, Traceparent, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After"
)

func newCORS(list string, proxyHops int) *cors {
	c := &cors{origins: map[string]bool{}, preflights: newPreflightBuckets(preflightsPerMinute, preflightClients),
		proxyHops: proxyHops, onLimited: func(string) {}}
	for _, o := range strings.Split(list, ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			c.origins[o] = true
		}
	}
	return c
}

// headers sets the CORS response headers for an allowed origin on every
// response, refusals included (a browser cannot read a 429 without them).
func (c *cors) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		h.Add("Vary", "Origin")
		if origin != "" && c.origins[origin] {
			h.Set("Access-Control-Allow-Origin", origin)
			if isPreflight(r) {
				h.Set("Access-Control-Allow-Methods", corsAllowMethods)
				h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
				h.Set("Access-Control-Max-Age", "600")
			} else {
				h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// answerPreflight answers the preflights of allowed origins before the rate
// limit: a browser sends one per URL and method (cached Max-Age), without
// the user's token, so counting them in the anonymous per-IP bucket refused
// a signed-in user's app after 20 distinct URLs a minute (every user behind
// one NAT together). They cost neither Redis nor a backend, but anyone can
// send them: they count in a bucket per client kept in memory, far above
// what a browser sends (one per URL and method per 10 minutes).
func (c *cors) answerPreflight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isPreflight(r) || !c.origins[r.Header.Get("Origin")] {
			next.ServeHTTP(w, r)
			return
		}
		varyPreflight(w)
		if ok, reset := c.preflights.take(clientIP(r, c.proxyHops), time.Now()); !ok {
			c.onLimited("preflight")
			w.Header().Set("Retry-After", strconv.Itoa(int(reset.Seconds())+1))
			writeError(w, r, http.StatusTooManyRequests, contract.RateLimited, "too many preflight requests", nil)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

const (
	preflightsPerMinute = 300
	// Clients tracked in one minute; beyond, new ones share one bucket (an
	// attacker with many addresses cannot grow the map without bound).
	preflightClients = 100000
)

// preflightBuckets counts requests per client in fixed one-minute windows.
type preflightBuckets struct {
	mu         sync.Mutex
	limit      int
	maxClients int
	window     time.Time
	counts     map[string]int
}

func newPreflightBuckets(limit, maxClients int) *preflightBuckets {
	return &preflightBuckets{limit: limit, maxClients: maxClients, counts: map[string]int{}}
}

// take counts one request of client at now: whether it is within the limit,
// and how long until the window resets.
func (b *preflightBuckets) take(client string, now time.Time) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if start := now.Truncate(time.Minute); !start.Equal(b.window) {
		b.window, b.counts = start, map[string]int{}
	}
	if _, known := b.counts[client]; !known && len(b.counts) >= b.maxClients {
		client = "overflow"
	}
	b.counts[client]++
	return b.counts[client] <= b.limit, b.window.Add(time.Minute).Sub(now)
}

// refusePreflight refuses the preflights of other origins, after the rate
// limit counted them.
func (c *cors) refusePreflight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isPreflight(r) {
			next.ServeHTTP(w, r)
			return
		}
		varyPreflight(w)
		writeError(w, r, http.StatusForbidden, contract.Forbidden, "origin not allowed", nil)
	})
}

func varyPreflight(w http.ResponseWriter) {
	w.Header().Add("Vary", "Access-Control-Request-Method")
	w.Header().Add("Vary", "Access-Control-Request-Headers")
}

func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
}
