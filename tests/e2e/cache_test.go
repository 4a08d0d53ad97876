package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func redisCLI(t *testing.T, args ...string) string {
	t.Helper()
	return redisCLIURL(t, os.Getenv("PLINTH_TEST_REDIS_URL"), args...)
}

func redisCLIURL(t *testing.T, url string, args ...string) string {
	t.Helper()
	out, err := exec.Command("redis-cli", append([]string{"-u", url}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Reads are served from Redis for 5 minutes; a PATCH replaces the entry.
func TestProfileCache(t *testing.T) {
	u := newUser()
	key := "plinth:profile:v1:" + u.id
	first := do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	if first.status != 200 {
		t.Fatalf("GET: %d", first.status)
	}
	if ttl := redisCLI(t, "ttl", key); ttl == "-2" || ttl == "-1" {
		t.Fatalf("no cache entry with a TTL after the first read (ttl %s)", ttl)
	} else if n := mustFloat(ttl); n < 290 || n > 300 {
		t.Fatalf("TTL %s, want ~300", ttl)
	}
	// A change behind the service's back is not seen while cached...
	psql(t, "update profiles set full_name = 'changed in SQL' where id = '"+u.id+"'")
	if got := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data()["full_name"]; got != nil {
		t.Fatalf("read did not come from the cache: full_name %v", got)
	}
	// ...a write through the service replaces the entry.
	do(t, "PATCH", "/api/v1/profiles/me", u.token, map[string]any{"avatar_url": "https://cdn.example.com/x.png"})
	got := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data()
	if got["avatar_url"] != "https://cdn.example.com/x.png" || got["full_name"] != "changed in SQL" {
		t.Fatalf("after PATCH the cached profile is stale: %v", got)
	}
	// Without the entry the service reads PostgreSQL again.
	redisCLI(t, "del", key)
	psql(t, "update profiles set full_name = 'second' where id = '"+u.id+"'")
	if got := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data()["full_name"]; got != "second" {
		t.Fatalf("after eviction: %v", got)
	}
}
