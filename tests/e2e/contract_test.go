package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The served document is the committed one (clients/typescript/openapi.json,
// regenerated from the protos by clients/generate.sh), OpenAPI 3.1.
func TestOpenAPIDocumentIsTheCommittedOne(t *testing.T) {
	resp, err := http.Get(baseURL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var served, committed map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&served); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "clients/typescript/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &committed); err != nil {
		t.Fatal(err)
	}
	if served["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", served["openapi"])
	}
	a, _ := json.Marshal(served)
	b, _ := json.Marshal(committed)
	if string(a) != string(b) {
		t.Fatal("the gateway serves a different document than clients/typescript/openapi.json: run clients/generate.sh")
	}
}

// A known path with a method it does not serve is a 405 naming the ones it does.
func TestUndeclaredMethodIs405WithAllow(t *testing.T) {
	u := newUser()
	for path, allow := range map[string]string{
		"/api/v1/resources":                            "GET, POST",
		"/api/v1/resources/" + newUUID():               "DELETE, GET, PATCH",
		"/api/v1/webhooks/stripe":                      "POST",
		"/healthz":                                     "GET",
		"/api/v1/resources/" + newUUID() + "/analyses": "GET, POST",
	} {
		r := do(t, "PUT", path, u.token, map[string]any{})
		expectError(t, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
		if got := r.header.Get("Allow"); got != allow {
			t.Errorf("PUT %s: Allow = %q, want %q", path, got, allow)
		}
	}
	expectError(t, do(t, "PUT", "/api/v1/nothing-here", u.token, nil), http.StatusNotFound, "NOT_FOUND")
}

// Schemathesis (PLINTH_SCHEMATHESIS: its `st` command; ./plinth test
// installs it) against the live gateway with a valid token: every operation,
// every check, the examples, coverage, fuzzing and stateful phases, a fixed
// seed (PLINTH_SCHEMATHESIS_SEED to explore others) and a bounded number of
// examples (tests/contract/schemathesis.toml). Zero failures.
func TestSchemathesisFindsNoFailure(t *testing.T) {
	st := os.Getenv("PLINTH_SCHEMATHESIS")
	if st == "" {
		t.Skip("PLINTH_SCHEMATHESIS is not set (./plinth test sets it)")
	}
	u := newUser()
	// Credits enough for every generated analysis: running out (402) is
	// documented, but would make valid requests fail the acceptance check.
	if r := do(t, "GET", "/api/v1/profiles/me", u.token, nil); r.status != http.StatusOK {
		t.Fatalf("profile: %d %s", r.status, r.raw)
	}
	psql(t, "update billing_accounts set credits_remaining = 1000000 where user_id = '"+u.id+"'")
	seed := os.Getenv("PLINTH_SCHEMATHESIS_SEED")
	if seed == "" {
		seed = "20261125"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, st, "--config-file", filepath.Join(root, "tests/contract/schemathesis.toml"),
		"run", baseURL+"/openapi.json", "--url", baseURL,
		"-H", "Authorization: Bearer "+u.token,
		"--phases", "examples,coverage,fuzzing,stateful",
		"--seed", seed, "--workers", "2", "--no-color")
	cmd.Env = append(os.Environ(), "SCHEMATHESIS_HOOKS=")
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil || !strings.Contains(text, " passed") || strings.Contains(text, "failure") {
		t.Fatalf("schemathesis (seed %s): %v\n%s", seed, err, text)
	}
	t.Log(lastLines(text, 12))
}

// The TypeScript client (clients/typescript, PLINTH_TS_CLIENT=1 once its
// packages are installed) type-checks and its example runs against the stack.
func TestTypeScriptClientExample(t *testing.T) {
	if os.Getenv("PLINTH_TS_CLIENT") == "" {
		t.Skip("PLINTH_TS_CLIENT is not set (./plinth test sets it)")
	}
	u := newUser()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "run", "--silent", "example")
	cmd.Dir = filepath.Join(root, "clients/typescript")
	cmd.Env = append(os.Environ(), "PLINTH_API_URL="+baseURL, "PLINTH_TOKEN="+u.token)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("clients/typescript example: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "example: ok") {
		t.Fatalf("the example did not finish:\n%s", out)
	}
	// What it created is really there, under that user.
	if n := psql(t, "select count(*) from resources where user_id = '"+u.id+"'"); strings.TrimSpace(n) != "1" {
		t.Fatalf("resources created by the example: %s, want 1", n)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
