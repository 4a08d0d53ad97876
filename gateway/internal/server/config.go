package server

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// Config is read from the environment; every error names its variable.
type Config struct {
	HTTPAddr        string
	ProfileAddr     string
	ResourceAddr    string
	AnalysisAddr    string
	BillingAddr     string
	MaxBodyBytes    int64
	RequestTimeout  time.Duration
	DrainTimeout    time.Duration
}

func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var cfg Config
	var err error
	if cfg.HTTPAddr, err = hostPort(getenv, "PLINTH_HTTP_ADDR", "127.0.0.1:8080"); err != nil {
		return cfg, err
	}
	if cfg.ProfileAddr, err = hostPort(getenv, "PROFILE_GRPC_ADDR", "127.0.0.1:50051"); err != nil {
		return cfg, err
	}
	if cfg.ResourceAddr, err = hostPort(getenv, "RESOURCE_GRPC_ADDR", "127.0.0.1:50052"); err != nil {
		return cfg, err
	}
	if cfg.BillingAddr, err = hostPort(getenv, "BILLING_GRPC_ADDR", "127.0.0.1:50053"); err != nil {
		return cfg, err
	}
	if cfg.AnalysisAddr, err = hostPort(getenv, "ANALYSIS_GRPC_ADDR", "127.0.0.1:50054"); err != nil {
		return cfg, err
	}
	if cfg.MaxBodyBytes, err = integer(getenv, "PLINTH_MAX_BODY_BYTES", 1<<20, 1024, 64<<20); err != nil {
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
