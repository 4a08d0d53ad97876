package server

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Config is read from the environment; every error names its variable.
type Config struct {
	HTTPAddr string
	// The admin address of /metrics (not the API port).
	MetricsAddr string
	// Where each backend service is, by its full name (backends.go).
	Backends     map[protoreflect.FullName]string
	MaxBodyBytes int64
	// Bodies buffered at once, all requests together, and open connections:
	// what one client can make the gateway hold.
	MaxInflightBodyBytes int64
	MaxConnections       int64
	RequestTimeout       time.Duration
	DrainTimeout         time.Duration
	// Server-Sent Event streams (events.go): open at once, in all and per
	// user; a heartbeat comment every StreamHeartbeat; closed after
	// StreamIdleTimeout without an event.
	MaxStreams        int64
	MaxStreamsPerUser int64
	StreamHeartbeat   time.Duration
	StreamIdleTimeout time.Duration

	CORSOrigins string

	// Rate limits (off when RedisURL is empty).
	RedisURL          string
	JWTSecret         string
	JWTIssuer         string
	JWKSURL           string
	RateLimitUser     int64
	RateLimitAnon     int64
	RateLimitWebhook  int64
	RateLimitWindow   time.Duration
	RateLimitFailOpen bool
	RateLimitPrefix   string
	TrustedProxyHops  int
}

func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var cfg Config
	var err error
	if cfg.HTTPAddr, err = hostPort(getenv, "PLINTH_HTTP_ADDR", "127.0.0.1:8080"); err != nil {
		return cfg, err
	}
	if cfg.MetricsAddr, err = hostPort(getenv, "PLINTH_METRICS_ADDR", "127.0.0.1:9100"); err != nil {
		return cfg, err
	}
	if cfg.Backends, err = backendAddresses(getenv); err != nil {
		return cfg, err
	}
	if cfg.MaxBodyBytes, err = integer(getenv, "PLINTH_MAX_BODY_BYTES", 1<<20, 1024, 64<<20); err != nil {
		return cfg, err
	}
	if cfg.MaxInflightBodyBytes, err = integer(getenv, "PLINTH_MAX_INFLIGHT_BODY_BYTES", 32<<20, cfg.MaxBodyBytes, 1<<30); err != nil {
		return cfg, err
	}
	if cfg.MaxConnections, err = integer(getenv, "PLINTH_MAX_CONNECTIONS", 2048, 16, 1000000); err != nil {
		return cfg, err
	}
	ms, err := integer(getenv, "PLINTH_REQUEST_TIMEOUT_MS", 10000, 100, 600000)
	if err != nil {
		return cfg, err
	}
	cfg.RequestTimeout = time.Duration(ms) * time.Millisecond
	secs, err := integer(getenv, "PLINTH_DRAIN_TIMEOUT_S", 20, 0, 3600)
	if err != nil {
		return cfg, err
	}
	cfg.DrainTimeout = time.Duration(secs) * time.Second
	if cfg.MaxStreams, err = integer(getenv, "PLINTH_MAX_STREAMS", cfg.MaxConnections/2, 1, cfg.MaxConnections); err != nil {
		return cfg, err
	}
	if cfg.MaxStreamsPerUser, err = integer(getenv, "PLINTH_MAX_STREAMS_PER_USER", 8, 1, 100000); err != nil {
		return cfg, err
	}
	if secs, err = integer(getenv, "PLINTH_STREAM_HEARTBEAT_S", 15, 1, 3600); err != nil {
		return cfg, err
	}
	cfg.StreamHeartbeat = time.Duration(secs) * time.Second
	if secs, err = integer(getenv, "PLINTH_STREAM_IDLE_TIMEOUT_S", 300, 1, 86400); err != nil {
		return cfg, err
	}
	cfg.StreamIdleTimeout = time.Duration(secs) * time.Second

	cfg.CORSOrigins = getenv("PLINTH_CORS_ORIGINS")
	if cfg.CORSOrigins == "" {
		cfg.CORSOrigins = "http://localhost:3000"
	}
	for _, o := range strings.Split(cfg.CORSOrigins, ",") {
		o = strings.TrimSpace(o)
		if u, err := url.Parse(o); o != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/")) {
			return cfg, fmt.Errorf("configuration PLINTH_CORS_ORIGINS: %q is not an origin like https://app.example.com", o)
		}
	}

	cfg.RedisURL = getenv("REDIS_URL")
	if cfg.RedisURL != "" {
		if _, err := redis.ParseURL(cfg.RedisURL); err != nil {
			return cfg, fmt.Errorf("configuration REDIS_URL: %v", err)
		}
		cfg.JWTSecret = getenv("SUPABASE_JWT_SECRET")
		cfg.JWKSURL = getenv("SUPABASE_JWKS_URL")
		if cfg.JWKSURL != "" {
			if u, err := url.Parse(cfg.JWKSURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return cfg, fmt.Errorf("configuration SUPABASE_JWKS_URL: %q is not an http(s) URL", cfg.JWKSURL)
			}
		}
		if (cfg.JWTSecret != "" || cfg.JWKSURL == "") && len(cfg.JWTSecret) < 32 {
			return cfg, fmt.Errorf("configuration SUPABASE_JWT_SECRET: required (at least 32 bytes) unless SUPABASE_JWKS_URL is set, to key rate limits by user")
		}
	}
	cfg.JWTIssuer = getenv("SUPABASE_JWT_ISSUER")
	if cfg.RateLimitUser, err = integer(getenv, "PLINTH_RATE_LIMIT_USER", 100, 1, 1000000); err != nil {
		return cfg, err
	}
	if cfg.RateLimitAnon, err = integer(getenv, "PLINTH_RATE_LIMIT_ANON", 20, 1, 1000000); err != nil {
		return cfg, err
	}
	if cfg.RateLimitWebhook, err = integer(getenv, "PLINTH_RATE_LIMIT_WEBHOOK", 1000, 1, 1000000); err != nil {
		return cfg, err
	}
	window, err := integer(getenv, "PLINTH_RATE_LIMIT_WINDOW_S", 60, 1, 86400)
	if err != nil {
		return cfg, err
	}
	cfg.RateLimitWindow = time.Duration(window) * time.Second
	switch v := getenv("PLINTH_RATE_LIMIT_FAIL_OPEN"); v {
	case "", "true", "1":
		cfg.RateLimitFailOpen = true
	case "false", "0":
		cfg.RateLimitFailOpen = false
	default:
		return cfg, fmt.Errorf("configuration PLINTH_RATE_LIMIT_FAIL_OPEN: want true or false, got %q", v)
	}
	cfg.RateLimitPrefix = getenv("PLINTH_RATE_LIMIT_PREFIX")
	if cfg.RateLimitPrefix == "" {
		cfg.RateLimitPrefix = "plinth:rl:"
	}
	hops, err := integer(getenv, "PLINTH_TRUSTED_PROXY_HOPS", 0, 0, 10)
	if err != nil {
		return cfg, err
	}
	cfg.TrustedProxyHops = int(hops)
	return cfg, nil
}

func hostPort(getenv func(string) string, name, fallback string) (string, error) {
	v := getenv(name)
	if v == "" {
		return fallback, nil
	}
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("configuration %s: want host:port, got %q", name, v)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("configuration %s: bad port in %q", name, v)
	}
	return v, nil
}

func integer(getenv func(string) string, name string, fallback, min, max int64) (int64, error) {
	v := getenv(name)
	if v == "" {
		return fallback, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("configuration %s: want an integer in [%d, %d], got %q", name, min, max, v)
	}
	return n, nil
}
