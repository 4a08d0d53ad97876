package e2e

// Operators (CALLER_OPERATOR: app_metadata.plinth_role = "operator"): their
// routes refuse everyone else, they see every user's analyses, retry failed
// ones (never a new charge) and cancel any, and every action is audited in
// an append-only table.

import (
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func operatorToken(sub string) string {
	claims := claimsFor(sub, "op-"+sub[:8]+"@example.com")
	claims["app_metadata"] = map[string]any{"provider": "email", "plinth_role": "operator"}
	return signToken(map[string]any{"alg": "HS256", "typ": "JWT"}, claims, jwtSecret)
}

// operatorRoutes lists the served document's operator operations.
func operatorRoutes(t *testing.T) [][2]string {
	t.Helper()
	resp, err := http.Get(baseURL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc struct {
		Paths map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var routes [][2]string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op["x-plinth-operator"] == true {
				routes = append(routes, [2]string{strings.ToUpper(method), path})
			}
		}
	}
	return routes
}

func TestOperatorRoutesRefuseEveryoneElse(t *testing.T) {
	routes := operatorRoutes(t)
	if len(routes) < 4 {
		t.Fatalf("operator routes in the document: %v", routes)
	}
	u := newUser()
	// A user who wrote plinth_role into user_metadata (which users can set)
	// is still a user.
	claims := claimsFor(u.id, u.email)
	claims["user_metadata"] = map[string]any{"plinth_role": "operator"}
	selfMade := signToken(map[string]any{"alg": "HS256", "typ": "JWT"}, claims, jwtSecret)
	for _, route := range routes {
		var body any
		if route[0] == "POST" {
			body = map[string]any{}
			if strings.Contains(route[1], "/analyses/") {
				body = map[string]any{"ids": []string{newUUID()}}
			}
		}
		for name, token := range map[string]string{"user": u.token, "user_metadata": selfMade} {
			if r := do(t, route[0], route[1], token, body); r.status != 403 || r.errorCode() != "FORBIDDEN" {
				t.Errorf("%s %s as %s: %d %s", route[0], route[1], name, r.status, r.raw)
			}
		}
		if r := do(t, route[0], route[1], "", body); r.status != 401 {
			t.Errorf("%s %s without a token: %d %s", route[0], route[1], r.status, r.raw)
		}
	}
}

// Last hour's failed analyses listed, retried in one action, succeeded,
// with the audit row to show it; the user is never charged twice.
func TestAnOperatorRetriesLastHoursFailedAnalyses(t *testing.T) {
	operator := newUUID()
	op := operatorToken(operator)
	u := newUser()
	marker := "op-retry-" + randomHex(6)
	// The provider refuses the first request for each (a permanent 400), then answers.
	var ids []string
	for i := 0; i < 2; i++ {
		_, id := analyse(t, u, "Fails once. [fake:400,ok] "+marker+"-"+string(rune('a'+i)))
		ids = append(ids, id)
	}
	for _, id := range ids {
		if a := waitTerminal(t, u, id, 15*time.Second); a["status"] != "failed" {
			t.Fatalf("analysis %v", a)
		}
	}
	waitFor(t, 10*time.Second, "the refunds", func() bool { return credits(t, u) == "10" })

	list := do(t, "GET", "/api/v1/operator/analyses?status=failed&max_age_minutes=60&error_contains=TOO+LONG&user_id="+u.id, op, nil)
	if list.status != 200 || list.body["meta"].(map[string]any)["total"] != float64(2) {
		t.Fatalf("list: %d %s", list.status, list.raw)
	}
	for _, item := range list.body["data"].([]any) {
		row := item.(map[string]any)
		if row["user_id"] != u.id || row["analysis"].(map[string]any)["status"] != "failed" {
			t.Fatalf("row %v", row)
		}
	}
	stats := do(t, "GET", "/api/v1/operator/queue", op, nil)
	if stats.status != 200 || stats.data()["failed_last_hour"].(float64) < 2 {
		t.Fatalf("stats: %d %s", stats.status, stats.raw)
	}

	retry := do(t, "POST", "/api/v1/operator/analyses/retry", op, map[string]any{
		"user_id": u.id, "max_age_minutes": 60, "error_contains": "too long", "reason": "provider outage",
	})
	if retry.status != 200 || len(retry.data()["ids"].([]any)) != 2 {
		t.Fatalf("retry: %d %s", retry.status, retry.raw)
	}
	for _, id := range ids {
		if a := waitTerminal(t, u, id, 15*time.Second); a["status"] != "succeeded" {
			t.Fatalf("after the retry: %v", a)
		}
	}
	if c := credits(t, u); c != "10" {
		t.Fatalf("credits %s after the retried analyses succeeded: a retry is never a new charge", c)
	}
	// int64: a string in JSON, as every 64-bit integer of the API.
	auditID, _ := retry.data()["audit_id"].(string)
	if _, err := strconv.ParseInt(auditID, 10, 64); err != nil {
		t.Fatalf("audit_id %q", auditID)
	}
	row := psql(t, "select operator_id || '|' || action || '|' || cardinality(targets) || '|' || reason || '|' || (request->>'user_id') "+
		"from operator_audit where id = "+auditID)
	if row != operator+"|retry|2|provider outage|"+u.id {
		t.Fatalf("audit row %q", row)
	}
	// Idempotent: nothing failed is left to retry.
	again := do(t, "POST", "/api/v1/operator/analyses/retry", op, map[string]any{"ids": ids})
	if again.status != 200 || len(again.data()["ids"].([]any)) != 0 {
		t.Fatalf("a second retry: %d %s", again.status, again.raw)
	}
	// The audit table is append-only, for its owner too.
	for _, sql := range []string{"update operator_audit set reason = 'x'", "delete from operator_audit", "truncate operator_audit"} {
		if out, err := exec.Command("psql", databaseURL, "-XAtqc", sql).CombinedOutput(); err == nil ||
			!strings.Contains(string(out), "append-only") {
			t.Errorf("%s: %v %s", sql, err, out)
		}
	}
}

func TestAnOperatorCancelsAnotherUsersAnalysis(t *testing.T) {
	op := operatorToken(newUUID())
	u := newUser()
	_, id := analyse(t, u, "Runaway. [fake-pace:800] op-cancel-"+randomHex(6))
	waitFor(t, 10*time.Second, "the analysis to run", func() bool {
		return do(t, "GET", "/api/v1/analyses/"+id, u.token, nil).data()["status"] == "running"
	})
	r := do(t, "POST", "/api/v1/operator/analyses/cancel", op, map[string]any{"ids": []string{id}, "reason": "runaway"})
	if r.status != 200 || len(r.data()["ids"].([]any)) != 1 {
		t.Fatalf("cancel: %d %s", r.status, r.raw)
	}
	if st := do(t, "GET", "/api/v1/analyses/"+id, u.token, nil).data()["status"]; st != "cancelled" {
		t.Fatalf("status %v", st)
	}
	if n := psql(t, "select count(*) from operator_audit where action = 'cancel' and '"+id+"' = any(targets)"); n != "1" {
		t.Fatalf("audit rows %s", n)
	}
	expectError(t, do(t, "POST", "/api/v1/operator/analyses/cancel", op, map[string]any{"ids": []string{"nope"}}), 400, "VALIDATION_ERROR")
}
