// Command gateway serves Plinth's REST/JSON contract (docs/API.md) in front of
// the gRPC services. Wiring only: see internal/server.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	"plinth/gateway/gen/openapi"
	"plinth/gateway/internal/server"
)

// How long a draining gateway keeps serving, every response closing its
// connection, before it closes the connections that stayed idle.
const drainLinger = 2 * time.Second

func main() {
	// `plinth-gateway --print-openapi` writes the served OpenAPI document to
	// stdout (for linters and client generators) and exits.
	if len(os.Args) == 2 && os.Args[1] == "--print-openapi" {
		os.Stdout.Write(openapi.Document)
		return
	}
	// The live heap is small (a few MB, plus request bodies in flight, capped
	// at 32 MiB): collect when it has grown 4x rather than 1x — the collector
	// was ~17 % of the gateway's CPU per request (docs/PERFORMANCE.md) — with
	// a soft limit, so that a burst of large bodies makes the collector work
	// harder instead of the heap grow. GOGC and GOMEMLIMIT, when set, win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
	logger := slog.New(server.NewLogHandler(os.Stdout, "gateway"))
	defer server.FlushLog(logger) // info lines are written in batches
	cfg, err := server.ConfigFromEnv(os.Getenv)
	if err != nil {
		logger.Error("startup failed", "error", err.Error())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	gw, err := server.New(ctx, cfg, logger)
	if err != nil {
		logger.Error("startup failed", "error", err.Error())
		os.Exit(2)
	}
	defer gw.Close()

	httpServer := &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           gw.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	listener, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		logger.Error("startup failed", "error", err.Error())
		os.Exit(2)
	}
	// Connections beyond the cap wait in the kernel's accept queue: one
	// client opening thousands cannot make the gateway hold thousands.
	listener = netutil.LimitListener(listener, int(cfg.MaxConnections))
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(listener) }()
	// /metrics on an admin address of its own, never the API port.
	metricsServer := &http.Server{Addr: cfg.MetricsAddr, Handler: gw.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := metricsServer.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server failed", "address", cfg.MetricsAddr, "error", err.Error())
			os.Exit(2)
		}
	}()
	logger.Info("listening", "address", cfg.HTTPAddr)

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http server failed", "error", err.Error())
			os.Exit(1)
		}
	case <-ctx.Done():
		// Stop accepting, let requests in flight finish (Kubernetes sends
		// SIGTERM, then waits terminationGracePeriodSeconds).
		logger.Info("draining", "timeout", cfg.DrainTimeout.String())
		gw.SetDraining()
		// Busy connections learn to go elsewhere from their next response
		// (Connection: close) before Shutdown closes the idle ones.
		linger := min(drainLinger, cfg.DrainTimeout/2)
		time.Sleep(linger)
		shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout-linger)
		defer cancel()
		if err := httpServer.Shutdown(shutdownCtx); err != nil {
			logger.Error("drain incomplete", "error", err.Error())
		}
	}
	logger.Info("stopped")
}
