// Package openapi derives the gateway's OpenAPI 3.1 document from the
// protos: routes and bodies from the google.api.http rules, who may call and
// the success status and extra errors from (plinth.v1.access), what each field
// accepts and holds from (plinth.v1.field), descriptions from the comments.
// It runs at build time as protoc-gen-plinth-openapi; the gateway serves the
// result byte for byte. Nothing in here is per operation.
package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	plinthv1 "plinth.dev/clients/go/plinth/v1"

	"plinth/gateway/internal/contract"
)

// Info is the document's fixed header.
type Info struct {
	Title, Version, Description string
	ServerURL                   string
}

type object = map[string]any

type generator struct {
	schemas  object
	messages map[protoreflect.FullName]*protogen.Message
	// Schema name → the message and whether it is a request (bodies refuse
	// unknown keys, nothing is required unless declared) or a response
	// (every field is always sent).
	pending    []pendingSchema
	seen       map[string]bool
	usedErrors map[string]bool // contract codes some path answers
}

type pendingSchema struct {
	name     string
	msg      *protogen.Message
	request  bool
	envelope bool     // a top-level response: gains `success: true`
	omit     []string // fields bound elsewhere (path parameters)
}

// Generate builds the document from every service of the plinth.v1 files
// being generated.
func Generate(files []*protogen.File, info Info) ([]byte, error) {
	g := &generator{schemas: object{}, messages: map[protoreflect.FullName]*protogen.Message{}, seen: map[string]bool{},
		usedErrors: map[string]bool{}}
	for _, f := range files {
		g.index(f.Messages)
	}
	paths := object{}
	var tags []any
	for _, f := range files {
		if !f.Generate {
			continue
		}
		for _, svc := range f.Services {
			described := false
			for _, m := range svc.Methods {
				op, method, path, err := g.operation(svc, m)
				if err != nil {
					return nil, err
				}
				if op == nil {
					continue
				}
				described = true
				item, _ := paths[path].(object)
				if item == nil {
					item = object{}
					paths[path] = item
				}
				item[method] = op
			}
			if described {
				tags = append(tags, object{"name": string(svc.Desc.Name()), "description": comment(svc.Comments.Leading)})
			}
		}
	}
	g.gatewayOwnRoutes(paths)
	tags = append(tags, object{"name": "Operations", "description": "The gateway's own routes: probes and this document."})
	for len(g.pending) > 0 {
		p := g.pending[0]
		g.pending = g.pending[1:]
		g.schemas[p.name] = g.messageSchema(p)
	}
	g.commonSchemas()
	doc := object{
		"openapi": "3.1.0",
		"info": object{
			"title": info.Title, "version": info.Version, "description": info.Description,
			"license": object{"name": "Proprietary", "url": "https://plinth.example/terms"},
			"contact": object{"name": "Plinth", "url": "https://plinth.example"},
		},
		"servers": []any{object{"url": info.ServerURL, "description": "The local stack (`./plinth up`)."}},
		"tags":    tags,
		"paths":   paths,
		"components": object{
			"schemas":   g.schemas,
			"responses": g.errorResponses(),
			"headers":   headers(),
			"securitySchemes": object{
				"bearerAuth": object{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "A Supabase access token: `Authorization: Bearer <token>`."},
				"stripeSignature": object{"type": "apiKey", "in": "header", "name": "Stripe-Signature",
					"description": "Stripe's signature of the exact body with the webhook's signing secret."},
			},
		},
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func (g *generator) index(msgs []*protogen.Message) {
	for _, m := range msgs {
		g.messages[m.Desc.FullName()] = m
		g.index(m.Messages)
	}
}

func accessOf(m *protogen.Method) *plinthv1.Access {
	a, _ := proto.GetExtension(m.Desc.Options(), plinthv1.E_Access).(*plinthv1.Access)
	return a
}

func rulesOf(f *protogen.Field) *plinthv1.FieldRules {
	r, _ := proto.GetExtension(f.Desc.Options(), plinthv1.E_Field).(*plinthv1.FieldRules)
	if r == nil {
		return &plinthv1.FieldRules{}
	}
	return r
}

// operation describes one RPC's route, or nil for an RPC with none
// (internal ones).
func (g *generator) operation(svc *protogen.Service, m *protogen.Method) (object, string, string, error) {
	access := accessOf(m)
	if access == nil || access.GetCaller() == plinthv1.Caller_CALLER_UNSPECIFIED {
		return nil, "", "", fmt.Errorf("%s declares no (plinth.v1.access)", m.Desc.FullName())
	}
	rule, _ := proto.GetExtension(m.Desc.Options(), annotations.E_Http).(*annotations.HttpRule)
	method, path := contract.HTTPRoute(rule)
	method = strings.ToLower(method)
	raw := access.GetRawBodyPost() != ""
	if raw {
		method, path = "post", access.GetRawBodyPost()
	}
	if method == "" {
		return nil, "", "", nil
	}
	if access.GetCaller() == plinthv1.Caller_CALLER_INTERNAL {
		return nil, "", "", fmt.Errorf("%s is internal but has an HTTP route", m.Desc.FullName())
	}
	id := string(svc.Desc.Name()) + "_" + string(m.Desc.Name())
	summary, description := summarize(m.Comments.Leading, string(m.Desc.Name()))
	op := object{"operationId": id, "tags": []any{string(svc.Desc.Name())}, "summary": summary}
	if description != "" {
		op["description"] = description
	}

	// Parameters: path variables, then (no body) the other fields as query.
	pathVars := pathVariables(path)
	var params []any
	fieldsByName := map[string]*protogen.Field{}
	for _, f := range m.Input.Fields {
		fieldsByName[string(f.Desc.Name())] = f
	}
	for _, v := range pathVars {
		f := fieldsByName[v]
		if f == nil {
			return nil, "", "", fmt.Errorf("%s: path variable {%s} is not a field", id, v)
		}
		params = append(params, g.parameter(f, "path", true))
	}
	body := ""
	if rule != nil {
		body = rule.GetBody()
	}
	if body == "" && !raw {
		for _, f := range m.Input.Fields {
			if contains(pathVars, string(f.Desc.Name())) || isFieldMask(f) {
				continue
			}
			if header := rulesOf(f).GetHttpHeader(); header != "" {
				p := g.parameter(f, "header", rulesOf(f).GetRequired())
				p["name"] = header
				params = append(params, p)
				continue
			}
			params = append(params, g.parameter(f, "query", rulesOf(f).GetRequired()))
		}
	}
	if len(params) > 0 {
		op["parameters"] = params
	}

	// Request body.
	hasMask := false
	for _, f := range m.Input.Fields {
		hasMask = hasMask || isFieldMask(f)
	}
	switch {
	case raw:
		op["requestBody"] = object{"required": true, "description": "The event exactly as Stripe sent it.",
			"content": object{"application/json": object{"schema": object{"type": "object"}}}}
	case body == "*":
		name := string(m.Input.Desc.Name())
		if len(pathVars) > 0 {
			name = strings.TrimSuffix(name, "Request") + "Body"
		}
		required := false
		for _, f := range m.Input.Fields {
			required = required || (rulesOf(f).GetRequired() && !contains(pathVars, string(f.Desc.Name())))
		}
		g.want(pendingSchema{name: name, msg: m.Input, request: true, omit: pathVars})
		op["requestBody"] = object{"required": required,
			"content": object{"application/json": object{"schema": ref(name)}}}
	case body != "":
		f := fieldsByName[body]
		if f == nil || f.Message == nil {
			return nil, "", "", fmt.Errorf("%s: body %q is not a message field", id, body)
		}
		name := string(f.Message.Desc.Name())
		g.want(pendingSchema{name: name, msg: f.Message, request: true})
		schema := ref(name)
		desc := comment(f.Comments.Leading)
		if hasMask {
			// The gateway derives the update mask from the keys present:
			// only those change, and a body naming none is refused.
			desc = strings.TrimSpace(desc + " Only the keys present change; at least one is required.")
		}
		op["requestBody"] = object{"required": true, "description": desc,
			"content": object{"application/json": object{"schema": schema}}}
	}

	// Responses.
	responses := object{}
	success := access.GetSuccessHttpStatus()
	if success == 0 {
		success = http.StatusOK
	}
	okHeaders := object{contract.RequestIDHeader: ref("#/components/headers/RequestId"),
		contract.RateLimitLimitHeader:     ref("#/components/headers/RateLimitLimit"),
		contract.RateLimitRemainingHeader: ref("#/components/headers/RateLimitRemaining"),
		contract.RateLimitResetHeader:     ref("#/components/headers/RateLimitReset")}
	switch {
	case m.Desc.IsStreamingServer():
		// Served by the gateway as Server-Sent Events (gateway events.go):
		// the stream message's oneof names each event and its data.
		responses["200"] = object{"description": "A stream of Server-Sent Events.", "headers": okHeaders,
			"content": object{"text/event-stream": object{"schema": g.eventSchema(m.Output)}}}
	case success == http.StatusNoContent:
		responses["204"] = object{"description": "Done; no body.", "headers": okHeaders}
	default:
		name := string(m.Output.Desc.Name())
		g.want(pendingSchema{name: name, msg: m.Output, envelope: true})
		responses[strconv.Itoa(int(success))] = object{"description": http.StatusText(int(success)) + ".",
			"headers": okHeaders, "content": object{"application/json": object{"schema": ref(name)}}}
	}
	codes := []string{contract.RateLimited, contract.Internal, contract.Unavailable, contract.DeadlineExceeded}
	if len(params) > 0 || op["requestBody"] != nil {
		codes = append(codes, contract.ValidationError)
	}
	if len(pathVars) > 0 {
		codes = append(codes, contract.NotFound)
	}
	if op["requestBody"] != nil {
		codes = append(codes, contract.PayloadTooLarge)
	}
	switch {
	case raw:
		op["security"] = []any{object{"stripeSignature": []any{}}}
	case access.GetCaller() == plinthv1.Caller_CALLER_PUBLIC:
		op["security"] = []any{}
	case access.GetCaller() == plinthv1.Caller_CALLER_OPERATOR:
		// A user token whose app_metadata.plinth_role is "operator"; any
		// other user's is 403.
		op["security"] = []any{object{"bearerAuth": []any{}}}
		op["x-plinth-operator"] = true
		codes = append(codes, contract.Unauthenticated, contract.Forbidden)
	default:
		op["security"] = []any{object{"bearerAuth": []any{}}}
		codes = append(codes, contract.Unauthenticated)
	}
	for _, c := range access.GetErrorCodes() {
		codes = append(codes, contract.Name(c))
	}
	for _, c := range codes {
		code, ok := contract.Lookup(c)
		if !ok {
			return nil, "", "", fmt.Errorf("%s: unknown error code %q", id, c)
		}
		responses[strconv.Itoa(code.Status)] = g.errorResponse(c)
	}
	op["responses"] = responses
	return op, method, path, nil
}

const eventStreamDescription = "One Server-Sent Event: `event:` its kind, `data:` its JSON (the kind's schema) and, " +
	"when the stream can be resumed after it, `id:`. " +
	"A comment line (`: keep-alive`) comes every 15 s by default. The stream ends after `done` or `error`; " +
	"a connection that ends before either is resumed with `Last-Event-ID`."

// eventSchema: one Server-Sent Event of a stream whose message has a oneof
// of its kinds (the field's name is `event:`, its JSON `data:`), as OpenAPI
// 3.1 describes a text/event-stream's events (3.2 calls it itemSchema).
func (g *generator) eventSchema(msg *protogen.Message) object {
	var names, kinds []any
	for _, o := range msg.Oneofs {
		for _, f := range o.Fields {
			if f.Message == nil {
				continue
			}
			schema := string(f.Message.Desc.Name())
			g.want(pendingSchema{name: schema, msg: f.Message})
			names = append(names, string(f.Desc.Name()))
			kinds = append(kinds, object{"required": []any{"event"}, "properties": object{
				"event": object{"const": string(f.Desc.Name())},
				"data":  object{"contentMediaType": "application/json", "contentSchema": ref(schema)},
			}})
		}
	}
	return object{"type": "object", "description": eventStreamDescription, "required": []any{"event", "data"},
		"properties": object{
			"event": object{"type": "string", "enum": names},
			"data":  object{"type": "string", "contentMediaType": "application/json"},
			"id":    object{"type": "string", "pattern": "^[0-9]{1,19}-[0-9]{1,19}$"},
			"retry": object{"type": "integer", "minimum": 0},
		},
		"oneOf": kinds}
}

func (g *generator) want(p pendingSchema) {
	if g.seen[p.name] {
		return
	}
	g.seen[p.name] = true
	g.pending = append(g.pending, p)
}

func (g *generator) parameter(f *protogen.Field, in string, required bool) object {
	schema := g.fieldSchema(f, true, false)
	p := object{"name": string(f.Desc.Name()), "in": in, "required": required, "schema": schema}
	if d := comment(f.Comments.Leading); d != "" {
		p["description"] = d
	}
	return p
}

// messageSchema is a message as JSON: snake_case names, as the gateway's
// marshaler writes them.
func (g *generator) messageSchema(p pendingSchema) object {
	props := object{}
	var required []string
	if p.envelope {
		props["success"] = object{"type": "boolean", "const": true}
		required = append(required, "success")
	}
	// In a PATCH body a key present means "change it", so null is refused
	// (but by wrappers, where null clears); elsewhere protojson reads null as
	// absent, so an optional field of a request accepts it.
	patch := p.request && hasFieldMask(g.messages, p.msg)
	for _, f := range p.msg.Fields {
		name := string(f.Desc.Name())
		if contains(p.omit, name) || isFieldMask(f) {
			continue
		}
		props[name] = g.fieldSchema(f, p.request, p.request && !patch && !rulesOf(f).GetRequired())
		if !p.request || rulesOf(f).GetRequired() {
			required = append(required, name)
		}
	}
	s := object{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	if d := comment(p.msg.Comments.Leading); d != "" {
		s["description"] = d
	}
	if patch {
		s["minProperties"] = 1
	}
	return s
}

// hasFieldMask: is this message the body of a request that carries a mask
// (a PATCH whose keys say what changes)?
func hasFieldMask(all map[protoreflect.FullName]*protogen.Message, body *protogen.Message) bool {
	for _, m := range all {
		var mask, holds bool
		for _, f := range m.Fields {
			mask = mask || isFieldMask(f)
			holds = holds || (f.Message != nil && f.Message.Desc.FullName() == body.Desc.FullName())
		}
		if mask && holds {
			return true
		}
	}
	return false
}

// fieldSchema: nullAsAbsent marks a request field whose null means absent.
func (g *generator) fieldSchema(f *protogen.Field, request, nullAsAbsent bool) object {
	r := rulesOf(f)
	var s object
	if f.Desc.IsList() {
		s = object{"type": "array", "items": g.valueSchema(f, r, request)}
		if r.MaxItems != nil {
			s["maxItems"] = r.GetMaxItems()
		}
	} else {
		s = g.valueSchema(f, r, request)
		nullable := isWrapper(f) || (!request && r.GetNullable()) || nullAsAbsent
		if nullable {
			s = makeNullable(s)
		}
	}
	if d := comment(f.Comments.Leading); d != "" {
		if _, isRef := s["$ref"]; !isRef {
			if more, ok := s["description"].(string); ok {
				d += " " + more
			}
			s["description"] = d
		}
	}
	if r.GetDefault() != "" {
		s["default"] = mustJSON(r.GetDefault())
	}
	if r.GetExample() != "" {
		s["examples"] = []any{mustJSON(r.GetExample())}
	}
	return s
}

func (g *generator) valueSchema(f *protogen.Field, r *plinthv1.FieldRules, request bool) object {
	d := f.Desc
	if d.Kind() == protoreflect.MessageKind {
		switch d.Message().FullName() {
		case "google.protobuf.Timestamp":
			return object{"type": "string", "format": "date-time"}
		case "google.protobuf.StringValue":
			return stringSchema(r, request)
		case "google.protobuf.BoolValue":
			return object{"type": "boolean"}
		case "google.protobuf.Int32Value", "google.protobuf.UInt32Value":
			return intSchema(r)
		case "google.protobuf.Struct":
			// Any JSON object whose strings (keys included) hold no U+0000,
			// which PostgreSQL's jsonb cannot store.
			g.jsonSchemas()
			s := object{"type": "object", "propertyNames": ref("JsonText"), "additionalProperties": ref("JsonValue")}
			if r.MaxJsonBytes != nil {
				s["description"] = fmt.Sprintf("A JSON object of at most %d bytes (compact).", r.GetMaxJsonBytes())
			}
			return s
		case "google.protobuf.Value":
			g.jsonSchemas()
			return ref("JsonValue")
		}
		name := string(f.Message.Desc.Name())
		g.want(pendingSchema{name: name, msg: f.Message, request: request})
		return ref(name)
	}
	switch d.Kind() {
	case protoreflect.StringKind:
		return stringSchema(r, request)
	case protoreflect.BoolKind:
		return object{"type": "boolean"}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		s := intSchema(r)
		if d.Kind() == protoreflect.Uint32Kind || d.Kind() == protoreflect.Fixed32Kind {
			if _, ok := s["minimum"]; !ok {
				s["minimum"] = 0
			}
		}
		return s
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		// protojson writes 64-bit integers as strings.
		return object{"type": "string", "pattern": "^-?[0-9]+$", "format": "int64"}
	case protoreflect.DoubleKind, protoreflect.FloatKind:
		return object{"type": "number"}
	case protoreflect.BytesKind:
		return object{"type": "string", "contentEncoding": "base64"}
	case protoreflect.EnumKind:
		var names []any
		values := d.Enum().Values()
		for i := 0; i < values.Len(); i++ {
			names = append(names, string(values.Get(i).Name()))
		}
		return object{"type": "string", "enum": names}
	}
	return object{}
}

// jsonSchemas defines JsonValue (any JSON value whose strings hold no NUL)
// for Struct and Value fields.
func (g *generator) jsonSchemas() {
	if _, done := g.schemas["JsonValue"]; done {
		return
	}
	g.schemas["JsonText"] = object{"type": "string", "pattern": "^[^\\x00]*$"}
	g.schemas["JsonValue"] = object{
		"description": "Any JSON value; no string in it (object keys included) may contain U+0000.",
		"anyOf": []any{
			object{"type": []any{"null", "boolean", "number"}},
			ref("JsonText"),
			object{"type": "array", "items": ref("JsonValue")},
			object{"type": "object", "propertyNames": ref("JsonText"), "additionalProperties": ref("JsonValue")},
		},
	}
}

func stringSchema(r *plinthv1.FieldRules, request bool) object {
	s := object{"type": "string"}
	switch r.GetFormat() {
	case plinthv1.Format_FORMAT_UUID:
		s["format"] = "uuid"
		s["pattern"] = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
	case plinthv1.Format_FORMAT_HTTPS_URL:
		// A host without credentials (libs/validation CheckUrl).
		s["format"] = "uri"
		s["pattern"] = "^https://[^/?#@\\s]+([/?#]\\S*)?$"
	case plinthv1.Format_FORMAT_URI:
		s["format"] = "uri"
		s["pattern"] = "^https?://[^/?#@\\s]+([/?#]\\S*)?$"
	case plinthv1.Format_FORMAT_EMAIL:
		s["format"] = "email"
	case plinthv1.Format_FORMAT_STREAM_ID:
		// Empty: from the start (libs/validation IsStreamId).
		s["pattern"] = "^([0-9]{1,19}-[0-9]{1,19})?$"
	}
	if r.MinLength != nil {
		s["minLength"] = r.GetMinLength()
	} else if r.GetRequired() {
		s["minLength"] = 1
	}
	if r.MaxLength != nil {
		s["maxLength"] = r.GetMaxLength()
	}
	if len(r.GetOneOf()) > 0 {
		values := make([]any, len(r.GetOneOf()))
		for i, v := range r.GetOneOf() {
			values[i] = v
		}
		s["enum"] = values
	} else if request && r.GetFormat() == plinthv1.Format_FORMAT_UNSPECIFIED {
		// Control characters are refused (text fields also allow \n \r \t).
		if r.GetMultiline() {
			s["pattern"] = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$"
		} else {
			s["pattern"] = "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
		}
	}
	return s
}

func intSchema(r *plinthv1.FieldRules) object {
	s := object{"type": "integer", "format": "int32"}
	if r.Minimum != nil {
		s["minimum"] = r.GetMinimum()
	}
	if r.Maximum != nil {
		s["maximum"] = r.GetMaximum()
	}
	return s
}

func makeNullable(s object) object {
	if _, isRef := s["$ref"]; isRef {
		return object{"oneOf": []any{s, object{"type": "null"}}}
	}
	if t, ok := s["type"].(string); ok {
		s["type"] = []any{t, "null"}
	}
	if e, ok := s["enum"].([]any); ok {
		s["enum"] = append(e, nil)
	}
	return s
}

func isWrapper(f *protogen.Field) bool {
	return f.Message != nil && strings.HasPrefix(string(f.Message.Desc.FullName()), "google.protobuf.") &&
		strings.HasSuffix(string(f.Message.Desc.Name()), "Value") && f.Message.Desc.Name() != "Value"
}

func isFieldMask(f *protogen.Field) bool {
	return f.Message != nil && f.Message.Desc.FullName() == "google.protobuf.FieldMask"
}

// gatewayOwnRoutes: probes and this document.
func (g *generator) gatewayOwnRoutes(paths object) {
	status := func(value string) object {
		return object{"type": "object", "required": []any{"success", "data"}, "additionalProperties": false,
			"properties": object{"success": object{"type": "boolean", "const": true},
				"data": object{"type": "object", "required": []any{"status"}, "additionalProperties": false,
					"properties": object{"status": object{"type": "string", "const": value}}}}}
	}
	headers := object{contract.RequestIDHeader: ref("#/components/headers/RequestId")}
	paths[contract.HealthzPath] = object{"get": object{
		"operationId": "Operations_Healthz", "tags": []any{"Operations"}, "security": []any{},
		"summary":     "The gateway process is alive.",
		"description": "Not rate limited: for the kubelet's liveness probe.",
		"responses": object{"200": object{"description": "Alive.", "headers": headers,
			"content": object{"application/json": object{"schema": status("ok")}}}},
	}}
	paths[contract.ReadyzPath] = object{"get": object{
		"operationId": "Operations_Readyz", "tags": []any{"Operations"}, "security": []any{},
		"summary":     "Every backend's gRPC health service answers SERVING.",
		"description": "Not rate limited; answered from a one-second cache. A 503 names the backends that are not ready in `details` (never their addresses).",
		"responses": object{
			"200": object{"description": "Ready.", "headers": headers,
				"content": object{"application/json": object{"schema": status("ready")}}},
			"503": g.errorResponse(contract.Unavailable),
		},
	}}
	paths[contract.OpenAPIPath] = object{"get": object{
		"operationId": "Operations_OpenAPI", "tags": []any{"Operations"}, "security": []any{},
		"summary": "This document.",
		"responses": object{
			"200": object{"description": "The OpenAPI 3.1 document.", "headers": headers,
				"content": object{"application/json": object{"schema": object{"type": "object"}}}},
			"429": g.errorResponse(contract.RateLimited),
			"503": g.errorResponse(contract.Unavailable),
		},
	}}
}

func (g *generator) commonSchemas() {
	codes := make([]any, 0)
	for _, c := range contract.Codes() {
		codes = append(codes, c)
	}
	g.schemas["ErrorEnvelope"] = object{
		"type": "object", "required": []any{"success", "error"}, "additionalProperties": false,
		"description": "Every error, whoever detected it (docs/ERRORS.md).",
		"properties": object{
			"success": object{"type": "boolean", "const": false},
			"error": object{
				"type": "object", "required": []any{"code", "message", "details", "request_id"}, "additionalProperties": false,
				"properties": object{
					"code":    object{"type": "string", "enum": codes, "description": "Stable; switch on it, not on the message."},
					"message": object{"type": "string", "description": "For people; may change."},
					"details": object{"type": "array", "description": "One entry per bad field or parameter (VALIDATION_ERROR), or per backend that is not ready (/readyz).",
						"items": object{"type": "object", "required": []any{"field", "issue"}, "additionalProperties": false,
							"properties": object{"field": object{"type": "string"}, "issue": object{"type": "string"}}}},
					"request_id": object{"type": "string", "description": "Also in the X-Request-Id header; quote it when reporting a problem."},
				},
			},
		},
	}
}

func responseName(code string) string {
	parts := strings.Split(strings.ToLower(code), "_")
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, "")
}

// errorResponses defines the error responses the paths refer to.
func (g *generator) errorResponses() object {
	out := object{}
	for _, c := range contract.Codes() {
		if !g.usedErrors[c] {
			continue
		}
		code, _ := contract.Lookup(c)
		h := object{contract.RequestIDHeader: ref("#/components/headers/RequestId")}
		if c == contract.RateLimited {
			h["Retry-After"] = object{"required": true, "description": "Seconds until the window resets.",
				"schema": object{"type": "integer", "minimum": 0}}
			h[contract.RateLimitLimitHeader] = ref("#/components/headers/RateLimitLimit")
			h[contract.RateLimitRemainingHeader] = ref("#/components/headers/RateLimitRemaining")
			h[contract.RateLimitResetHeader] = ref("#/components/headers/RateLimitReset")
		}
		out[responseName(c)] = object{
			"description": fmt.Sprintf("%d %s: %s", code.Status, c, code.Meaning),
			"headers":     h,
			"content":     object{"application/json": object{"schema": ref("ErrorEnvelope")}},
		}
	}
	return out
}

// errorResponse refers to the error response of a contract code (defined
// once in components, if some path uses it).
func (g *generator) errorResponse(code string) object {
	g.usedErrors[code] = true
	return ref("#/components/responses/" + responseName(code))
}

func headers() object {
	return object{
		"RequestId": object{"required": true, "description": "The request's id (the caller's X-Request-Id when sane, else a new one); in every log line of the request.",
			"schema": object{"type": "string"}},
		"RateLimitLimit": object{"description": "Requests allowed per window for this caller (absent if the limiter's store is unreachable).",
			"schema": object{"type": "integer", "minimum": 0}},
		"RateLimitRemaining": object{"description": "Requests left in the current window.",
			"schema": object{"type": "integer", "minimum": 0}},
		"RateLimitReset": object{"description": "When the window resets, in Unix seconds.",
			"schema": object{"type": "integer", "minimum": 0}},
	}
}

func pathVariables(path string) []string {
	var vars []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			vars = append(vars, strings.SplitN(seg[1:len(seg)-1], "=", 2)[0])
		}
	}
	return vars
}

func ref(name string) object {
	if !strings.HasPrefix(name, "#/") {
		name = "#/components/schemas/" + name
	}
	return object{"$ref": name}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func mustJSON(text string) any {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		panic(fmt.Sprintf("(plinth.v1.field) default/example %q is not JSON: %v", text, err))
	}
	return v
}

// comment is a proto comment as prose: lines joined, paragraphs kept.
func comment(c protogen.Comments) string {
	var paragraphs, current []string
	for _, line := range strings.Split(string(c), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			current = append(current, line)
			continue
		}
		if len(current) > 0 {
			paragraphs = append(paragraphs, strings.Join(current, " "))
			current = nil
		}
	}
	if len(current) > 0 {
		paragraphs = append(paragraphs, strings.Join(current, " "))
	}
	return strings.Join(paragraphs, "\n\n")
}

// summarize: the comment's first sentence (and the whole comment as the
// description when there is more), else the RPC's name as words.
func summarize(c protogen.Comments, rpc string) (string, string) {
	text := comment(c)
	if text == "" {
		return words(rpc), ""
	}
	first := strings.SplitN(text, "\n\n", 2)[0]
	if i := strings.Index(first, ". "); i > 0 {
		first = first[:i+1]
	}
	if first == text {
		return text, ""
	}
	return first, text
}

func words(name string) string {
	var out []string
	start := 0
	for i := 1; i <= len(name); i++ {
		if i == len(name) || (name[i] >= 'A' && name[i] <= 'Z') {
			out = append(out, strings.ToLower(name[start:i]))
			start = i
		}
	}
	s := strings.Join(out, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
