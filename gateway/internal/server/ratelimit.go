package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"

	"plinth/gateway/internal/contract"
)

// Rate limits of the REST contract, counted in Redis so that every gateway
// replica shares them. Enforced here, at the edge, because only the gateway
// sees anonymous callers and webhooks, and because a request refused here
// costs no backend work. One Lua script makes count + expiry atomic: a fixed
// window that starts with the first request of a key. It counts a whole
// batch of requests (ratecount.go) in one call, each key in turn (a key
// twice in a batch is counted twice, in order): one script call per batch
// instead of one per request cut Redis's CPU per request by about a third.
// Its keys need not share a hash slot: Plinth's Redis is a single primary
// (not Cluster).
var rateLimitScript = redis.NewScript(`
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then
    redis.call('PEXPIRE', key, ARGV[1])
  end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  out[2 * i - 1] = count
  out[2 * i] = ttl
end
return out
`)

type rateLimiter struct {
	counter    *counter
	prefix     string
	window     time.Duration
	user       int64
	anonymous  int64
	webhook    int64
	failOpen   bool
	verifier   *tokenVerifier
	proxyHops  int
	logger     *slog.Logger
	lastWarned atomic.Int64
	// Called with the bucket's scope (user, ip, webhook) for each refusal.
	onLimited func(scope string)
}

// bucket names the counter a request is charged to and its limit.
func (l *rateLimiter) bucket(r *http.Request) (string, int64) {
	ip := clientIP(r, l.proxyHops)
	// The webhook route the protos declare (HandleStripeWebhook's raw_body_post).
	if r.URL.Path == stripeWebhookPath {
		return "webhook:" + ip, l.webhook
	}
	// Only a token that verifies names a user: a forged `sub` must not be
	// able to spend someone else's quota.
	if sub, ok := l.verifier.subject(r.Header.Get("Authorization")); ok {
		return "user:" + sub, l.user
	}
	return "ip:" + ip, l.anonymous
}

func (l *rateLimiter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every request counts but the probes' (kubelet and load balancer
		// polling; /readyz answers from a one-second cache): unknown paths,
		// preflights and /openapi.json cost something too.
		if r.URL.Path == contract.HealthzPath || r.URL.Path == contract.ReadyzPath {
			next.ServeHTTP(w, r)
			return
		}
		key, limit := l.bucket(r)
		count, ttlMs, err := l.counter.count(r.Context(), l.prefix+key)
		if err != nil {
			l.warnRedisDown(r, err)
			if l.failOpen {
				next.ServeHTTP(w, r)
			} else {
				writeError(w, r, http.StatusServiceUnavailable, contract.Unavailable, "rate limiter unavailable", nil)
			}
			return
		}
		ttl := time.Duration(ttlMs) * time.Millisecond
		remaining := limit - count
		if remaining < 0 {
			remaining = 0
		}
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.FormatInt(limit, 10))
		h.Set("X-RateLimit-Remaining", strconv.FormatInt(remaining, 10))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(ttl).Unix(), 10))
		if count > limit {
			if l.onLimited != nil {
				l.onLimited(key[:strings.Index(key, ":")])
			}
			h.Set("Retry-After", strconv.FormatInt(int64((ttl+time.Second-1)/time.Second), 10))
			writeError(w, r, http.StatusTooManyRequests, contract.RateLimited,
				fmt.Sprintf("rate limit of %d requests per %s exceeded", limit, l.window), nil)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// warnRedisDown logs at most once per 30 s.
func (l *rateLimiter) warnRedisDown(r *http.Request, err error) {
	now := time.Now().Unix()
	last := l.lastWarned.Load()
	if now-last >= 30 && l.lastWarned.CompareAndSwap(last, now) {
		msg := "unknown"
		if err != nil {
			msg = err.Error()
		}
		l.logger.WarnContext(r.Context(), "rate limiter: Redis unavailable", "error", msg, "fail_open", l.failOpen)
	}
}

// clientIP is the peer address, or with proxyHops trusted proxies in front
// (an ingress), the address they recorded: X-Forwarded-For's entry that many
// places from the right. Entries further left are client-supplied.
func clientIP(r *http.Request, proxyHops int) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if proxyHops > 0 {
		var hops []string
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					hops = append(hops, p)
				}
			}
		}
		if i := len(hops) - proxyHops; i >= 0 && i < len(hops) && net.ParseIP(hops[i]) != nil {
			return hops[i]
		}
	}
	return host
}

// tokenVerifier checks Supabase tokens the way the services do, only to key
// rate limits; the services remain the authority on authentication.
type tokenVerifier struct {
	secret []byte     // HS256; nil: refused
	jwks   *jwksCache // RS256/ES256; nil: refused
	issuer string
	cache  *subjectCache
}

// keyFor returns the key a token's header asks for; golang-jwt then insists
// the key's type matches the algorithm (no HS256 with a public key).
func (v *tokenVerifier) keyFor(t *jwt.Token) (any, error) {
	switch t.Method.Alg() {
	case "HS256":
		if len(v.secret) == 0 {
			return nil, fmt.Errorf("HS256 not configured")
		}
		return v.secret, nil
	case "RS256", "ES256":
		kid, _ := t.Header["kid"].(string)
		if v.jwks == nil || kid == "" || len(kid) > 256 {
			return nil, fmt.Errorf("no key")
		}
		return v.jwks.key(kid)
	}
	return nil, fmt.Errorf("algorithm not allowed")
}

func (v *tokenVerifier) subject(header string) (string, bool) {
	if v == nil || len(header) < 8 || !strings.EqualFold(header[:7], "Bearer ") || len(header) > maxAuthorizationBytes {
		return "", false
	}
	raw := header[7:]
	sum := sha256.Sum256([]byte(raw))
	cacheKey := hex.EncodeToString(sum[:16])
	if sub, ok := v.cache.get(cacheKey); ok {
		return sub, true
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"HS256", "RS256", "ES256"}), jwt.WithAudience("authenticated"),
		jwt.WithLeeway(30 * time.Second), jwt.WithExpirationRequired(),
	}
	if v.issuer != "" {
		opts = append(opts, jwt.WithIssuer(v.issuer))
	}
	token, err := jwt.Parse(raw, v.keyFor, opts...)
	if err != nil || !token.Valid {
		return "", false
	}
	sub, err := token.Claims.GetSubject()
	if err != nil || len(sub) != 36 {
		return "", false
	}
	exp, _ := token.Claims.GetExpirationTime()
	v.cache.put(cacheKey, strings.ToLower(sub), exp.Time)
	return strings.ToLower(sub), true
}
