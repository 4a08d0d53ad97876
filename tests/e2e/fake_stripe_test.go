package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// fakeStripe speaks Stripe's wire format on loopback: the real paths,
// form-encoded bodies, Bearer auth, JSON objects and error bodies, and
// replays the first response for a repeated Idempotency-Key, as Stripe does.
// Failures can be injected per path: a queue of HTTP statuses to answer
// before succeeding, and a delay.
type fakeStripe struct {
	server *httptest.Server

	mu         sync.Mutex
	requests   []stripeRequest
	customers  int
	replies    map[string][]byte // idempotency key -> first response body
	failures   map[string][]int  // path -> statuses to return first
	delay      map[string]time.Duration
	nextNumber int
}

type stripeRequest struct {
	path    string
	form    url.Values
	headers http.Header
}

func startFakeStripe() *fakeStripe {
	f := &fakeStripe{replies: map[string][]byte{}, failures: map[string][]int{}, delay: map[string]time.Duration{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/customers", f.handle(func(form url.Values, id string) any {
		f.customers++
		return map[string]any{"id": "cus_" + id, "object": "customer", "email": form.Get("email"),
			"metadata": map[string]string{"user_id": form.Get("metadata[user_id]")}}
	}))
	mux.HandleFunc("POST /v1/checkout/sessions", f.handle(func(form url.Values, id string) any {
		return map[string]any{"id": "cs_test_" + id, "object": "checkout.session", "mode": form.Get("mode"),
			"customer": form.Get("customer"), "client_reference_id": form.Get("client_reference_id"),
			"url": "https://checkout.stripe.test/c/pay/cs_test_" + id, "status": "open"}
	}))
	mux.HandleFunc("POST /v1/billing_portal/sessions", f.handle(func(form url.Values, id string) any {
		return map[string]any{"id": "bps_" + id, "object": "billing_portal.session", "customer": form.Get("customer"),
			"return_url": form.Get("return_url"), "url": "https://billing.stripe.test/p/session/" + id}
	}))
	f.server = httptest.NewServer(mux)
	return f
}

func stripeError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"type": typ, "message": message}})
}

func (f *fakeStripe) handle(build func(url.Values, string) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer sk_test_") {
			stripeError(w, 401, "invalid_request_error", "Invalid API Key provided")
			return
		}
		if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			stripeError(w, 400, "invalid_request_error", "form encoding expected")
			return
		}
		r.ParseForm()
		f.mu.Lock()
		f.requests = append(f.requests, stripeRequest{path: r.URL.Path, form: r.PostForm, headers: r.Header.Clone()})
		delay := f.delay[r.URL.Path]
		var inject int
		if q := f.failures[r.URL.Path]; len(q) > 0 {
			inject, f.failures[r.URL.Path] = q[0], q[1:]
		}
		key := r.Header.Get("Idempotency-Key")
		if body, ok := f.replies[key]; ok && inject == 0 {
			f.mu.Unlock()
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
			return
		}
		f.nextNumber++
		id := fmt.Sprintf("%06d", f.nextNumber)
		f.mu.Unlock()
		time.Sleep(delay)
		if inject != 0 {
			stripeError(w, inject, map[bool]string{true: "rate_limit_error", false: "api_error"}[inject == 429], "injected failure")
			return
		}
		f.mu.Lock()
		body, _ := json.Marshal(build(r.PostForm, id))
		if key != "" {
			f.replies[key] = body
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_"+id)
		w.Write(body)
	}
}

func (f *fakeStripe) inject(path string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[path] = statuses
}

func (f *fakeStripe) requestsTo(path string) []stripeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []stripeRequest
	for _, r := range f.requests {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeStripe) setDelay(path string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay[path] = d
}
