package server

import (
	"strings"
	"sync"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// bodyRoutes knows which requests take a body: the protos' google.api.http
// rules that declare one, plus the raw-body Stripe webhook. Only those are
// read and buffered; any other request's body is never read, so unknown
// paths, GETs and preflights cost no memory however large a body they
// announce.
type bodyRoutes struct {
	patterns []routePattern
}

type routePattern struct {
	method   string
	segments []string // "*" matches one path segment (a {variable})
}

func newBodyRoutes() *bodyRoutes {
	b := &bodyRoutes{patterns: []routePattern{{method: "POST", segments: split(stripeWebhookPath)}}}
	protoregistry.GlobalFiles.RangeFilesByPackage("plinth.v1", func(fd protoreflect.FileDescriptor) bool {
		services := fd.Services()
		for i := 0; i < services.Len(); i++ {
			methods := services.Get(i).Methods()
			for j := 0; j < methods.Len(); j++ {
				rule, ok := proto.GetExtension(methods.Get(j).Options(), annotations.E_Http).(*annotations.HttpRule)
				if !ok || rule == nil || rule.GetBody() == "" {
					continue
				}
				method, path := httpRuleRoute(rule)
				if method != "" {
					b.patterns = append(b.patterns, routePattern{method: method, segments: split(path)})
				}
			}
		}
		return true
	})
	return b
}

func httpRuleRoute(rule *annotations.HttpRule) (string, string) {
	switch p := rule.GetPattern().(type) {
	case *annotations.HttpRule_Post:
		return "POST", p.Post
	case *annotations.HttpRule_Put:
		return "PUT", p.Put
	case *annotations.HttpRule_Patch:
		return "PATCH", p.Patch
	case *annotations.HttpRule_Delete:
		return "DELETE", p.Delete
	}
	return "", ""
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

func (b *bodyRoutes) takesBody(method, path string) bool {
	segments := strings.Split(strings.Trim(path, "/"), "/")
	for _, p := range b.patterns {
		if p.method != method || len(p.segments) != len(segments) {
			continue
		}
		match := true
		for i, s := range p.segments {
			if s != "*" && s != segments[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
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
