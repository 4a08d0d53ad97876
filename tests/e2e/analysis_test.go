package e2e

import (
	"strings"
	"sync"
	"testing"
)

func createAnalysis(t *testing.T, u user, resourceID string, body any) response {
	t.Helper()
	return do(t, "POST", "/api/v1/resources/"+resourceID+"/analyses", u.token, body)
}

func credits(t *testing.T, u user) string {
	return psql(t, "select credits_remaining from billing_accounts where user_id = '"+u.id+"'")
}

func TestAnalysisIsQueuedAndChargesOneCredit(t *testing.T) {
	u := newUser()
	// The provider takes 3 s, so the analysis is still active for the 409.
	res := createResource(t, u, map[string]any{"title": "to analyse", "content": "Some text. [fake-delay:3000]"})
	r := createAnalysis(t, u, res["id"].(string), nil)
	if r.status != 202 {
		t.Fatalf("POST analyses: %d %s", r.status, r.raw)
	}
	a := r.data()
	if a["status"] != "queued" || a["resource_id"] != res["id"] || a["attempts"] != float64(0) ||
		a["output"] != nil || a["started_at"] != nil || !strings.HasPrefix(a["prompt"].(string), "Summarise") {
		t.Fatalf("analysis: %v", a)
	}
	if usage := a["usage"].(map[string]any); usage["input_tokens"] != float64(0) {
		t.Fatalf("usage: %v", usage)
	}
	if c := credits(t, u); c != "9" {
		t.Fatalf("credits %s, want 9", c)
	}
	// A second one while the first is queued: 409, no credit taken.
	expectError(t, createAnalysis(t, u, res["id"].(string), map[string]any{"prompt": "again"}), 409, "CONFLICT")
	if c := credits(t, u); c != "9" {
		t.Fatalf("credits after 409: %s", c)
	}
	got := do(t, "GET", "/api/v1/analyses/"+a["id"].(string), u.token, nil)
	if got.status != 200 || got.data()["id"] != a["id"] {
		t.Fatalf("GET analysis: %d %s", got.status, got.raw)
	}
	list := do(t, "GET", "/api/v1/resources/"+res["id"].(string)+"/analyses", u.token, nil)
	if list.status != 200 || len(list.body["data"].([]any)) != 1 || list.body["meta"].(map[string]any)["total"] != float64(1) {
		t.Fatalf("list: %d %s", list.status, list.raw)
	}
}

func TestAnalysisErrors(t *testing.T) {
	a, b := newUser(), newUser()
	res := createResource(t, a, map[string]any{"title": "A's"})
	id := res["id"].(string)
	// Another user's resource, or none: 404, and no credit taken from the caller.
	do(t, "GET", "/api/v1/profiles/me", b.token, nil)
	expectError(t, createAnalysis(t, b, id, nil), 404, "NOT_FOUND")
	expectError(t, createAnalysis(t, b, newUUID(), nil), 404, "NOT_FOUND")
	expectError(t, do(t, "GET", "/api/v1/resources/"+id+"/analyses", b.token, nil), 404, "NOT_FOUND")
	if c := credits(t, b); c != "10" {
		t.Fatalf("B's credits %s after refused requests", c)
	}
	expectError(t, createAnalysis(t, a, "not-a-uuid", nil), 400, "VALIDATION_ERROR")
	r := createAnalysis(t, a, id, map[string]any{"prompt": strings.Repeat("p", 4001)})
	expectError(t, r, 400, "VALIDATION_ERROR")
	if f := r.errorFields(); len(f) == 0 || f[0] != "prompt" {
		t.Errorf("fields %v", f)
	}
	expectError(t, createAnalysis(t, a, id, map[string]any{"prompt": "x", "model": "gpt"}), 400, "VALIDATION_ERROR")
	// No credits left: 402.
	psql(t, "update billing_accounts set credits_remaining = 0 where user_id = '"+a.id+"'")
	expectError(t, createAnalysis(t, a, id, nil), 402, "INSUFFICIENT_CREDITS")
	if n := psql(t, "select count(*) from analyses where resource_id = '"+id+"'"); n != "0" {
		t.Fatalf("analyses recorded without a credit: %s", n)
	}
	// B cannot read A's analysis.
	psql(t, "update billing_accounts set credits_remaining = 1 where user_id = '"+a.id+"'")
	an := createAnalysis(t, a, id, nil).data()
	expectError(t, do(t, "GET", "/api/v1/analyses/"+an["id"].(string), b.token, nil), 404, "NOT_FOUND")
	expectError(t, do(t, "GET", "/api/v1/analyses/"+newUUID(), a.token, nil), 404, "NOT_FOUND")
}

// Concurrent requests for one resource: one analysis, one credit.
func TestConcurrentAnalysisRequestsChargeOnce(t *testing.T) {
	u := newUser()
	id := createResource(t, u, map[string]any{"title": "race", "content": "[fake-delay:3000]"})["id"].(string)
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = createAnalysis(t, u, id, nil).status
		}(i)
	}
	wg.Wait()
	accepted := 0
	for _, s := range statuses {
		switch s {
		case 202:
			accepted++
		case 409:
		default:
			t.Fatalf("statuses %v", statuses)
		}
	}
	if accepted != 1 {
		t.Fatalf("%d accepted, want 1 (%v)", accepted, statuses)
	}
	if c := credits(t, u); c != "9" {
		t.Fatalf("credits %s, want exactly one taken", c)
	}
}
