package fakestripe

// The read side of the API billing uses: prices with their products,
// checkout sessions, subscriptions and invoices, as Stripe lists them
// (list objects, limit, starting_after, has_more).

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

func (f *Server) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/prices", f.get(func(r *http.Request) (any, bool) {
		// expand[]=… as billing sends it, expand[0]=… as the SDKs do.
		expand := false
		for k, v := range r.URL.Query() {
			expand = expand || (strings.HasPrefix(k, "expand[") && v[0] == "data.product")
		}
		var out []map[string]any
		for _, p := range f.catalog {
			for _, price := range p.Prices {
				object := f.priceObject(p, price)
				if !expand {
					object["product"] = p.ID
				}
				out = append(out, object)
			}
		}
		return f.list(r, "/v1/prices", out), true
	}))
	mux.HandleFunc("GET /v1/checkout/sessions/{id}", f.get(func(r *http.Request) (any, bool) {
		s, ok := f.sessions[r.PathValue("id")]
		if !ok || s["object"] != "checkout.session" {
			return nil, false
		}
		return f.sessionObject(s), true
	}))
	mux.HandleFunc("GET /v1/subscriptions/{id}", f.get(func(r *http.Request) (any, bool) {
		s, ok := f.subscriptions[r.PathValue("id")]
		return s, ok
	}))
	mux.HandleFunc("GET /v1/subscriptions", f.get(func(r *http.Request) (any, bool) {
		q := r.URL.Query()
		var out []map[string]any
		for _, s := range f.subscriptions {
			if c := q.Get("customer"); c != "" && s["customer"] != c {
				continue
			}
			// Stripe lists all but canceled ones unless status=all.
			if st := q.Get("status"); (st == "" && s["status"] == "canceled") || (st != "" && st != "all" && s["status"] != st) {
				continue
			}
			out = append(out, s)
		}
		return f.list(r, "/v1/subscriptions", out), true
	}))
	mux.HandleFunc("GET /v1/invoices", f.get(func(r *http.Request) (any, bool) {
		q := r.URL.Query()
		since, _ := strconv.ParseInt(q.Get("created[gte]"), 10, 64)
		var out []map[string]any
		for _, inv := range f.invoices {
			if (q.Get("customer") != "" && inv["customer"] != q.Get("customer")) ||
				(q.Get("status") != "" && inv["status"] != q.Get("status")) || int64(toFloat(inv["created"])) < since {
				continue
			}
			out = append(out, inv)
		}
		return f.list(r, "/v1/invoices", out), true
	}))
}

// get serves a GET route: authorized, recorded, 404 as Stripe words it.
func (f *Server) get(read func(*http.Request) (any, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		f.mu.Lock()
		f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Form: r.URL.Query(), Headers: r.Header.Clone()})
		inject := f.takeFailure(r.URL.Path)
		object, ok := read(r)
		var body []byte
		if ok {
			body, _ = json.Marshal(object)
		}
		f.mu.Unlock()
		if inject != 0 {
			injectedFailure(w, inject)
			return
		}
		if !ok {
			stripeErrorCode(w, 404, "invalid_request_error", "resource_missing", "id",
				"No such object: '"+r.PathValue("id")+"'")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_get")
		w.Write(body)
	}
}

// list pages objects (sorted by id, newest first as Stripe does by
// creation) with limit and starting_after.
func (f *Server) list(r *http.Request, url string, objects []map[string]any) map[string]any {
	sort.Slice(objects, func(i, j int) bool { return objects[i]["id"].(string) > objects[j]["id"].(string) })
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 || limit > 100 {
		limit = 10
	}
	start := 0
	if after := q.Get("starting_after"); after != "" {
		for i, o := range objects {
			if o["id"] == after {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(objects))
	data := []any{}
	for _, o := range objects[start:end] {
		data = append(data, clone(o))
	}
	return map[string]any{"object": "list", "url": url, "has_more": end < len(objects), "data": data}
}
