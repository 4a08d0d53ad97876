package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// 101 requests in a minute from one user, spread over two gateway replicas
// sharing Redis: exactly the 101st is refused.
func TestUserRateLimitIsSharedAcrossReplicas(t *testing.T) {
	u := newUser()
	for i := 1; i <= 101; i++ {
		base := extraGateways[i%2]
		r := doAt(t, base, "GET", "/api/v1/profiles/me", u.token, nil)
		if i <= 100 {
			if r.status != 200 {
				t.Fatalf("request %d: %d %s", i, r.status, r.raw)
			}
			if got := r.header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(100-i) {
				t.Fatalf("request %d: X-RateLimit-Remaining %q", i, got)
			}
			continue
		}
		expectError(t, r, 429, "RATE_LIMITED")
		if r.header.Get("X-RateLimit-Limit") != "100" || r.header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("429 headers: %v", r.header)
		}
		retry, err := strconv.Atoi(r.header.Get("Retry-After"))
		if err != nil || retry < 1 || retry > 60 {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
		reset, _ := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
		if now := time.Now().Unix(); reset < now || reset > now+61 {
			t.Errorf("X-RateLimit-Reset %d not within the window", reset)
		}
	}
	// Another user is not affected.
	if r := doAt(t, extraGateways[0], "GET", "/api/v1/profiles/me", newUser().token, nil); r.status != 200 {
		t.Errorf("other user: %d", r.status)
	}
}

// Concurrent requests of one user are counted in batches, a key many times
// in one batch: each still gets its own count. Of 130 at once over two
// replicas, exactly 100 pass, with every remaining count from 99 to 0 once.
func TestConcurrentRequestsAreEachCountedOnce(t *testing.T) {
	u := newUser()
	const n = 130
	type answer struct {
		status    int
		remaining string
	}
	answers := make(chan answer, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := doAt(t, extraGateways[i%2], "GET", "/api/v1/profiles/me", u.token, nil)
			answers <- answer{r.status, r.header.Get("X-RateLimit-Remaining")}
		}(i)
	}
	wg.Wait()
	close(answers)
	seen := map[string]bool{}
	passed, limited := 0, 0
	for a := range answers {
		switch a.status {
		case 200:
			passed++
			if seen[a.remaining] {
				t.Errorf("X-RateLimit-Remaining %s given twice", a.remaining)
			}
			seen[a.remaining] = true
		case 429:
			limited++
		default:
			t.Errorf("status %d", a.status)
		}
	}
	if passed != 100 || limited != n-100 {
		t.Fatalf("%d passed, %d limited; want 100 and %d", passed, limited, n-100)
	}
	for i := 0; i < 100; i++ {
		if !seen[strconv.Itoa(i)] {
			t.Errorf("no request saw X-RateLimit-Remaining %d", i)
		}
	}
}

// Anonymous callers (no or unverifiable token) are limited per IP at 20.
// A forged token does not count against the user it names.
func TestAnonymousRateLimitPerIP(t *testing.T) {
	victim := newUser()
	forged := signToken(map[string]any{"alg": "HS256", "typ": "JWT"}, claimsFor(victim.id, victim.email), "not-the-secret-not-the-secret-not-the-secret")
	for i := 1; i <= 21; i++ {
		r := doAt(t, extraGateways[i%2], "GET", "/api/v1/profiles/me", forged, nil)
		if i <= 20 {
			expectError(t, r, 401, "UNAUTHENTICATED")
			continue
		}
		expectError(t, r, 429, "RATE_LIMITED")
		if r.header.Get("X-RateLimit-Limit") != "20" {
			t.Errorf("anonymous limit header %q", r.header.Get("X-RateLimit-Limit"))
		}
	}
	if r := doAt(t, extraGateways[0], "GET", "/api/v1/profiles/me", victim.token, nil); r.status != 200 {
		t.Errorf("the user named by forged tokens was throttled: %d", r.status)
	}
	// Operational routes are not limited.
	if r := doAt(t, extraGateways[0], "GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("/healthz: %d", r.status)
	}
}

func TestRedisDownFailsOpenAndWarnsOnce(t *testing.T) {
	noRedis := extraGateways[2]
	u := newUser()
	for i := 0; i < 5; i++ {
		if r := doAt(t, noRedis, "GET", "/api/v1/profiles/me", u.token, nil); r.status != 200 {
			t.Fatalf("request %d with Redis down: %d %s", i, r.status, r.raw)
		}
	}
	logs, _ := os.ReadFile(filepath.Join(logDir, "gateway-no-redis.log"))
	if n := strings.Count(string(logs), "rate limiter: Redis unavailable"); n != 1 {
		t.Errorf("warned %d times, want once per interval", n)
	}
}

func TestCORS(t *testing.T) {
	pre := do(t, "OPTIONS", "/api/v1/resources", "", nil,
		"Origin", "https://app.example.com", "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "authorization, content-type, x-request-id")
	if pre.status != 204 || pre.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("preflight: %d %v", pre.status, pre.header)
	}
	for _, want := range []string{"Authorization", "X-Request-Id", "Content-Type"} {
		if !strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), want) {
			t.Errorf("Allow-Headers lacks %s", want)
		}
	}
	if !strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "PATCH") {
		t.Errorf("Allow-Methods: %q", pre.header.Get("Access-Control-Allow-Methods"))
	}
	expectError(t, do(t, "OPTIONS", "/api/v1/resources", "", nil,
		"Origin", "https://evil.example", "Access-Control-Request-Method", "GET"), 403, "FORBIDDEN")

	u := newUser()
	r := do(t, "GET", "/api/v1/profiles/me", u.token, nil, "Origin", "http://localhost:3000")
	if r.header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Errorf("actual request: ACAO %q", r.header.Get("Access-Control-Allow-Origin"))
	}
	exposed := r.header.Get("Access-Control-Expose-Headers")
	for _, want := range []string{"X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"} {
		if !strings.Contains(exposed, want) {
			t.Errorf("Expose-Headers lacks %s: %q", want, exposed)
		}
	}
	if r := do(t, "GET", "/api/v1/profiles/me", u.token, nil, "Origin", "https://evil.example"); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("disallowed origin got ACAO %q", r.header.Get("Access-Control-Allow-Origin"))
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	u := newUser()
	for _, r := range []response{
		do(t, "GET", "/api/v1/profiles/me", u.token, nil),
		do(t, "GET", "/api/v1/nope", "", nil),
		do(t, "GET", "/healthz", "", nil),
	} {
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
			"Cache-Control": "no-store",
		} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("CSP %q", r.header.Get("Content-Security-Policy"))
		}
	}
}
