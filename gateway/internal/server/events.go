package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	plinthv1 "plinth.dev/clients/go/plinth/v1"

	"plinth/gateway/internal/contract"
	"plinth/gateway/internal/fastjson"
)

// Server-Sent Events for AnalysisService.WatchAnalysis, a server-streaming
// RPC that grpc-gateway would serve as newline-delimited JSON (which
// EventSource and every SSE client reject). Served here instead, on the
// route the proto declares:
//
//   - one event per stream message: `event:` its oneof field (status,
//     delta, done, error), `data:` that field as JSON (as the REST API
//     writes it), `id:` the message's id when it has one;
//   - `Last-Event-ID` (or else the `after` query parameter) resumes after
//     that event: nothing lost, nothing repeated;
//   - a comment line every heartbeat, so proxies keep the connection;
//   - the connection ends after `done` or `error`; after the idle timeout
//     with no event (the client resumes); when the gateway drains;
//   - when the backend's stream breaks (its pod drains, its connection is
//     recycled), the gateway resumes it after the last event it wrote: the
//     client sees nothing;
//   - at most maxPerUser streams per user and maxTotal per gateway: more
//     is a 429 RATE_LIMITED. The request counts once against the rate limit,
//     like any other.
//
// A client that stops reading makes the write block: after writeTimeout the
// connection is closed. The gateway holds one event in hand per stream and
// gRPC's flow-control window behind it, never a growing queue.
type eventStreams struct {
	client     plinthv1.AnalysisServiceClient
	maxTotal   int
	maxPerUser int
	heartbeat  time.Duration
	idle       time.Duration
	verifier   *tokenVerifier // nil: streams are counted per token
	drain      chan struct{}

	mu     sync.Mutex
	open   int
	byUser map[string]int
}

const (
	eventWriteTimeout = 30 * time.Second
	// How often, and how soon, a broken backend stream is resumed.
	streamResumeAttempts = 5
	streamResumeBackoff  = 200 * time.Millisecond
)

// watchAnalysisPath is WatchAnalysis's GET route in the protos.
var watchAnalysisPath = func() string {
	m := plinthv1.File_plinth_v1_analysis_proto.Services().ByName("AnalysisService").Methods().ByName("WatchAnalysis")
	rule, _ := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
	if rule.GetGet() == "" || !m.IsStreamingServer() {
		panic("WatchAnalysis is not a server stream with a GET route")
	}
	return rule.GetGet()
}()

// eventJSON writes an event's data as the REST API writes its objects.
var eventJSON = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

func (s *eventStreams) acquire(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open >= s.maxTotal || s.byUser[user] >= s.maxPerUser {
		return false
	}
	s.open++
	s.byUser[user]++
	return true
}

func (s *eventStreams) release(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open--
	if s.byUser[user]--; s.byUser[user] <= 0 {
		delete(s.byUser, user)
	}
}

// userOf keys the per-user limit: the token's subject when it verifies
// here, else the token itself (the backend refuses a bad one anyway).
func (s *eventStreams) userOf(r *http.Request) string {
	header := r.Header.Get("Authorization")
	if sub, ok := s.verifier.subject(header); ok {
		return sub
	}
	sum := sha256.Sum256([]byte(header))
	return "token:" + hex.EncodeToString(sum[:16])
}

// serveEvents is the route's handler (Gateway.Handler).
func (g *Gateway) serveEvents(w http.ResponseWriter, r *http.Request) {
	s := g.streams
	user := s.userOf(r)
	if !s.acquire(user) {
		w.Header().Set("Retry-After", "5")
		writeError(w, r, http.StatusTooManyRequests, contract.RateLimited,
			fmt.Sprintf("too many open event streams (at most %d per user); close one first", s.maxPerUser), nil)
		return
	}
	defer s.release(user)
	g.metrics.eventStreams.Inc()
	defer g.metrics.eventStreams.Dec()

	query := r.URL.Query()
	for name, values := range query {
		if len(values) > 1 {
			writeError(w, r, http.StatusBadRequest, contract.ValidationError, "invalid request: "+name+": given more than once",
				[]fieldIssue{{Field: name, Issue: "given more than once"}})
			return
		}
	}
	md := metadata.Pairs("x-request-id", requestIDOf(r), "traceparent", r.Header.Get("Traceparent"))
	if auth := r.Header.Get("Authorization"); auth != "" {
		md.Set("authorization", auth)
	}
	ctx, cancel := context.WithCancel(metadata.NewOutgoingContext(r.Context(), md))
	defer cancel()
	// The service checks both and resumes after Last-Event-ID, else after.
	request := &plinthv1.WatchAnalysisRequest{Id: r.PathValue("id"), After: query.Get("after"),
		LastEventId: r.Header.Get("Last-Event-ID")}
	// A proto string must be UTF-8 (the rest is the service's rules).
	for field, value := range map[string]string{"id": request.Id, "after": request.After, "last_event_id": request.LastEventId} {
		if !utf8.ValidString(value) {
			writeError(w, r, http.StatusBadRequest, contract.ValidationError, "invalid request: "+field+": must be valid UTF-8",
				[]fieldIssue{{Field: field, Issue: "must be valid UTF-8"}})
			return
		}
	}
	stream, first, err := s.open1(ctx, request)
	if err != nil {
		// Nothing written yet: the error as JSON, like any route's.
		g.grpcErrorHandler(ctx, g.mux, nil, w, r, err)
		return
	}

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	// nginx (and ingress-nginx) would buffer the response otherwise.
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	// The server's ReadTimeout would end the request's context mid-stream.
	_ = rc.SetReadDeadline(time.Time{})
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(eventWriteTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// EventSource waits this long before it reconnects.
	if !write([]byte("retry: 2000\n\n")) {
		return
	}

	// A few events in hand: what arrived meanwhile is written with one flush.
	events := make(chan *plinthv1.AnalysisEvent, 16)
	failed := make(chan error, 1)
	go func() {
		failed <- s.pump(ctx, stream, first, request, events)
	}()
	heartbeat := time.NewTicker(s.heartbeat)
	defer heartbeat.Stop()
	idle := time.NewTimer(s.idle)
	defer idle.Stop()
	var buf []byte
	for {
		select {
		case ev := <-events:
			// This event and those already waiting, in one write.
			buf = buf[:0]
			n, last := 0, false
			for {
				var ok bool
				if buf, ok = appendEvent(buf, ev); ok {
					n++
				}
				last = ev.GetDone() != nil || ev.GetError() != nil
				if last || n >= cap(events) {
					break
				}
				select {
				case ev = <-events:
					continue
				default:
				}
				break
			}
			if n > 0 {
				if !write(buf) {
					return
				}
				g.metrics.events.Add(float64(n))
			}
			if last {
				return
			}
			idle.Reset(s.idle)
		case err := <-failed:
			if err != nil && ctx.Err() == nil {
				g.logger.WarnContext(r.Context(), "event stream failed", "error", err.Error())
				st := status.Convert(err)
				failure := &plinthv1.AnalysisStreamError{Code: contract.Bare(st.Code()), Message: streamErrorMessage(st)}
				if b, ok := appendEvent(nil, &plinthv1.AnalysisEvent{Event: &plinthv1.AnalysisEvent_Error{Error: failure}}); ok {
					write(b)
				}
			}
			return
		case <-heartbeat.C:
			if !write([]byte(": keep-alive\n\n")) {
				return
			}
		case <-idle.C:
			return // the client resumes
		case <-s.drain:
			return // the client resumes on another replica
		case <-r.Context().Done():
			return
		}
	}
}

// open1 opens the backend stream and waits for its headers, which the
// service sends once it admitted the call: a refusal (not found,
// unauthenticated, invalid) comes instead, and is answered as JSON. The
// first event may come much later (a queued analysis waits for a worker).
func (s *eventStreams) open1(ctx context.Context, request *plinthv1.WatchAnalysisRequest) (grpc.ServerStreamingClient[plinthv1.AnalysisEvent], *plinthv1.AnalysisEvent, error) {
	stream, err := s.client.WatchAnalysis(ctx, request)
	if err != nil {
		return nil, nil, err
	}
	md, err := stream.Header()
	if err != nil {
		return nil, nil, err
	}
	if md == nil {
		// Ended without headers: the status says why (or the stream held
		// one event and ended: an analysis already over).
		first, err := stream.Recv()
		if err != nil {
			return nil, nil, err
		}
		return stream, first, nil
	}
	return stream, nil, nil
}

// pump forwards the backend's events until the stream ends (nil) or fails
// for good, resuming after the last event forwarded when the backend's
// stream breaks.
func (s *eventStreams) pump(ctx context.Context, stream grpc.ServerStreamingClient[plinthv1.AnalysisEvent], first *plinthv1.AnalysisEvent, request *plinthv1.WatchAnalysisRequest, out chan<- *plinthv1.AnalysisEvent) error {
	send := func(ev *plinthv1.AnalysisEvent) bool {
		if ev.GetId() != "" {
			request.LastEventId = ev.GetId()
		}
		select {
		case out <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if first != nil && !send(first) {
		return nil
	}
	failures := 0
	for {
		ev, err := stream.Recv()
		if err == nil {
			failures = 0
			if !send(ev) {
				return nil
			}
			continue
		}
		if errors.Is(err, io.EOF) || ctx.Err() != nil {
			return nil
		}
		// UNAVAILABLE: the backend's pod drains or its connection was
		// recycled; resume on another.
		if status.Code(err) != codes.Unavailable || failures >= streamResumeAttempts {
			return err
		}
		failures++
		select {
		case <-time.After(streamResumeBackoff * time.Duration(failures)):
		case <-ctx.Done():
			return nil
		}
		if stream, err = s.client.WatchAnalysis(ctx, request); err != nil {
			return err
		}
	}
}

func streamErrorMessage(st *status.Status) string {
	switch st.Code() {
	case codes.Unavailable:
		return "the analysis service is unavailable; resume shortly"
	case codes.ResourceExhausted:
		return "the stream fell too far behind"
	}
	return st.Message()
}

// appendEvent: the SSE form of `ev` (false: nothing to send).
func appendEvent(b []byte, ev *plinthv1.AnalysisEvent) ([]byte, bool) {
	var (
		name string
		data proto.Message
	)
	switch e := ev.GetEvent().(type) {
	case *plinthv1.AnalysisEvent_Status:
		name, data = "status", e.Status
	case *plinthv1.AnalysisEvent_Delta:
		name, data = "delta", e.Delta
	case *plinthv1.AnalysisEvent_Done:
		name, data = "done", e.Done
	case *plinthv1.AnalysisEvent_Error:
		name, data = "error", e.Error
	default:
		return b, false
	}
	if ev.GetId() != "" {
		b = append(b, "id: "...)
		b = append(b, ev.GetId()...)
		b = append(b, '\n')
	}
	b = append(b, "event: "...)
	b = append(b, name...)
	b = append(b, "\ndata: "...)
	// As the REST API writes its objects (fastjson; protojson for what it
	// leaves, which may space its output but never breaks a line).
	start := len(b)
	var err error
	if b, err = fastjson.Append(b, data.ProtoReflect()); err != nil {
		if b, err = eventJSON.MarshalAppend(b[:start], data); err != nil {
			return b, false
		}
	}
	return append(b, "\n\n"...), true
}
