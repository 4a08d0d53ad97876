// Package contract holds the REST contract's facts the server and the
// OpenAPI generator both read, so the document cannot drift: the error codes
// (read from protos/plinth/v1/errors.proto) and the routes and headers the
// gateway serves itself.
package contract

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	plinthv1 "plinth.dev/clients/go/plinth/v1"
)

// Code is one error code's HTTP status and what it means (the OpenAPI
// document's description of its error response; When is docs/ERRORS.md's).
type Code struct {
	Status  int
	Meaning string
	When    string
	GRPC    string   // the gRPC code a service answers it with; "" if only the gateway raises it
	Bare    []string // gRPC codes that mean it without a detail
}

// Name is an error code's name on the wire (error.code): its ErrorCode name
// without the prefix.
func Name(c plinthv1.ErrorCode) string {
	return strings.TrimPrefix(c.String(), "ERROR_CODE_")
}

// The codes the gateway raises itself, by name.
var (
	ValidationError  = Name(plinthv1.ErrorCode_ERROR_CODE_VALIDATION_ERROR)
	Unauthenticated  = Name(plinthv1.ErrorCode_ERROR_CODE_UNAUTHENTICATED)
	Forbidden        = Name(plinthv1.ErrorCode_ERROR_CODE_FORBIDDEN)
	NotFound         = Name(plinthv1.ErrorCode_ERROR_CODE_NOT_FOUND)
	MethodNotAllowed = Name(plinthv1.ErrorCode_ERROR_CODE_METHOD_NOT_ALLOWED)
	PayloadTooLarge  = Name(plinthv1.ErrorCode_ERROR_CODE_PAYLOAD_TOO_LARGE)
	RateLimited      = Name(plinthv1.ErrorCode_ERROR_CODE_RATE_LIMITED)
	Internal         = Name(plinthv1.ErrorCode_ERROR_CODE_INTERNAL)
	NotImplemented   = Name(plinthv1.ErrorCode_ERROR_CODE_NOT_IMPLEMENTED)
	Unavailable      = Name(plinthv1.ErrorCode_ERROR_CODE_UNAVAILABLE)
	DeadlineExceeded = Name(plinthv1.ErrorCode_ERROR_CODE_DEADLINE_EXCEEDED)
)

// The facts of protos/plinth/v1/errors.proto, read from its options once.
var codeTable, bareTable = mustReadCodes()

func mustReadCodes() (map[string]Code, map[codes.Code]string) {
	byName := map[string]Code{}
	byBare := map[codes.Code]string{}
	values := plinthv1.ErrorCode(0).Descriptor().Values()
	for i := 0; i < values.Len(); i++ {
		v := values.Get(i)
		if plinthv1.ErrorCode(v.Number()) == plinthv1.ErrorCode_ERROR_CODE_UNSPECIFIED {
			continue
		}
		info, _ := proto.GetExtension(v.Options(), plinthv1.E_Error).(*plinthv1.ErrorCodeInfo)
		name := Name(plinthv1.ErrorCode(v.Number()))
		if info == nil || info.GetHttpStatus() < 400 || info.GetHttpStatus() > 599 {
			panic("errors.proto: " + string(v.Name()) + " needs an http_status 4xx or 5xx")
		}
		byName[name] = Code{Status: int(info.GetHttpStatus()), Meaning: info.GetMeaning(), When: info.GetWhen(),
			GRPC: info.GetGrpcCode(), Bare: info.GetBareGrpcCodes()}
		for _, b := range info.GetBareGrpcCodes() {
			// grpc-go reads the canonical names (INVALID_ARGUMENT, CANCELLED) in their JSON form.
			var c codes.Code
			if err := c.UnmarshalJSON([]byte(strconv.Quote(b))); err != nil {
				panic("errors.proto: " + string(v.Name()) + ": unknown gRPC code " + b)
			}
			if other, taken := byBare[c]; taken {
				panic("errors.proto: " + b + " claimed by " + other + " and " + name)
			}
			byBare[c] = name
		}
	}
	return byName, byBare
}

// Lookup is a code's status and meaning; false for an unknown code.
func Lookup(code string) (Code, bool) {
	c, ok := codeTable[code]
	return c, ok
}

// Codes lists every code, sorted.
func Codes() []string {
	names := make([]string, 0, len(codeTable))
	for c := range codeTable {
		names = append(names, c)
	}
	sort.Strings(names)
	return names
}

// Bare is the code of a gRPC status that carries no ErrorDetail (raised by
// the gateway runtime or by gRPC itself): the code that claims it in
// errors.proto, else INTERNAL.
func Bare(c codes.Code) string {
	if name, ok := bareTable[c]; ok {
		return name
	}
	return Internal
}

// ErrorsTable is docs/ERRORS.md's table of codes (clients/generate.sh puts
// it there between its markers and checks it is current).
func ErrorsTable() string {
	names := Codes()
	sort.SliceStable(names, func(i, j int) bool { return codeTable[names[i]].Status < codeTable[names[j]].Status })
	var b strings.Builder
	b.WriteString("| HTTP | code | gRPC status (with its `ErrorDetail`) | without a detail, also from | when |\n|---|---|---|---|---|\n")
	for _, name := range names {
		c := codeTable[name]
		grpc := "— (the gateway)"
		if c.GRPC != "" {
			grpc = "`" + c.GRPC + "`"
		}
		bare := "—"
		if len(c.Bare) > 0 {
			bare = "`" + strings.Join(c.Bare, "`, `") + "`"
		}
		if name == Internal {
			bare += ", and every gRPC code no other row claims"
		}
		fmt.Fprintf(&b, "| %d | `%s` | %s | %s | %s |\n", c.Status, name, grpc, bare, c.When)
	}
	return b.String()
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
