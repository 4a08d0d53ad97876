package server

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	plinthv1 "plinth.dev/clients/go/plinth/v1"

	"plinth/gateway/internal/contract"
)

// routes knows every route the gateway serves, from the protos'
// google.api.http rules plus its own (webhook, health, OpenAPI): which take
// a body (only those are read and buffered: any other request's body is
// never read, so unknown paths, GETs and preflights cost no memory however
// large a body they announce), and each request's route template, the
// bounded label of the HTTP metrics.
type routes struct {
	patterns []routePattern
}

type routePattern struct {
	method   string
	template string   // e.g. /api/v1/resources/{id}
	segments []string // "*" matches one path segment (a {variable})
	body     bool
	stream   bool // a server stream, served as Server-Sent Events (events.go)
}

// stripeWebhookPath is where the gateway serves BillingService's
// HandleStripeWebhook itself: its (plinth.v1.access) raw_body_post.
var stripeWebhookPath = func() string {
	m := plinthv1.File_plinth_v1_billing_proto.Services().ByName("BillingService").Methods().ByName("HandleStripeWebhook")
	access, _ := proto.GetExtension(m.Options(), plinthv1.E_Access).(*plinthv1.Access)
	if access.GetRawBodyPost() == "" {
		panic("HandleStripeWebhook declares no raw_body_post")
	}
	return access.GetRawBodyPost()
}()

func newRoutes() *routes {
	b := &routes{}
	for _, own := range []routePattern{
		{method: "POST", template: stripeWebhookPath, body: true},
		{method: "GET", template: contract.HealthzPath}, {method: "GET", template: contract.ReadyzPath},
		{method: "GET", template: contract.OpenAPIPath},
	} {
		own.segments = split(own.template)
		b.patterns = append(b.patterns, own)
	}
	protoregistry.GlobalFiles.RangeFilesByPackage("plinth.v1", func(fd protoreflect.FileDescriptor) bool {
		services := fd.Services()
		for i := 0; i < services.Len(); i++ {
			methods := services.Get(i).Methods()
			for j := 0; j < methods.Len(); j++ {
				rule, ok := proto.GetExtension(methods.Get(j).Options(), annotations.E_Http).(*annotations.HttpRule)
				if !ok || rule == nil {
					continue
				}
				method, path := contract.HTTPRoute(rule)
				if method != "" {
					b.patterns = append(b.patterns, routePattern{method: method, template: path, segments: split(path),
						body: rule.GetBody() != "", stream: methods.Get(j).IsStreamingServer()})
				}
			}
		}
		return true
	})
	return b
}

func split(path string) []string {
	segments := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range segments {
		if strings.HasPrefix(s, "{") {
			segments[i] = "*"
		}
	}
	return segments
}

// routeOf is the route withRequestID matched for this request (nil: none).
// Matched once per request, in the outermost middleware.
func routeOf(r *http.Request) *routePattern {
	p, _ := r.Context().Value(routeKey).(*routePattern)
	return p
}

// label is the route's template, "unmatched" for none: a label value from a
// fixed set, never the raw path.
func (p *routePattern) label() string {
	if p == nil {
		return "unmatched"
	}
	return p.template
}

func (b *routes) match(method, path string) *routePattern {
	segments := strings.Split(strings.Trim(path, "/"), "/")
	for i := range b.patterns {
		if p := &b.patterns[i]; p.method == method && p.matches(segments) {
			return p
		}
	}
	return nil
}

// allowed lists the methods served on `path` ("GET, PATCH"), "" for an
// unknown path: a known path with another method is a 405 with Allow.
func (b *routes) allowed(path string) string {
	segments := strings.Split(strings.Trim(path, "/"), "/")
	var methods []string
	for i := range b.patterns {
		if p := &b.patterns[i]; p.matches(segments) && !slices.Contains(methods, p.method) {
			methods = append(methods, p.method)
		}
	}
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}

func (p *routePattern) matches(segments []string) bool {
	if len(p.segments) != len(segments) {
		return false
	}
	for i, s := range p.segments {
		if s != "*" && s != segments[i] {
			return false
		}
	}
	return true
}

// byteBudget caps the bytes of request bodies held at once, all requests
// together. A request that does not fit is refused at once (503) rather than
// queued: waiting would hold its connection and goroutine anyway.
type byteBudget struct {
	mu   sync.Mutex
	left int64
}

func (b *byteBudget) acquire(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.left {
		return false
	}
	b.left -= n
	return true
}

func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.left += n
	b.mu.Unlock()
}
