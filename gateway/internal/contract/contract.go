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

// HTTPStatusOf maps each contract code to its HTTP status.
var HTTPStatusOf = map[string]int{
	"VALIDATION_ERROR":     http.StatusBadRequest,
	"UNAUTHENTICATED":      http.StatusUnauthorized,
	"INSUFFICIENT_CREDITS": http.StatusPaymentRequired,
	"FORBIDDEN":            http.StatusForbidden,
	"NOT_FOUND":            http.StatusNotFound,
	"METHOD_NOT_ALLOWED":   http.StatusMethodNotAllowed,
	"CONFLICT":             http.StatusConflict,
	"PAYLOAD_TOO_LARGE":    http.StatusRequestEntityTooLarge,
	"RATE_LIMITED":         http.StatusTooManyRequests,
	"INTERNAL":             http.StatusInternalServerError,
	"NOT_IMPLEMENTED":      http.StatusNotImplemented,
	"UNAVAILABLE":          http.StatusServiceUnavailable,
	"DEADLINE_EXCEEDED":    http.StatusGatewayTimeout,
}

// Codes lists every contract code, sorted.
func Codes() []string {
	codes := make([]string, 0, len(HTTPStatusOf))
	for c := range HTTPStatusOf {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
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
