package e2e

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestRequestIDIsEchoedOrGenerated(t *testing.T) {
	u := newUser()
	r := do(t, "GET", "/api/v1/profiles/me", u.token, nil, "X-Request-Id", "req-abc.123:x_y")
	if got := r.header.Get("X-Request-Id"); got != "req-abc.123:x_y" {
		t.Errorf("sane id not echoed: %q", got)
	}
	uuidRe := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, bad := range []string{"", "has space", strings.Repeat("a", 129), "<script>"} {
		r := do(t, "GET", "/api/v1/profiles/me", u.token, nil, "X-Request-Id", bad)
		if got := r.header.Get("X-Request-Id"); !uuidRe.MatchString(got) {
			t.Errorf("for %q got id %q, want a fresh UUID", bad, got)
		}
	}
}

func TestRoutingErrors(t *testing.T) {
	u := newUser()
	expectError(t, do(t, "GET", "/api/v1/nope", u.token, nil), 404, "NOT_FOUND")
	expectError(t, do(t, "GET", "/", "", nil), 404, "NOT_FOUND")
	expectError(t, do(t, "DELETE", "/api/v1/profiles/me", u.token, nil), 405, "METHOD_NOT_ALLOWED")
}

func TestBodyLimit(t *testing.T) {
	u := newUser()
	big := `{"full_name": "` + strings.Repeat("a", 1<<20) + `"}`
	expectError(t, do(t, "PATCH", "/api/v1/profiles/me", u.token, big), 413, "PAYLOAD_TOO_LARGE")
}

func TestOperationalRoutes(t *testing.T) {
	if r := do(t, "GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("/healthz %d", r.status)
	}
	if r := do(t, "GET", "/readyz", "", nil); r.status != 200 || r.data()["status"] != "ready" {
		t.Errorf("/readyz %d %s", r.status, r.raw)
	}
	resp, err := http.Get(baseURL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Swagger string                    `json:"swagger"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for path, methods := range map[string][]string{
		"/api/v1/profiles/me":                      {"get", "patch"},
		"/api/v1/resources":                        {"get", "post"},
		"/api/v1/resources/{id}":                   {"get", "patch", "delete"},
		"/api/v1/resources/{resource_id}/analyses": {"get", "post"},
		"/api/v1/analyses/{id}":                    {"get"},
		"/api/v1/billing/plans":                    {"get"},
		"/api/v1/billing/checkout":                 {"post"},
		"/api/v1/billing/portal":                   {"post"},
		"/api/v1/webhooks/stripe":                  {"post"},
	} {
		for _, m := range methods {
			if _, ok := doc.Paths[path][m]; !ok {
				t.Errorf("OpenAPI lacks %s %s", strings.ToUpper(m), path)
			}
		}
	}
}
