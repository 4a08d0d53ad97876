package server

import (
	"encoding/json"
	"fmt"

	"plinth/gateway/gen/openapi"
)

// buildOpenAPI serves the document generated from the protos (OpenAPI 2.0,
// snake_case names), completed with the routes that are not transcoded.
func buildOpenAPI() ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openapi.Spec, &doc); err != nil {
		return nil, fmt.Errorf("generated OpenAPI document: %w", err)
	}
	doc["info"] = map[string]any{
		"title":       "Plinth REST API",
		"version":     "1.0.0",
		"description": "REST/JSON contract served by the Plinth gateway. Errors use the envelope of docs/ERRORS.md.",
	}
	doc["basePath"] = "/"
	paths, _ := doc["paths"].(map[string]any)
	if paths == nil {
		paths = map[string]any{}
		doc["paths"] = paths
	}
	paths["/api/v1/webhooks/stripe"] = map[string]any{
		"post": map[string]any{
			"summary":     "Stripe webhook (raw body, verified with the Stripe-Signature header)",
			"operationId": "BillingService_StripeWebhook",
			"tags":        []string{"BillingService"},
			"consumes":    []string{"application/json"},
			"parameters": []any{
				map[string]any{"name": "Stripe-Signature", "in": "header", "required": true, "type": "string"},
				map[string]any{"name": "body", "in": "body", "required": true, "schema": map[string]any{"type": "object"}},
			},
			"responses": map[string]any{
				"200": map[string]any{"description": "event received", "schema": map[string]any{"$ref": "#/definitions/v1StripeWebhookResponse"}},
				"400": map[string]any{"description": "bad signature or malformed event"},
			},
		},
	}
	for path, summary := range map[string]string{"/healthz": "gateway alive", "/readyz": "every backend SERVING"} {
		paths[path] = map[string]any{"get": map[string]any{
			"summary": summary, "operationId": "Ops_" + path[1:], "tags": []string{"Operations"},
			"responses": map[string]any{"200": map[string]any{"description": summary}},
		}}
	}
	return json.Marshal(doc)
}
