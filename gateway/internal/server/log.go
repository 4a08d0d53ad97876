package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"time"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	traceParentKey
	routeKey
)

// logHandler writes the same JSON line shape as the C++ services
// (ts, level, service, request_id, user_id, msg, ...fields).
type logHandler struct {
	mu      *sync.Mutex
	out     io.Writer
	service string
	attrs   []slog.Attr
}

func NewLogHandler(out io.Writer, service string) slog.Handler {
	return &logHandler{mu: &sync.Mutex{}, out: out, service: service}
}

func (h *logHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	line := make(map[string]any, 8)
	line["ts"] = r.Time.UTC().Format("2006-01-02T15:04:05.000Z")
	line["level"] = map[slog.Level]string{slog.LevelDebug: "debug", slog.LevelInfo: "info",
		slog.LevelWarn: "warn", slog.LevelError: "error"}[r.Level]
	line["service"] = h.service
	line["request_id"] = nil
	if id, ok := ctx.Value(requestIDKey).(string); ok {
		line["request_id"] = id
	}
	line["user_id"] = nil
	line["trace_id"] = nil
	if tp, ok := ctx.Value(traceParentKey).(string); ok && len(tp) == 55 {
		line["trace_id"] = tp[3:35]
	}
	line["msg"] = r.Message
	for _, a := range h.attrs {
		line[a.Key] = a.Value.Any()
	}
	r.Attrs(func(a slog.Attr) bool {
		if d, ok := a.Value.Any().(time.Duration); ok {
			line[a.Key] = float64(d.Microseconds()) / 1000
		} else {
			line[a.Key] = a.Value.Any()
		}
		return true
	})
	b, err := json.Marshal(line)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err = h.out.Write(append(b, '\n'))
	return err
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr{}, h.attrs...), attrs...)
	return &c
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }
