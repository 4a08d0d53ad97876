package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	plinthv1 "plinth.dev/clients/go/plinth/v1"
)

// A backend stream scripted by a test: its events, then its end (nil: EOF).
type scriptedStream struct {
	grpc.ClientStream
	events []*plinthv1.AnalysisEvent
	end    error
}

func (s *scriptedStream) Recv() (*plinthv1.AnalysisEvent, error) {
	if len(s.events) == 0 {
		if s.end == nil {
			return nil, io.EOF
		}
		return nil, s.end
	}
	ev := s.events[0]
	s.events = s.events[1:]
	return ev, nil
}

func (s *scriptedStream) Header() (metadata.MD, error) { return nil, nil }
func (s *scriptedStream) Trailer() metadata.MD         { return nil }
func (s *scriptedStream) CloseSend() error             { return nil }
func (s *scriptedStream) Context() context.Context     { return context.Background() }

// A WatchAnalysis backend: one scripted stream per call, and the requests.
type scriptedBackend struct {
	plinthv1.AnalysisServiceClient
	mu       sync.Mutex
	streams  []*scriptedStream
	requests []*plinthv1.WatchAnalysisRequest
}

func (b *scriptedBackend) WatchAnalysis(_ context.Context, in *plinthv1.WatchAnalysisRequest, _ ...grpc.CallOption) (grpc.ServerStreamingClient[plinthv1.AnalysisEvent], error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests = append(b.requests, &plinthv1.WatchAnalysisRequest{Id: in.GetId(), After: in.GetAfter(),
		LastEventId: in.GetLastEventId()})
	s := b.streams[0]
	b.streams = b.streams[1:]
	return s, nil
}

func delta(id, text string) *plinthv1.AnalysisEvent {
	return &plinthv1.AnalysisEvent{Id: id, Event: &plinthv1.AnalysisEvent_Delta{Delta: &plinthv1.AnalysisDeltaEvent{Attempt: 1, Text: text}}}
}

func done() *plinthv1.AnalysisEvent {
	return &plinthv1.AnalysisEvent{Event: &plinthv1.AnalysisEvent_Done{Done: &plinthv1.Analysis{Status: "succeeded"}}}
}

func streamingGateway(backend *scriptedBackend, perUser int) *Gateway {
	return &Gateway{
		logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		metrics: newHTTPMetrics(),
		streams: &eventStreams{client: backend, maxTotal: 100, maxPerUser: perUser, heartbeat: time.Hour,
			idle: time.Hour, drain: make(chan struct{}), byUser: map[string]int{}},
	}
}

func TestEventsAreWrittenAsServerSentEvents(t *testing.T) {
	b, ok := appendEvent(nil, delta("17-3", "Hello\nworld"))
	if !ok || string(b) != "id: 17-3\nevent: delta\ndata: {\"attempt\":1,\"text\":\"Hello\\nworld\"}\n\n" {
		t.Fatalf("delta: %q", b)
	}
	b, ok = appendEvent(nil, done())
	if !ok || !strings.HasPrefix(string(b), "event: done\ndata: {") || strings.Contains(string(b), "id:") {
		t.Fatalf("done: %q", b)
	}
	if _, ok := appendEvent(nil, &plinthv1.AnalysisEvent{Id: "1-1"}); ok {
		t.Fatal("an event with no kind was written")
	}
}

// The backend's stream breaks (its pod drains): the gateway resumes it
// after the last event it wrote, and the client sees every event once.
func TestABrokenBackendStreamIsResumedUnseen(t *testing.T) {
	backend := &scriptedBackend{streams: []*scriptedStream{
		{events: []*plinthv1.AnalysisEvent{delta("1-1", "a"), delta("1-2", "b")}, end: status.Error(codes.Unavailable, "draining")},
		{events: []*plinthv1.AnalysisEvent{delta("1-3", "c"), done()}},
	}}
	g := streamingGateway(backend, 8)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+watchAnalysisPath, g.serveEvents)
	server := httptest.NewUnstartedServer(mux)
	// The server's read timeout must not end a stream that outlives it.
	server.Config.ReadTimeout = 200 * time.Millisecond
	server.Start()
	defer server.Close()
	req, _ := http.NewRequest("GET", server.URL+"/api/v1/analyses/a1/events", nil)
	req.Header.Set("Last-Event-ID", "0-9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"id: 1-1\n", "id: 1-2\n", "id: 1-3\n", "event: done\n"} {
		if strings.Count(string(body), want) != 1 {
			t.Errorf("%q %d times in %q", want, strings.Count(string(body), want), body)
		}
	}
	if len(backend.requests) != 2 || backend.requests[0].LastEventId != "0-9" || backend.requests[1].LastEventId != "1-2" {
		t.Fatalf("backend requests %v", backend.requests)
	}
	if resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("headers %v", resp.Header)
	}
}

func TestStreamLimitsPerUserAndPerGateway(t *testing.T) {
	s := &eventStreams{maxTotal: 3, maxPerUser: 2, byUser: map[string]int{}}
	for i, want := range []bool{true, true, false} {
		if s.acquire("a") != want {
			t.Fatalf("user a's stream %d: acquired %v", i+1, !want)
		}
	}
	if !s.acquire("b") || s.acquire("c") {
		t.Fatal("per-gateway limit of 3")
	}
	s.release("a")
	if !s.acquire("c") {
		t.Fatal("a released stream's place was not freed")
	}
	s.release("a")
	s.release("b")
	s.release("c")
	if s.open != 0 || len(s.byUser) != 0 {
		t.Fatalf("open %d, by user %v after every release", s.open, s.byUser)
	}
}
