package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	traceParentKey
	routeKey
)

// logHandler writes the same JSON line shape as the C++ services
// (ts, level, service, request_id, user_id, trace_id, msg, ...fields), built
// by hand into a reused buffer. Lines at info and below are written in
// batches (at most every 100 ms, or when 64 KiB are waiting): one write(2)
// per request was a measurable share of the gateway's CPU. Warnings and
// errors are written at once, with whatever waited before them.
type logHandler struct {
	sink    *logSink
	service string
	attrs   []slog.Attr
}

type logSink struct {
	mu  sync.Mutex
	buf *bufio.Writer
}

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func NewLogHandler(out io.Writer, service string) slog.Handler {
	sink := &logSink{buf: bufio.NewWriterSize(out, 64<<10)}
	go func() {
		for range time.Tick(100 * time.Millisecond) {
			sink.flush()
		}
	}()
	return &logHandler{sink: sink, service: service}
}

// FlushLog writes what the logger's handler holds (before the process exits).
func FlushLog(logger *slog.Logger) {
	if h, ok := logger.Handler().(*logHandler); ok {
		h.sink.flush()
	}
}

func (s *logSink) flush() {
	s.mu.Lock()
	_ = s.buf.Flush()
	s.mu.Unlock()
}

func (h *logHandler) Enabled(context.Context, slog.Level) bool { return true }

func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "error"
	case l >= slog.LevelWarn:
		return "warn"
	case l >= slog.LevelInfo:
		return "info"
	}
	return "debug"
}

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	bp := linePool.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `{"ts":"`...)
	b = r.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","level":"`...)
	b = append(b, levelName(r.Level)...)
	b = append(b, `","service":`...)
	b = appendJSONString(b, h.service)
	b = append(b, `,"request_id":`...)
	if id, ok := ctx.Value(requestIDKey).(string); ok {
		b = appendJSONString(b, id)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"user_id":null,"trace_id":`...)
	if tp, ok := ctx.Value(traceParentKey).(string); ok && len(tp) == 55 {
		b = appendJSONString(b, tp[3:35])
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"msg":`...)
	b = appendJSONString(b, r.Message)
	for _, a := range h.attrs {
		b = appendAttr(b, a)
	}
	r.Attrs(func(a slog.Attr) bool {
		b = appendAttr(b, a)
		return true
	})
	b = append(b, '}', '\n')
	h.sink.mu.Lock()
	_, err := h.sink.buf.Write(b)
	if r.Level >= slog.LevelWarn {
		err = errors.Join(err, h.sink.buf.Flush())
	}
	h.sink.mu.Unlock()
	*bp = b
	linePool.Put(bp)
	return err
}

func appendAttr(b []byte, a slog.Attr) []byte {
	b = append(b, ',')
	b = appendJSONString(b, a.Key)
	b = append(b, ':')
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return appendJSONString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration: // as milliseconds, like the services' duration_ms
		return strconv.AppendFloat(b, float64(v.Duration().Microseconds())/1000, 'f', -1, 64)
	case slog.KindFloat64:
		if f := v.Float64(); !math.IsInf(f, 0) && !math.IsNaN(f) {
			return strconv.AppendFloat(b, f, 'g', -1, 64)
		}
		return append(b, "null"...)
	}
	j, err := json.Marshal(v.Any())
	if err != nil {
		return appendJSONString(b, v.String())
	}
	return append(b, j...)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD
// (as encoding/json does).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr{}, h.attrs...), attrs...)
	return &c
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }
