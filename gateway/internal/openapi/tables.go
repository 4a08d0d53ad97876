package openapi

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	plinthv1 "plinth.dev/clients/go/plinth/v1"

	"plinth/gateway/internal/contract"
)

// The docs' tables and the endpoint list, generated from the same options as
// the OpenAPI document so that no address, route, status or error list is
// typed twice (clients/generate.sh writes them between markers in docs/).

const defaultMaxCallMs = 5000

func endpointOf(svc *protogen.Service) *plinthv1.Endpoint {
	e, _ := proto.GetExtension(svc.Desc.Options(), plinthv1.E_Endpoint).(*plinthv1.Endpoint)
	return e
}

func servicesOf(files []*protogen.File) []*protogen.Service {
	var out []*protogen.Service
	for _, f := range files {
		if f.Generate {
			out = append(out, f.Services...)
		}
	}
	return out
}

func port(address string) string {
	_, p, err := net.SplitHostPort(address)
	if err != nil {
		return ""
	}
	return p
}

func maxCallMs(e *plinthv1.Endpoint) uint32 {
	if e.GetMaxCallMs() == 0 {
		return defaultMaxCallMs
	}
	return e.GetMaxCallMs()
}

// ServicesTable is docs/GRPC.md's table of addresses.
func ServicesTable(files []*protogen.File) string {
	var b strings.Builder
	b.WriteString("| name | gRPC service | local (`./plinth up`) | Kubernetes (`k8s/base`) | `/metrics` (local) | longest call |\n|---|---|---|---|---|---|\n")
	for _, svc := range servicesOf(files) {
		e := endpointOf(svc)
		role := "`" + string(svc.Desc.FullName()) + "`"
		longest := fmt.Sprintf("%.0f s", float64(maxCallMs(e))/1000)
		if len(svc.Methods) == 0 {
			role += " (health only)"
			longest = "—"
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` (`%s`) | `%s:%s` | `%s` (`%s`) | %s |\n", e.GetName(), role,
			e.GetDefaultAddress(), e.GetAddressVariable(), e.GetName(), port(e.GetDefaultAddress()),
			e.GetDefaultMetricsAddress(), e.GetMetricsAddressVariable(), longest)
	}
	return b.String()
}

func idempotency(m *protogen.Method) string {
	opts, _ := m.Desc.Options().(*descriptorpb.MethodOptions)
	switch opts.GetIdempotencyLevel() {
	case descriptorpb.MethodOptions_NO_SIDE_EFFECTS:
		return "read only"
	case descriptorpb.MethodOptions_IDEMPOTENT:
		return "yes"
	}
	return "**no**"
}

func callerName(c plinthv1.Caller) string {
	return strings.ToLower(strings.TrimPrefix(c.String(), "CALLER_"))
}

func errorList(a *plinthv1.Access) string {
	var names []string
	for _, c := range a.GetErrorCodes() {
		names = append(names, "`"+contract.Name(c)+"`")
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}

func route(m *protogen.Method) (string, string) {
	a := accessOf(m)
	if a.GetRawBodyPost() != "" {
		return "POST", a.GetRawBodyPost()
	}
	rule, _ := proto.GetExtension(m.Desc.Options(), annotations.E_Http).(*annotations.HttpRule)
	return contract.HTTPRoute(rule)
}

func successStatus(a *plinthv1.Access) int32 {
	if a.GetSuccessHttpStatus() != 0 {
		return a.GetSuccessHttpStatus()
	}
	return 200
}

// eachMethod calls f with every RPC, its access rule and its route ("" for none).
func eachMethod(files []*protogen.File, f func(*protogen.Service, *protogen.Method, *plinthv1.Access, string, string)) {
	for _, svc := range servicesOf(files) {
		for _, m := range svc.Methods {
			method, path := route(m)
			f(svc, m, accessOf(m), method, path)
		}
	}
}

// MethodsTable is docs/GRPC.md's table of RPCs.
func MethodsTable(files []*protogen.File) string {
	var b strings.Builder
	b.WriteString("| RPC | caller | safe to retry | errors beyond the common ones | REST route |\n|---|---|---|---|---|\n")
	eachMethod(files, func(svc *protogen.Service, m *protogen.Method, a *plinthv1.Access, method, path string) {
		rest := "— (internal)"
		if path != "" {
			rest = fmt.Sprintf("`%s %s`", method, path)
		}
		fmt.Fprintf(&b, "| `%s.%s` | %s | %s | %s | %s |\n", svc.Desc.Name(), m.Desc.Name(),
			callerName(a.GetCaller()), idempotency(m), errorList(a), rest)
	})
	return b.String()
}

// RoutesTable is docs/API.md's table of the routes the services answer.
func RoutesTable(files []*protogen.File) string {
	var b strings.Builder
	b.WriteString("| method | path | auth | success | errors beyond the common ones | safe to retry | served by |\n|---|---|---|---|---|---|---|\n")
	eachMethod(files, func(svc *protogen.Service, m *protogen.Method, a *plinthv1.Access, method, path string) {
		if path == "" {
			return
		}
		auth := map[plinthv1.Caller]string{plinthv1.Caller_CALLER_PUBLIC: "none", plinthv1.Caller_CALLER_USER: "bearer",
			plinthv1.Caller_CALLER_USER_OR_INTERNAL: "bearer", plinthv1.Caller_CALLER_OPERATOR: "bearer, operator"}[a.GetCaller()]
		if a.GetRawBodyPost() != "" {
			auth = "signature"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %d | %s | %s | %s (`%s`) |\n", method, strings.TrimPrefix(path, "/api/v1"),
			auth, successStatus(a), errorList(a), idempotency(m), endpointOf(svc).GetName(), m.Desc.Name())
	})
	return b.String()
}

// EndpointsJSON lists every service's endpoint for the Kubernetes check
// (tests/k8s/validate.mjs) and ./plinth.
func EndpointsJSON(files []*protogen.File) ([]byte, error) {
	type entry struct {
		Name                   string `json:"name"`
		GRPCService            string `json:"grpc_service"`
		AddressVariable        string `json:"address_variable"`
		DefaultAddress         string `json:"default_address"`
		Port                   int    `json:"port"`
		MetricsAddressVariable string `json:"metrics_address_variable"`
		DefaultMetricsAddress  string `json:"default_metrics_address"`
		MaxCallMs              uint32 `json:"max_call_ms"`
	}
	doc := struct {
		GeneratedBy string  `json:"generated_by"`
		Services    []entry `json:"services"`
	}{GeneratedBy: "clients/generate.sh from the (plinth.v1.endpoint) options in protos/: do not edit"}
	for _, svc := range servicesOf(files) {
		e := endpointOf(svc)
		if e == nil {
			return nil, fmt.Errorf("%s declares no (plinth.v1.endpoint)", svc.Desc.FullName())
		}
		p, err := strconv.Atoi(port(e.GetDefaultAddress()))
		if err != nil || e.GetName() == "" || e.GetMetricsAddressVariable() == "" {
			return nil, fmt.Errorf("%s: its endpoint needs a name, a default address with a port and a metrics variable", svc.Desc.FullName())
		}
		doc.Services = append(doc.Services, entry{e.GetName(), string(svc.Desc.FullName()), e.GetAddressVariable(),
			e.GetDefaultAddress(), p, e.GetMetricsAddressVariable(), e.GetDefaultMetricsAddress(), maxCallMs(e)})
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n'), err
}
