package server

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"plinth/gateway/gen/openapi"
)

// buildOpenAPI serves the document protoc-gen-openapiv2 generated from the
// protos (OpenAPI 2.0, snake_case names), completed with what the generator
// cannot know: the success envelope, the error envelope and codes of every
// operation, the real success statuses (201/202/204), bearer security, and
// the routes that are not transcoded (webhook, health).
func buildOpenAPI() ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openapi.Spec, &doc); err != nil {
		return nil, fmt.Errorf("generated OpenAPI document: %w", err)
	}
	doc["info"] = map[string]any{
		"title":       "Plinth REST API",
		"version":     "1.0.0",
		"description": "REST/JSON contract served by the Plinth gateway (docs/API.md). Every error uses the envelope described by ErrorEnvelope (docs/ERRORS.md).",
		"license":     map[string]any{"name": "Proprietary", "url": "https://plinth.example/terms"},
		"contact":     map[string]any{"name": "Plinth", "url": "https://plinth.example"},
	}
	doc["host"] = "localhost:8080"
	doc["schemes"] = []string{"http", "https"}
	doc["basePath"] = "/"
	doc["securityDefinitions"] = map[string]any{
		"bearer": map[string]any{"type": "apiKey", "in": "header", "name": "Authorization",
			"description": "`Bearer <Supabase access token>`"},
	}
	defs := doc["definitions"].(map[string]any)
	defs["ErrorEnvelope"] = map[string]any{
		"type": "object", "required": []string{"success", "error"},
		"properties": map[string]any{
			"success": map[string]any{"type": "boolean", "enum": []bool{false}},
			"error": map[string]any{
				"type": "object", "required": []string{"code", "message", "details", "request_id"},
				"properties": map[string]any{
					"code":    map[string]any{"type": "string", "enum": contractCodes()},
					"message": map[string]any{"type": "string"},
					"details": map[string]any{"type": "array", "items": map[string]any{
						"type": "object", "properties": map[string]any{
							"field": map[string]any{"type": "string"}, "issue": map[string]any{"type": "string"}}}},
					"request_id": map[string]any{"type": "string"},
				},
			},
		},
	}
	defs["v1StripeWebhookResponse"] = map[string]any{"type": "object", "properties": map[string]any{
		"data": map[string]any{"type": "object", "properties": map[string]any{
			"received": map[string]any{"type": "boolean"}, "duplicate": map[string]any{"type": "boolean"}}}}}
	defs["OperationalStatus"] = map[string]any{"type": "object", "properties": map[string]any{
		"data": map[string]any{"type": "object", "properties": map[string]any{"status": map[string]any{"type": "string"}}}}}
	// The success envelope: every response message gains `success: true`.
	for name, def := range defs {
		if !strings.HasSuffix(name, "Response") && name != "OperationalStatus" {
			continue
		}
		props, _ := def.(map[string]any)["properties"].(map[string]any)
		if props == nil {
			continue
		}
		props["success"] = map[string]any{"type": "boolean", "enum": []bool{true}}
		def.(map[string]any)["required"] = []string{"success"}
	}
	delete(defs, "v1NoContent")

	paths := doc["paths"].(map[string]any)
	paths[stripeWebhookPath] = map[string]any{"post": map[string]any{
		"summary":     "Stripe webhook: the raw body, verified with the Stripe-Signature header",
		"operationId": "BillingService_StripeWebhook",
		"tags":        []string{"BillingService"},
		"parameters": []any{
			map[string]any{"name": "Stripe-Signature", "in": "header", "required": true, "type": "string"},
			map[string]any{"name": "body", "in": "body", "required": true, "schema": map[string]any{"type": "object"}},
		},
		"responses": map[string]any{"200": map[string]any{"description": "Event received.",
			"schema": map[string]any{"$ref": "#/definitions/v1StripeWebhookResponse"}}},
	}}
	for _, p := range []struct{ path, summary string }{
		{"/healthz", "The gateway process is alive."},
		{"/readyz", "Every backend's gRPC health service answers SERVING."},
	} {
		paths[p.path] = map[string]any{"get": map[string]any{
			"summary": p.summary, "operationId": "Operations_" + p.path[1:], "tags": []string{"Operations"},
			"responses": map[string]any{"200": map[string]any{"description": p.summary,
				"schema": map[string]any{"$ref": "#/definitions/OperationalStatus"}}},
		}}
	}

	public := map[string]bool{"BillingService_ListPlans": true, "BillingService_StripeWebhook": true,
		"Operations_healthz": true, "Operations_readyz": true}
	successStatus := map[string]string{"ResourceService_CreateResource": "201",
		"AnalysisService_CreateAnalysis": "202", "ResourceService_DeleteResource": "204"}
	tags := map[string]bool{}
	for _, item := range paths {
		for _, op := range item.(map[string]any) {
			op := op.(map[string]any)
			id, _ := op["operationId"].(string)
			switch ts := op["tags"].(type) {
			case []string:
				for _, t := range ts {
					tags[t] = true
				}
			case []any:
				for _, t := range ts {
					tags[t.(string)] = true
				}
			}
			responses := op["responses"].(map[string]any)
			if code, ok := successStatus[id]; ok {
				ok200 := responses["200"].(map[string]any)
				delete(responses, "200")
				if code == "204" {
					responses[code] = map[string]any{"description": "Deleted; no body."}
				} else {
					ok200["description"] = map[string]string{"201": "Created.", "202": "Accepted: queued."}[code]
					responses[code] = ok200
				}
			}
			errorRef := map[string]any{"$ref": "#/definitions/ErrorEnvelope"}
			errs := map[string]string{
				"400": "VALIDATION_ERROR: a bad field, parameter or body; `details` lists each.",
				"404": "NOT_FOUND: unknown route, or a row that is missing or another user's.",
				"413": "PAYLOAD_TOO_LARGE: body over 1 MiB.",
				"429": "RATE_LIMITED: see Retry-After and X-RateLimit-*.",
				"500": "INTERNAL.",
				"503": "UNAVAILABLE: a dependency is down or not configured.",
				"504": "DEADLINE_EXCEEDED.",
			}
			if !public[id] {
				errs["401"] = "UNAUTHENTICATED: missing or invalid bearer token."
				op["security"] = []any{map[string]any{"bearer": []string{}}}
			} else {
				op["security"] = []any{}
			}
			if id == "AnalysisService_CreateAnalysis" {
				errs["402"] = "INSUFFICIENT_CREDITS."
				errs["409"] = "CONFLICT: an analysis is already queued or running for this resource."
			}
			for code, desc := range errs {
				if _, exists := responses[code]; !exists {
					responses[code] = map[string]any{"description": desc, "schema": errorRef}
				}
			}
			if op["summary"] == nil {
				op["summary"] = sentenceFromOperationID(id)
			}
		}
	}
	dropRefSiblings(doc)
	var tagList []any
	names := make([]string, 0, len(tags))
	for t := range tags {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		tagList = append(tagList, map[string]any{"name": t, "description": t + " routes."})
	}
	doc["tags"] = tagList
	return json.Marshal(doc)
}

func contractCodes() []string {
	codes := make([]string, 0, len(httpStatusOf))
	for c := range httpStatusOf {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// OpenAPIDocument is the document /openapi.json serves.
func OpenAPIDocument() ([]byte, error) { return buildOpenAPI() }

// dropRefSiblings removes keys the generator writes next to a $ref, which
// OpenAPI 2.0 ignores (and linters flag).
func dropRefSiblings(node any) {
	switch n := node.(type) {
	case map[string]any:
		if _, ok := n["$ref"]; ok {
			for k := range n {
				if k != "$ref" {
					delete(n, k)
				}
			}
			return
		}
		for _, v := range n {
			dropRefSiblings(v)
		}
	case []any:
		for _, v := range n {
			dropRefSiblings(v)
		}
	}
}

// sentenceFromOperationID turns "ProfileService_GetMyProfile" into
// "Get my profile" for operations whose RPC has no comment.
func sentenceFromOperationID(id string) string {
	name := id[strings.LastIndex(id, "_")+1:]
	var words []string
	start := 0
	for i := 1; i <= len(name); i++ {
		if i == len(name) || (name[i] >= 'A' && name[i] <= 'Z') {
			words = append(words, strings.ToLower(name[start:i]))
			start = i
		}
	}
	if len(words) == 0 {
		return id
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ")
}
