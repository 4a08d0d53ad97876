package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProfileIsCreatedOnFirstSight(t *testing.T) {
	u := newUser()
	r := do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	if r.status != 200 || r.body["success"] != true {
		t.Fatalf("GET /profiles/me: %d %s", r.status, r.raw)
	}
	d := r.data()
	want := map[string]any{"id": u.id, "email": u.email, "full_name": nil, "avatar_url": nil,
		"subscription_status": "free", "subscription_tier": "free",
		"subscription_current_period_end": nil, "credits_remaining": float64(10),
		"subscription_cancel_at_period_end": false, "subscription_past_due_since": nil}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if _, err := time.Parse(time.RFC3339Nano, d[k].(string)); err != nil {
			t.Errorf("%s not RFC 3339: %v", k, d[k])
		}
	}
	if len(d) != 12 {
		t.Errorf("profile has %d fields, want 12: %s", len(d), r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	// A second read returns the same row, not a new one.
	again := do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	if again.data()["created_at"] != d["created_at"] {
		t.Errorf("second GET changed created_at")
	}
	if n := psql(t, "select count(*) from profiles where id = '"+u.id+"'"); n != "1" {
		t.Errorf("rows for the user: %s", n)
	}
}

func TestProfilePatch(t *testing.T) {
	u := newUser()
	r := do(t, "PATCH", "/api/v1/profiles/me", u.token, map[string]any{"full_name": "Ada Lovelace", "avatar_url": "https://cdn.example.com/ada.png"})
	if r.status != 200 || r.data()["full_name"] != "Ada Lovelace" || r.data()["avatar_url"] != "https://cdn.example.com/ada.png" {
		t.Fatalf("PATCH: %d %s", r.status, r.raw)
	}
	// Only the named field changes; null clears.
	r = do(t, "PATCH", "/api/v1/profiles/me", u.token, `{"avatar_url": null}`)
	if r.status != 200 || r.data()["avatar_url"] != nil || r.data()["full_name"] != "Ada Lovelace" {
		t.Fatalf("PATCH null: %d %s", r.status, r.raw)
	}
	if r.data()["updated_at"] == r.data()["created_at"] {
		t.Errorf("updated_at not bumped")
	}
	got := do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	if got.data()["full_name"] != "Ada Lovelace" || got.data()["avatar_url"] != nil {
		t.Fatalf("GET after PATCH: %s", got.raw)
	}
}

func TestProfilePatchValidation(t *testing.T) {
	u := newUser()
	do(t, "PATCH", "/api/v1/profiles/me", u.token, map[string]any{"full_name": "Before"})
	before := psql(t, "select row_to_json(p)::text from profiles p where id = '"+u.id+"'")
	cases := []struct {
		name, body, field string
	}{
		{"empty body", `{}`, "body"},
		{"email is not editable", `{"email": "evil@example.com"}`, "email"},
		{"credits are not editable", `{"credits_remaining": 1000000}`, "credits_remaining"},
		{"subscription is not editable", `{"subscription_tier": "pro"}`, "subscription_tier"},
		{"unknown key", `{"full_name": "x", "is_admin": true}`, "is_admin"},
		{"name too long", `{"full_name": "` + strings.Repeat("a", 256) + `"}`, "full_name"},
		{"empty name", `{"full_name": ""}`, "full_name"},
		{"control characters", `{"full_name": "a\u0000b"}`, "full_name"},
		{"http avatar", `{"avatar_url": "http://cdn.example.com/a.png"}`, "avatar_url"},
		{"javascript avatar", `{"avatar_url": "javascript:alert(1)"}`, "avatar_url"},
		{"avatar too long", `{"avatar_url": "https://a.com/` + strings.Repeat("x", 2040) + `"}`, "avatar_url"},
		{"wrong type", `{"full_name": 42}`, "body"},
		{"malformed JSON", `{"full_name": `, "body"},
		{"not an object", `[1,2]`, "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, "PATCH", "/api/v1/profiles/me", u.token, c.body)
			expectError(t, r, 400, "VALIDATION_ERROR")
			fields := r.errorFields()
			if len(fields) == 0 || fields[0] != c.field {
				t.Errorf("details fields %v, want %q first: %s", fields, c.field, r.raw)
			}
		})
	}
	if after := psql(t, "select row_to_json(p)::text from profiles p where id = '"+u.id+"'"); after != before {
		t.Errorf("a rejected PATCH changed the row:\n%s\n%s", before, after)
	}
}

func TestProfilePatchBoundariesAndHostileText(t *testing.T) {
	u := newUser()
	for _, name := range []string{
		strings.Repeat("a", 255),
		strings.Repeat("é", 255), // 255 characters, 510 bytes
		"Robert'); DROP TABLE profiles;--",
		`\x00 %s %n $1 ' " ; -- /* */`,
		"日本語 😀 Ünïcödé",
	} {
		r := do(t, "PATCH", "/api/v1/profiles/me", u.token, map[string]any{"full_name": name})
		if r.status != 200 || r.data()["full_name"] != name {
			t.Fatalf("full_name %q: %d %s", name[:min(len(name), 20)], r.status, r.raw)
		}
	}
	if n := psql(t, "select count(*) from information_schema.tables where table_name = 'profiles'"); n != "1" {
		t.Fatalf("profiles table gone")
	}
	url := "https://cdn.example.com/" + strings.Repeat("x", 2048-len("https://cdn.example.com/"))
	if r := do(t, "PATCH", "/api/v1/profiles/me", u.token, map[string]any{"avatar_url": url}); r.status != 200 {
		t.Fatalf("2048-char avatar_url: %d %s", r.status, r.raw)
	}
}

func TestProfileAuthentication(t *testing.T) {
	u := newUser()
	now := time.Now().Unix()
	hs := map[string]any{"alg": "HS256", "typ": "JWT"}
	expired := claimsFor(u.id, u.email)
	expired["exp"] = now - 120
	future := claimsFor(u.id, u.email)
	future["nbf"] = now + 600
	anon := claimsFor(u.id, u.email)
	anon["aud"] = "anon"
	notUUID := claimsFor("' or 1=1 --", u.email)
	valid := tokenFor(u.id, u.email)
	parts := strings.Split(valid, ".")
	cases := map[string]string{
		"wrong secret":     signToken(hs, claimsFor(u.id, u.email), "another-secret-that-is-long-enough-0123456789"),
		"alg none":         b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".",
		"alg HS512 header": signToken(map[string]any{"alg": "HS512"}, claimsFor(u.id, u.email), jwtSecret),
		"expired":          signToken(hs, expired, jwtSecret),
		"not yet valid":    signToken(hs, future, jwtSecret),
		"anon audience":    signToken(hs, anon, jwtSecret),
		"sub not a uuid":   signToken(hs, notUUID, jwtSecret),
		"payload swapped":  parts[0] + "." + b64([]byte(`{"aud":"authenticated","sub":"`+newUUID()+`","exp":9999999999}`)) + "." + parts[2],
		"truncated":        valid[:len(valid)-5],
		"garbage":          "not.a.token",
		"oversized":        strings.Repeat("a", 9000) + "." + parts[1] + "." + parts[2],
	}
	for name, token := range cases {
		t.Run(name, func(t *testing.T) {
			expectError(t, do(t, "GET", "/api/v1/profiles/me", token, nil), 401, "UNAUTHENTICATED")
		})
	}
	t.Run("no header", func(t *testing.T) {
		expectError(t, do(t, "GET", "/api/v1/profiles/me", "", nil), 401, "UNAUTHENTICATED")
	})
	t.Run("basic auth", func(t *testing.T) {
		expectError(t, do(t, "GET", "/api/v1/profiles/me", "", nil, "Authorization", "Basic dXNlcjpwYXNz"), 401, "UNAUTHENTICATED")
	})
	if n := psql(t, "select count(*) from profiles where id = '"+u.id+"'"); n != "0" {
		t.Errorf("a rejected token created a profile")
	}
}

func TestUsersSeeOnlyTheirOwnProfile(t *testing.T) {
	a, b := newUser(), newUser()
	do(t, "PATCH", "/api/v1/profiles/me", a.token, map[string]any{"full_name": "Alice"})
	r := do(t, "GET", "/api/v1/profiles/me", b.token, nil)
	if r.data()["id"] != b.id || r.data()["full_name"] != nil {
		t.Fatalf("user B sees %s", r.raw)
	}
	do(t, "PATCH", "/api/v1/profiles/me", b.token, map[string]any{"full_name": "Bob"})
	if got := do(t, "GET", "/api/v1/profiles/me", a.token, nil).data()["full_name"]; got != "Alice" {
		t.Fatalf("A's name became %v after B's PATCH", got)
	}
	_ = http.StatusOK
}

// The service's access log carries the request id the client sent and the
// client address the gateway saw (X-Forwarded-For).
func TestServiceLogsCarryRequestIDAndClientAddress(t *testing.T) {
	u := newUser()
	id := "trace-" + newUUID()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil, "X-Request-Id", id)
	deadline := time.Now().Add(5 * time.Second)
	for {
		logs, _ := os.ReadFile(filepath.Join(logDir, "profile.log"))
		for _, line := range strings.Split(string(logs), "\n") {
			if strings.Contains(line, `"request_id":"`+id+`"`) && strings.Contains(line, `"msg":"rpc"`) {
				if !strings.Contains(line, `"user_id":"`+u.id+`"`) || !strings.Contains(line, `"forwarded_for":"127.0.0.1"`) {
					t.Fatalf("access line lacks user or client address: %s", line)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no access-log line with request id %s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
