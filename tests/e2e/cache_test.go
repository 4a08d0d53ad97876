package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
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

// The profile service's cache key of a user: plinth:profile:v2:<the
// process's generation>:<user id> (services/profile/profile_cache.h).
func profileCacheKey(t *testing.T, userID string) string {
	t.Helper()
	keys := strings.Fields(redisCLI(t, "--scan", "--pattern", "plinth:profile:v2:*:"+userID))
	if len(keys) != 1 {
		t.Fatalf("cache keys of %s: %v, want one", userID, keys)
	}
	return keys[0]
}

// Reads are served from Redis for 5 minutes; a PATCH replaces the entry.
func TestProfileCache(t *testing.T) {
	u := newUser()
	first := do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	if first.status != 200 {
		t.Fatalf("GET: %d", first.status)
	}
	key := profileCacheKey(t, u.id)
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
	// A change to the account, by billing or by hand, reaches the cache
	// through the database's notification: no other service touches it.
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	psql(t, "update billing_accounts set credits_remaining = 77 where user_id = '"+u.id+"'")
	waitFor(t, 2*time.Second, "the account change in the profile", func() bool {
		return do(t, "GET", "/api/v1/profiles/me", u.token, nil).data()["credits_remaining"] == float64(77)
	})
}
