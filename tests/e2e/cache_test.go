package e2e

import (
	"testing"
	"time"
)

// The profile service's cache reads so far (services/profile/profile_cache.h).
func profileCacheReads(t *testing.T) (hits, misses float64) {
	t.Helper()
	m := scrape(t, "profile")
	return sample(m, `plinth_profile_cache_reads_total{result="hit"}`), sample(m, `plinth_profile_cache_reads_total{result="miss"}`)
}

func fullName(t *testing.T, u user) any {
	t.Helper()
	r := do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	if r.status != 200 {
		t.Fatalf("GET /profiles/me: %d %s", r.status, r.body)
	}
	return r.data()["full_name"]
}

// Reads are answered from the profile service's memory; every committed
// change, whoever made it, reaches it through the database's notification.
func TestProfileCache(t *testing.T) {
	u := newUser()
	hits0, misses0 := profileCacheReads(t)
	fullName(t, u)
	fullName(t, u)
	fullName(t, u)
	hits, misses := profileCacheReads(t)
	// Other tests run in parallel: at least this test's own reads.
	if misses-misses0 < 1 || hits-hits0 < 2 {
		t.Fatalf("three reads: %v hits, %v misses; want the first a miss and two hits", hits-hits0, misses-misses0)
	}
	// A change behind the service's back (SQL) is seen as soon as its
	// notification arrives...
	psql(t, "update profiles set full_name = 'changed in SQL' where id = '"+u.id+"'")
	waitFor(t, 2*time.Second, "the SQL change in the profile", func() bool { return fullName(t, u) == "changed in SQL" })
	// ...a write through the service is read back at once...
	if r := do(t, "PATCH", "/api/v1/profiles/me", u.token, map[string]any{"full_name": "patched"}); r.status != 200 {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	if got := fullName(t, u); got != "patched" {
		t.Fatalf("read after own write: full_name %v, want patched", got)
	}
	// ...and so is a change to the account, by billing or by hand.
	psql(t, "update billing_accounts set credits_remaining = 77 where user_id = '"+u.id+"'")
	waitFor(t, 2*time.Second, "the account change in the profile", func() bool {
		return do(t, "GET", "/api/v1/profiles/me", u.token, nil).data()["credits_remaining"] == float64(77)
	})
}

// Notifications sent while the service's listener is disconnected are lost:
// nothing is served from memory until it is back, and then the cache starts
// empty, so a change made meanwhile is not hidden.
func TestProfileCacheSurvivesALostListener(t *testing.T) {
	u := newUser()
	fullName(t, u)
	fullName(t, u) // cached
	listener := `select pid from pg_stat_activity where query ilike 'listen%plinth_profile_changed%'`
	if pid := psql(t, listener); pid == "" {
		t.Fatalf("no listener connection found")
	}
	psql(t, "select pg_terminate_backend(pid) from ("+listener+") l")
	psql(t, "update profiles set full_name = 'while nobody listened' where id = '"+u.id+"'")
	waitFor(t, 10*time.Second, "the change made while the listener was down", func() bool {
		return fullName(t, u) == "while nobody listened"
	})
	// Listening again: reads are cached again.
	waitFor(t, 10*time.Second, "the listener back", func() bool { return psql(t, listener) != "" })
	fullName(t, u)
	hits0, _ := profileCacheReads(t)
	fullName(t, u)
	if hits, _ := profileCacheReads(t); hits <= hits0 {
		t.Fatalf("no cache hit after the listener came back")
	}
}
