// Package fakestripe speaks Stripe's API on loopback for Plinth's tests:
// the real paths, form-encoded bodies, Bearer auth, JSON objects, Stripe's
// error objects and idempotent replay. tests/e2e runs it in-process;
// cmd/fake-stripe serves it for the official SDK's conformance test
// (tests/conformance).
package fakestripe

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Server speaks Stripe's wire format on loopback: the real paths,
// form-encoded bodies, Bearer auth, JSON objects and error bodies, and
// replays the first response for a repeated Idempotency-Key, as Stripe does.
// Failures can be injected per path: a queue of HTTP statuses to answer
// before succeeding, and a delay.
type Server struct {
	mu         sync.Mutex
	requests   []Request
	customers  int
	replies    map[string][]byte // idempotency key -> first response body
	stored     map[string]any    // id -> object, for retrieval
	failures   map[string][]int  // path -> statuses to return first
	delay      map[string]time.Duration
	nextNumber int
	mux        *http.ServeMux

	// The account (world.go).
	catalog       []Product
	sessions      map[string]map[string]any
	subscriptions map[string]map[string]any
	invoices      map[string]map[string]any
	webhookURL    string
	webhookSecret string
	holding       bool
	held          []Event
	// Where browsers reach the stand-in's pages ("" : the API's own host).
	PublicURL string
	lastHost  string
}

// Request is one request the fake received.
type Request struct {
	Method  string
	Path    string
	Form    url.Values
	Headers http.Header
}

// New returns a fake whose routes Handler serves.
func New() *Server {
	f := &Server{stored: map[string]any{}, replies: map[string][]byte{}, failures: map[string][]int{},
		delay: map[string]time.Duration{}, catalog: DefaultCatalog(), sessions: map[string]map[string]any{},
		subscriptions: map[string]map[string]any{}, invoices: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/customers", f.handle(func(form url.Values, id string) any {
		f.customers++
		metadata := map[string]string{}
		for k, v := range form {
			if name, ok := strings.CutPrefix(k, "metadata["); ok && strings.HasSuffix(name, "]") {
				metadata[strings.TrimSuffix(name, "]")] = v[0]
			}
		}
		customer := map[string]any{"id": "cus_" + id, "object": "customer", "email": form.Get("email"), "metadata": metadata}
		f.stored["cus_"+id] = customer
		return customer
	}))
	mux.HandleFunc("GET /v1/customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		f.mu.Lock()
		customer, ok := f.stored[r.PathValue("id")]
		f.mu.Unlock()
		if !ok {
			stripeErrorCode(w, 404, "invalid_request_error", "resource_missing", "id",
				"No such customer: '"+r.PathValue("id")+"'")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(customer)
	})
	// Stripe answers unknown routes with its own error object too.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		stripeError(w, 404, "invalid_request_error", "Unrecognized request URL ("+r.Method+": "+r.URL.Path+")")
	})
	mux.HandleFunc("POST /v1/checkout/sessions", f.handle(func(form url.Values, id string) any {
		price := form.Get("line_items[0][price]")
		product, p, found := f.findPrice(price)
		if !found {
			return stripeFailure{400, "invalid_request_error", "resource_missing", "line_items[0][price]",
				"No such price: '" + price + "'"}
		}
		if mode := form.Get("mode"); (mode == "subscription") != (p.Interval != "") {
			return stripeFailure{400, "invalid_request_error", "", "mode",
				"You must provide a recurring price in `subscription` mode, a one-time price in `payment` mode."}
		}
		session := map[string]any{"id": "cs_test_" + id, "object": "checkout.session", "mode": form.Get("mode"),
			"customer": form.Get("customer"), "client_reference_id": form.Get("client_reference_id"),
			"url": f.base() + "/checkout/cs_test_" + id, "status": "open", "payment_status": "unpaid",
			"success_url": form.Get("success_url"), "cancel_url": form.Get("cancel_url"),
			"metadata": prefixed(form, "metadata"), "subscription": nil, "amount_total": p.Amount, "currency": "usd",
			// Not part of the API's object: what completing it needs.
			"price": price, "product_name": product.Name, "interval": p.Interval,
			"subscription_metadata": prefixed(form, "subscription_data[metadata]")}
		f.sessions[session["id"].(string)] = session
		return f.sessionObject(session)
	}))
	mux.HandleFunc("POST /v1/billing_portal/sessions", f.handle(func(form url.Values, id string) any {
		session := map[string]any{"id": "bps_" + id, "object": "billing_portal.session", "customer": form.Get("customer"),
			"return_url": form.Get("return_url"), "url": f.base() + "/portal/bps_" + id}
		f.sessions[session["id"].(string)] = session
		return session
	}))
	f.apiRoutes(mux)
	f.pageRoutes(mux)
	f.mux = mux
	return f
}

// Handler serves Stripe's routes.
func (f *Server) Handler() http.Handler { return f.mux }

func stripeError(w http.ResponseWriter, status int, typ, message string) {
	stripeErrorCode(w, status, typ, "", "", message)
}

// stripeErrorCode writes Stripe's error object: type and message, and code
// and param when given.
func stripeErrorCode(w http.ResponseWriter, status int, typ, code, param, message string) {
	e := map[string]any{"type": typ, "message": message}
	if code != "" {
		e["code"] = code
	}
	if param != "" {
		e["param"] = param
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_fake_error")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func authorized(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer sk_test_") {
		stripeError(w, 401, "invalid_request_error", "Invalid API Key provided")
		return false
	}
	return true
}

func (f *Server) handle(build func(url.Values, string) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			stripeError(w, 400, "invalid_request_error", "form encoding expected")
			return
		}
		r.ParseForm()
		f.mu.Lock()
		f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Form: r.PostForm, Headers: r.Header.Clone()})
		delay := f.delay[r.URL.Path]
		inject := f.takeFailure(r.URL.Path)
		key := r.Header.Get("Idempotency-Key")
		if body, ok := f.replies[key]; ok && inject == 0 {
			f.mu.Unlock()
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
			return
		}
		f.nextNumber++
		id := fmt.Sprintf("%06d%s", f.nextNumber, randomSuffix())
		f.mu.Unlock()
		time.Sleep(delay)
		if inject != 0 {
			injectedFailure(w, inject)
			return
		}
		f.mu.Lock()
		f.lastHost = r.Host
		built := build(r.PostForm, id)
		if failure, ok := built.(stripeFailure); ok {
			f.mu.Unlock()
			stripeErrorCode(w, failure.status, failure.typ, failure.code, failure.param, failure.message)
			return
		}
		body, _ := json.Marshal(built)
		if key != "" {
			f.replies[key] = body
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_"+id)
		w.Write(body)
	}
}

// takeFailure: the next status injected for path, or 0 (f.mu held).
func (f *Server) takeFailure(path string) int {
	q := f.failures[path]
	if len(q) == 0 {
		return 0
	}
	f.failures[path] = q[1:]
	return q[0]
}

// injectedFailure answers an injected status as Stripe words it.
func injectedFailure(w http.ResponseWriter, status int) {
	stripeError(w, status, map[bool]string{true: "rate_limit_error", false: "api_error"}[status == 429], "injected failure")
}

// Inject makes the next requests to path answer these statuses, in order.
func (f *Server) Inject(path string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[path] = statuses
}

// RequestsTo lists the requests received for path.
func (f *Server) RequestsTo(path string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.requests {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Requests lists every request received.
func (f *Server) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// SetDelay makes every request to path wait d.
func (f *Server) SetDelay(path string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay[path] = d
}

// stripeFailure, returned by a route's builder, answers Stripe's error.
type stripeFailure struct {
	status                    int
	typ, code, param, message string
}

// prefixed: the form's `prefix[key]` values as a map.
func prefixed(form url.Values, prefix string) map[string]any {
	out := map[string]any{}
	for k, v := range form {
		if name, ok := strings.CutPrefix(k, prefix+"["); ok && strings.HasSuffix(name, "]") && !strings.Contains(name, "[") {
			out[strings.TrimSuffix(name, "]")] = v[0]
		}
	}
	return out
}

// base: where browsers reach the stand-in (f.mu held).
func (f *Server) base() string {
	if f.PublicURL != "" {
		return strings.TrimRight(f.PublicURL, "/")
	}
	return "http://" + f.lastHost
}
