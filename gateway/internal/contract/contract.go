// Package contract holds the REST contract's facts that are the gateway's
// own rather than the protos': the error codes and their HTTP statuses
// (docs/ERRORS.md) and the routes the gateway serves itself. The server and
// the OpenAPI generator both read them, so the document cannot drift.
package contract

import (
	"net/http"
	"sort"

	"google.golang.org/genproto/googleapis/api/annotations"
)

// Code is one contract code's HTTP status and what it means (the OpenAPI
// document's description of its error response).
type Code struct {
	Status  int
	Meaning string
}

// Codes of the contract (docs/ERRORS.md), in one table: the gateway's error
// handler and the OpenAPI generator both read it.
var codes = map[string]Code{
	"VALIDATION_ERROR":     {http.StatusBadRequest, "A bad field, parameter or body; `details` names each."},
	"UNAUTHENTICATED":      {http.StatusUnauthorized, "Missing, invalid or expired bearer token."},
	"INSUFFICIENT_CREDITS": {http.StatusPaymentRequired, "No credit left: buy a plan (POST /api/v1/billing/checkout)."},
	"FORBIDDEN":            {http.StatusForbidden, "Not allowed."},
	"NOT_FOUND":            {http.StatusNotFound, "No such route, or a row that is missing or another user's (the two are indistinguishable)."},
	"METHOD_NOT_ALLOWED":   {http.StatusMethodNotAllowed, "The route exists for other methods."},
	"CONFLICT":             {http.StatusConflict, "The request conflicts with the current state; the message says how."},
	"PAYLOAD_TOO_LARGE":    {http.StatusRequestEntityTooLarge, "The body is over the gateway's limit (1 MiB by default)."},
	"RATE_LIMITED":         {http.StatusTooManyRequests, "Too many requests: retry after Retry-After seconds."},
	"INTERNAL":             {http.StatusInternalServerError, "An unexpected error; the request id finds it in the logs."},
	"NOT_IMPLEMENTED":      {http.StatusNotImplemented, "Not available."},
	"UNAVAILABLE":          {http.StatusServiceUnavailable, "A dependency is down, busy or not configured; retry later (Retry-After when known)."},
	"DEADLINE_EXCEEDED":    {http.StatusGatewayTimeout, "The backend did not answer in time."},
}

// Lookup is a contract code's status and meaning; false for an unknown code.
func Lookup(code string) (Code, bool) {
	c, ok := codes[code]
	return c, ok
}

// Codes lists every contract code, sorted.
func Codes() []string {
	names := make([]string, 0, len(codes))
	for c := range codes {
		names = append(names, c)
	}
	sort.Strings(names)
	return names
}

// Routes the gateway serves without a backend RPC.
const (
	HealthzPath = "/healthz"
	ReadyzPath  = "/readyz"
	OpenAPIPath = "/openapi.json"
)

// Response headers.
const (
	RequestIDHeader = "X-Request-Id"
	// Rate-limit headers on every rate-limited answer, 429 included.
	RateLimitLimitHeader     = "X-RateLimit-Limit"
	RateLimitRemainingHeader = "X-RateLimit-Remaining"
	RateLimitResetHeader     = "X-RateLimit-Reset"
)

// HTTPRoute is a google.api.http rule's method ("GET", ...) and path
// template; "" for none.
func HTTPRoute(rule *annotations.HttpRule) (method, path string) {
	switch p := rule.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return http.MethodGet, p.Get
	case *annotations.HttpRule_Post:
		return http.MethodPost, p.Post
	case *annotations.HttpRule_Put:
		return http.MethodPut, p.Put
	case *annotations.HttpRule_Patch:
		return http.MethodPatch, p.Patch
	case *annotations.HttpRule_Delete:
		return http.MethodDelete, p.Delete
	}
	return "", ""
}
