package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Unit tests of the gateway's middleware, each on its own; the whole chain is
// exercised end to end by tests/e2e.

var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	w := serve(withSecurityHeaders(ok), httptest.NewRequest("GET", "/api/v1/resources", nil))
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy",
		"Strict-Transport-Security", "Cache-Control"} {
		if w.Header().Get(h) == "" {
			t.Errorf("no %s", h)
		}
	}
}

func TestCORSOnlyForListedOrigins(t *testing.T) {
	c := newCORS("https://app.example.com, http://127.0.0.1:3000/", 0)
	r := httptest.NewRequest("GET", "/api/v1/resources", nil)
	r.Header.Set("Origin", "http://127.0.0.1:3000")
	if got := serve(c.headers(ok), r).Header().Get("Access-Control-Allow-Origin"); got != "http://127.0.0.1:3000" {
		t.Errorf("listed origin (its trailing slash trimmed): %q", got)
	}
	r.Header.Set("Origin", "https://evil.example.com")
	if got := serve(c.headers(ok), r).Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("unlisted origin allowed: %q", got)
	}
}

func TestPreflightsOfListedOriginsAnsweredOthersRefused(t *testing.T) {
	c := newCORS("https://app.example.com", 0)
	preflight := func(origin string) *http.Request {
		r := httptest.NewRequest("OPTIONS", "/api/v1/resources", nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		return r
	}
	reached := false
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reached = true })
	if w := serve(c.answerPreflight(next), preflight("https://app.example.com")); w.Code != http.StatusNoContent || reached {
		t.Errorf("allowed preflight: %d, reached the next handler: %v", w.Code, reached)
	}
	if w := serve(c.answerPreflight(c.refusePreflight(next)), preflight("https://evil.example.com")); w.Code != http.StatusForbidden || reached {
		t.Errorf("other origin's preflight: %d, reached the next handler: %v", w.Code, reached)
	}
}

func TestPreflightBucketsLimitPerClientAndBoundTheirMap(t *testing.T) {
	b := newPreflightBuckets(2, 2)
	now := time.Date(2026, 12, 5, 0, 0, 10, 0, time.UTC)
	for i, want := range []bool{true, true, false} {
		if got, _ := b.take("a", now); got != want {
			t.Errorf("request %d of a: %v", i, got)
		}
	}
	b.take("b", now)
	// A third client in a full map shares the overflow bucket.
	b.take("c", now)
	b.take("d", now)
	if got, _ := b.take("e", now); got {
		t.Error("the overflow bucket is unlimited")
	}
	if len(b.counts) > 3 {
		t.Errorf("%d clients tracked, want at most 2 and the overflow", len(b.counts))
	}
	// The next minute starts afresh.
	if got, reset := b.take("a", now.Add(time.Minute)); !got || reset > time.Minute {
		t.Errorf("next window: %v, reset in %v", got, reset)
	}
}

func TestClientIPTrustsOnlyTheConfiguredHops(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.9:5555"
	r.Header.Add("X-Forwarded-For", "6.6.6.6, 1.2.3.4")
	r.Header.Add("X-Forwarded-For", "10.0.0.8")
	for hops, want := range map[int]string{0: "10.0.0.9", 1: "10.0.0.8", 2: "1.2.3.4", 9: "10.0.0.9"} {
		if got := clientIP(r, hops); got != want {
			t.Errorf("%d hops: %s, want %s", hops, got, want)
		}
	}
	r.Header.Set("X-Forwarded-For", "not-an-ip")
	if got := clientIP(r, 1); got != "10.0.0.9" {
		t.Errorf("a forged entry was trusted: %s", got)
	}
}

func TestRequestIDsAndTraceParentsAreSaneOrReplaced(t *testing.T) {
	for id, kept := range map[string]bool{"abc-123": true, "": false, strings.Repeat("x", 200): false, "a b": false,
		"<script>": false} {
		if saneRequestID(id) != kept {
			t.Errorf("saneRequestID(%q) = %v", id, !kept)
		}
	}
	if !validTraceParent(newTraceParent()) {
		t.Error("a new traceparent is not valid")
	}
	for _, v := range []string{"", "00-" + strings.Repeat("0", 32) + "-" + strings.Repeat("1", 16) + "-01",
		"01-" + strings.Repeat("a", 32) + "-" + strings.Repeat("1", 16) + "-01"} {
		if validTraceParent(v) {
			t.Errorf("accepted %q", v)
		}
	}
}

func TestADrainingGatewayClosesEachConnectionAfterItsResponse(t *testing.T) {
	g := &Gateway{}
	h := g.closeWhenDraining(ok)
	if got := serve(h, httptest.NewRequest("GET", "/", nil)).Header().Get("Connection"); got != "" {
		t.Errorf("before draining: Connection %q", got)
	}
	g.SetDraining()
	if got := serve(h, httptest.NewRequest("GET", "/", nil)).Header().Get("Connection"); got != "close" {
		t.Errorf("draining: Connection %q, want close", got)
	}
}

func TestCutPathBoundsWhatALogLineHolds(t *testing.T) {
	if got := cutPath("/" + strings.Repeat("a", 5000)); len(got) > 1100 {
		t.Errorf("a 5,000-byte path logged as %d bytes", len(got))
	}
}
