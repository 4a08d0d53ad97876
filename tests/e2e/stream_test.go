package e2e

// Analyses watched as Server-Sent Events (GET /api/v1/analyses/{id}/events)
// and cancelled (POST /api/v1/analyses/{id}/cancel), through the real
// gateway, analysis service, worker and the fake Anthropic's streams.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type sseEvent struct {
	id, name string
	data     map[string]any
}

type sseStream struct {
	resp   *http.Response
	events chan sseEvent
	mu     sync.Mutex
	// Heartbeat comments seen so far.
	comments int
}

// openEvents opens the analysis's event stream (`id` may end with a query:
// "<id>?after=…"); a refusal comes back as the JSON response instead.
func openEvents(t *testing.T, token, id string, headers ...string) (*sseStream, response) {
	t.Helper()
	// `id` may carry a query: "<id>?after=…".
	id, query, _ := strings.Cut(id, "?")
	url := baseURL + "/api/v1/analyses/" + id + "/events"
	if query != "" {
		url += "?" + query
	}
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
		_ = json.Unmarshal(raw, &r.body)
		return nil, r
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 1024)}
	go s.read(t)
	t.Cleanup(s.close)
	return s, response{status: 200, header: resp.Header}
}

// watch opens the analysis's event stream, failing the test on a refusal.
func watch(t *testing.T, token, id string, headers ...string) (*sseStream, response) {
	t.Helper()
	s, r := openEvents(t, token, id, headers...)
	if s == nil {
		t.Fatalf("GET events: %d %s", r.status, r.raw)
	}
	return s, r
}

// untilDelta reads events up to and with the first delta.
func (s *sseStream) untilDelta(t *testing.T) []sseEvent {
	t.Helper()
	var events []sseEvent
	for {
		ev, ok := s.next(t, 15*time.Second)
		if !ok {
			t.Fatalf("ended before a delta: %v", events)
		}
		events = append(events, ev)
		if ev.name == "delta" {
			return events
		}
	}
}

func (s *sseStream) read(t *testing.T) {
	defer close(s.events)
	lines := bufio.NewScanner(s.resp.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	var ev sseEvent
	for lines.Scan() {
		line := lines.Text()
		switch {
		case line == "":
			if ev.name != "" {
				s.events <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, ":"):
			s.mu.Lock()
			s.comments++
			s.mu.Unlock()
		case strings.HasPrefix(line, "id: "):
			ev.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			ev.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(line[6:]), &ev.data); err != nil {
				t.Errorf("event data is not JSON: %q", line)
			}
		case strings.HasPrefix(line, "retry: "):
		default:
			t.Errorf("unexpected line in the stream: %q", line)
		}
	}
}

func (s *sseStream) close() { _ = s.resp.Body.Close() }

func (s *sseStream) heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.comments
}

// next is the next event; false when the stream ended.
func (s *sseStream) next(t *testing.T, timeout time.Duration) (sseEvent, bool) {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		return ev, ok
	case <-time.After(timeout):
		t.Fatalf("no event within %s (logs in %s)", timeout, logDir)
	}
	return sseEvent{}, false
}

// untilEnd reads events up to the end of the stream.
func (s *sseStream) untilEnd(t *testing.T, timeout time.Duration) []sseEvent {
	t.Helper()
	var all []sseEvent
	for {
		ev, ok := s.next(t, timeout)
		if !ok {
			return all
		}
		all = append(all, ev)
	}
}

// liveText is what a client shows from these events: the text of the
// latest attempt (a `running` status starts it afresh).
func liveText(events []sseEvent) string {
	var text strings.Builder
	attempt := 0.0
	for _, ev := range events {
		switch ev.name {
		case "status":
			if ev.data["status"] == "running" {
				attempt = ev.data["attempt"].(float64)
				text.Reset()
			}
		case "delta":
			if ev.data["attempt"].(float64) == attempt {
				text.WriteString(ev.data["text"].(string))
			}
		}
	}
	return text.String()
}

// ids strictly increase: nothing is repeated.
func checkIncreasingIDs(t *testing.T, events []sseEvent) {
	t.Helper()
	last := [2]uint64{}
	for _, ev := range events {
		if ev.id == "" {
			continue
		}
		ms, seq, ok := strings.Cut(ev.id, "-")
		a, err1 := strconv.ParseUint(ms, 10, 64)
		b, err2 := strconv.ParseUint(seq, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("event id %q", ev.id)
		}
		if a < last[0] || (a == last[0] && b <= last[1]) {
			t.Fatalf("event id %s does not follow %d-%d", ev.id, last[0], last[1])
		}
		last = [2]uint64{a, b}
	}
}

func TestAnalysisStreamsItsTextAsServerSentEvents(t *testing.T) {
	u := newUser()
	_, id := analyse(t, u, "Watch me write. [fake-pace:300] sse-"+randomHex(6))
	s, r := watch(t, u.token, id)
	if ct := r.header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	if r.header.Get("X-Accel-Buffering") != "no" || !strings.Contains(r.header.Get("Cache-Control"), "no-cache") {
		t.Fatalf("headers %v", r.header)
	}
	events := s.untilEnd(t, 15*time.Second)
	if len(events) < 3 || events[0].name != "status" || events[0].data["status"] != "running" {
		t.Fatalf("events %v", events)
	}
	done := events[len(events)-1]
	if done.name != "done" || done.data["status"] != "succeeded" || done.id != "" {
		t.Fatalf("last event %v", done)
	}
	deltas := 0
	for _, ev := range events {
		if ev.name == "delta" {
			deltas++
		}
	}
	if deltas < 3 || liveText(events) != done.data["output"] {
		t.Fatalf("%d deltas make %q; done says %q", deltas, liveText(events), done.data["output"])
	}
	checkIncreasingIDs(t, events)
	// Heartbeats every second here (PLINTH_STREAM_HEARTBEAT_S=1).
	if s.heartbeats() < 1 {
		t.Errorf("no heartbeat comment in a stream of %d events over more than a second", len(events))
	}
	// Over: `done` at once, with the stored analysis.
	again, _ := openEvents(t, u.token, id)
	if evs := again.untilEnd(t, 5*time.Second); len(evs) != 1 || evs[0].name != "done" || evs[0].data["output"] != done.data["output"] {
		t.Fatalf("events of a finished analysis: %v", evs)
	}
}

func TestAnEventStreamResumesAfterLastEventID(t *testing.T) {
	u := newUser()
	_, id := analyse(t, u, "Resume me after a drop, please. [fake-pace:300] resume-"+randomHex(6))
	s, r := watch(t, u.token, id)
	var first []sseEvent
	for len(first) < 3 {
		ev, ok := s.next(t, 10*time.Second)
		if !ok {
			t.Fatalf("ended early: %v", first)
		}
		first = append(first, ev)
	}
	s.close() // the connection drops mid-stream
	last := first[len(first)-1].id
	rest, r := openEvents(t, u.token, id, "Last-Event-ID", last)
	if rest == nil {
		t.Fatalf("resume: %d %s", r.status, r.raw)
	}
	events := append(first, rest.untilEnd(t, 15*time.Second)...)
	checkIncreasingIDs(t, events)
	done := events[len(events)-1]
	if done.name != "done" || liveText(events) != done.data["output"] {
		t.Fatalf("resumed events make %q; done: %v", liveText(events), done.data)
	}
	// `after` does what Last-Event-ID does.
	if again, _ := openEvents(t, u.token, id+"?after="+last); again == nil {
		t.Fatal("after= refused")
	}
}

func TestEventStreamRefusals(t *testing.T) {
	a, b := newUser(), newUser()
	_, id := analyse(t, a, "Mine. [fake-pace:200] refusal-"+randomHex(6))
	do(t, "GET", "/api/v1/profiles/me", b.token, nil)
	for name, check := range map[string]func() response{
		"another user's analysis": func() response { _, r := openEvents(t, b.token, id); return r },
		"no analysis":             func() response { _, r := openEvents(t, a.token, newUUID()); return r },
	} {
		if r := check(); r.status != 404 || r.errorCode() != "NOT_FOUND" {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	if _, r := openEvents(t, a.token, "not-a-uuid"); r.status != 400 || r.errorCode() != "VALIDATION_ERROR" {
		t.Errorf("bad id: %d %s", r.status, r.raw)
	}
	if _, r := openEvents(t, a.token, id, "Last-Event-ID", "1-2-3' or 1=1"); r.status != 400 || r.errorCode() != "VALIDATION_ERROR" {
		t.Errorf("bad Last-Event-ID: %d %s", r.status, r.raw)
	}
	if _, r := openEvents(t, a.token, id, "Last-Event-ID", "\xc2\x84\xff"); r.status != 400 || r.errorCode() != "VALIDATION_ERROR" {
		t.Errorf("a Last-Event-ID that is not UTF-8: %d %s", r.status, r.raw)
	}
	for _, query := range []string{"?after=null", "?after=1-1&after=1-1", "?after=%ff"} {
		if _, r := openEvents(t, a.token, id+query, "Last-Event-ID", "1-1"); r.status != 400 || r.errorCode() != "VALIDATION_ERROR" {
			t.Errorf("%s: %d %s", query, r.status, r.raw)
		}
	}
	if _, r := openEvents(t, "forged."+a.token, id); r.status != 401 {
		t.Errorf("forged token: %d %s", r.status, r.raw)
	}
	// At most 4 streams per user here (PLINTH_MAX_STREAMS_PER_USER=4).
	for i := 0; i < 4; i++ {
		if s, r := openEvents(t, a.token, id); s == nil {
			t.Fatalf("stream %d: %d %s", i, r.status, r.raw)
		}
	}
	if _, r := openEvents(t, a.token, id); r.status != 429 || r.errorCode() != "RATE_LIMITED" || r.header.Get("Retry-After") == "" {
		t.Fatalf("a fifth stream: %d %s", r.status, r.raw)
	}
}

// A provider stream that fails halfway (overloaded_error) is retried: the
// client sees attempt 1's text, the retry announced, attempt 2 from the
// start, and shows only attempt 2's text.
func TestAStreamFailingHalfwayIsRetriedAndShownOnce(t *testing.T) {
	u := newUser()
	_, id := analyse(t, u, "Break halfway then recover. [fake:overloaded-midstream,ok] [fake-pace:100] mid-"+randomHex(6))
	s, _ := watch(t, u.token, id)
	events := s.untilEnd(t, 20*time.Second)
	var statuses []string
	for _, ev := range events {
		if ev.name == "status" {
			statuses = append(statuses, fmt.Sprintf("%v/%v", ev.data["status"], ev.data["attempt"]))
		}
	}
	if strings.Join(statuses, " ") != "running/1 queued/1 running/2" {
		t.Fatalf("statuses %v", statuses)
	}
	done := events[len(events)-1]
	if done.name != "done" || done.data["status"] != "succeeded" || done.data["attempts"] != float64(2) ||
		liveText(events) != done.data["output"] {
		t.Fatalf("shown %q; done %v", liveText(events), done.data)
	}
}

// kill -9 of the worker mid-stream: the analysis is reclaimed, runs again
// and finishes once; the watching client sees the new attempt and the end.
func TestAWatchedAnalysisSurvivesItsWorkerKilled(t *testing.T) {
	u := newUser()
	marker := "killed-" + randomHex(6)
	_, id := analyse(t, u, "Slow words. [fake-pace:600] "+marker)
	s, _ := watch(t, u.token, id)
	events := s.untilDelta(t)
	killWorker(t)
	if err := startWorker(); err != nil {
		t.Fatal(err)
	}
	events = append(events, s.untilEnd(t, 30*time.Second)...)
	done := events[len(events)-1]
	if done.name != "done" || done.data["status"] != "succeeded" || liveText(events) != done.data["output"] {
		t.Fatalf("shown %q; done %v (events %v)", liveText(events), done.data, events)
	}
	if done.data["attempts"].(float64) < 2 {
		t.Fatalf("attempts %v: the killed attempt was not the one that finished?", done.data["attempts"])
	}
	if c := credits(t, u); c != "9" {
		t.Fatalf("credits %s: the analysis was charged more than once", c)
	}
}

// Deleting the resource ends the watchers: an `error` event.
func TestDeletingTheResourceEndsItsWatchers(t *testing.T) {
	u := newUser()
	resourceID, id := analyse(t, u, "Delete me while I write. [fake-pace:800] del-"+randomHex(6))
	s, _ := watch(t, u.token, id)
	if ev, _ := s.next(t, 10*time.Second); ev.name != "status" {
		t.Fatalf("first event %v", ev)
	}
	if r := do(t, "DELETE", "/api/v1/resources/"+resourceID, u.token, nil); r.status != 204 {
		t.Fatalf("DELETE: %d %s", r.status, r.raw)
	}
	events := s.untilEnd(t, 10*time.Second)
	if end := events[len(events)-1]; end.name != "error" || end.data["code"] != "NOT_FOUND" {
		t.Fatalf("events after the deletion: %v", events)
	}
}

func cancel(t *testing.T, u user, id string) response {
	t.Helper()
	return do(t, "POST", "/api/v1/analyses/"+id+"/cancel", u.token, nil)
}

// Cancel in every state, twice: queued (refunded, never run), running with
// the model call in flight (the transfer dropped within a second, charged),
// succeeded and failed (left as they are); another user's id is 404.
func TestCancelInEveryStateTwice(t *testing.T) {
	t.Run("queued", func(t *testing.T) {
		u := newUser()
		marker := "cancel-queued-" + randomHex(6)
		killWorker(t) // nothing takes it meanwhile
		resourceID, id := analyse(t, u, "Never run me. "+marker)
		// Its stream answers at once, before any event (none comes while
		// nothing runs it), and ends with the cancel.
		s, _ := watch(t, u.token, id)
		for i := 0; i < 2; i++ {
			r := cancel(t, u, id)
			if r.status != 200 || r.data()["status"] != "cancelled" || r.data()["completed_at"] == nil {
				t.Fatalf("cancel %d: %d %s", i, r.status, r.raw)
			}
			if c := credits(t, u); c != "10" {
				t.Fatalf("credits %s after cancel %d, want the credit back once", c, i)
			}
		}
		if events := s.untilEnd(t, 5*time.Second); len(events) != 1 || events[0].name != "done" || events[0].data["status"] != "cancelled" {
			t.Fatalf("the queued analysis's stream: %v", events)
		}
		if err := startWorker(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 15*time.Second, "the queue to be worked through", func() bool {
			return redisQueue(t, "xlen", "plinth:analyses:jobs") == "0"
		})
		if n := fakeRequests(t, marker); n != 0 {
			t.Fatalf("a cancelled analysis reached the provider %d times", n)
		}
		if st := resourceStatus(t, u, resourceID); st != "pending" {
			t.Fatalf("resource %s", st)
		}
		// The resource is free for a new analysis.
		if r := createAnalysis(t, u, resourceID, nil); r.status != 202 {
			t.Fatalf("a new analysis after the cancel: %d %s", r.status, r.raw)
		}
	})
	t.Run("running", func(t *testing.T) {
		u := newUser()
		marker := "cancel-running-" + randomHex(6)
		resourceID, id := analyse(t, u, "Stop me while I write slowly. [fake-pace:700] "+marker)
		s, _ := watch(t, u.token, id)
		s.untilDelta(t)
		cancelled := time.Now()
		for i := 0; i < 2; i++ {
			if r := cancel(t, u, id); r.status != 200 || r.data()["status"] != "cancelled" {
				t.Fatalf("cancel %d: %d %s", i, r.status, r.raw)
			}
		}
		events := s.untilEnd(t, 5*time.Second)
		if end := events[len(events)-1]; end.name != "done" || end.data["status"] != "cancelled" {
			t.Fatalf("events after the cancel: %v", events)
		}
		waitFor(t, 5*time.Second, "the provider transfer to be dropped", func() bool {
			return fakeCount(t, "abandoned", marker) == 1
		})
		if took := time.Since(cancelled); took > 2*time.Second {
			t.Errorf("the transfer was dropped %s after the cancel", took)
		}
		// The model's tokens were spent: the credit stays taken.
		if c := credits(t, u); c != "9" {
			t.Fatalf("credits %s, want 9", c)
		}
		waitFor(t, 10*time.Second, "the resource back to pending", func() bool {
			return resourceStatus(t, u, resourceID) == "pending"
		})
		if a := do(t, "GET", "/api/v1/analyses/"+id, u.token, nil).data(); a["status"] != "cancelled" || a["output"] != nil {
			t.Fatalf("analysis %v", a)
		}
	})
	t.Run("succeeded and failed", func(t *testing.T) {
		u := newUser()
		_, ok := analyse(t, u, "Quick. ok-"+randomHex(6))
		_, bad := analyse(t, u, "Refused. [fake:400] bad-"+randomHex(6))
		for id, want := range map[string]string{ok: "succeeded", bad: "failed"} {
			waitTerminal(t, u, id, 15*time.Second)
			for i := 0; i < 2; i++ {
				if r := cancel(t, u, id); r.status != 200 || r.data()["status"] != want {
					t.Fatalf("cancel of a %s analysis: %d %s", want, r.status, r.raw)
				}
			}
		}
	})
	t.Run("another user's", func(t *testing.T) {
		a, b := newUser(), newUser()
		_, id := analyse(t, a, "Not yours. [fake-pace:100] "+randomHex(6))
		expectError(t, cancel(t, b, id), 404, "NOT_FOUND")
		expectError(t, cancel(t, a, newUUID()), 404, "NOT_FOUND")
		expectError(t, cancel(t, a, "x'; drop table analyses; --"), 400, "VALIDATION_ERROR")
		if st := do(t, "GET", "/api/v1/analyses/"+id, a.token, nil).data()["status"]; st == "cancelled" {
			t.Fatal("another user's cancel took effect")
		}
	})
}

// A client that never reads: the gateway holds what the socket and one
// event hold, never the stream. Four such clients (the per-user limit here)
// on an analysis whose log grows by 24 MB.
func TestAStreamClientThatNeverReadsDoesNotGrowTheGateway(t *testing.T) {
	u := newUser()
	_, id := analyse(t, u, "Hold still. [fake-delay:4000] slow-reader-"+randomHex(6))
	waitFor(t, 10*time.Second, "the analysis to run", func() bool {
		return do(t, "GET", "/api/v1/analyses/"+id, u.token, nil).data()["status"] == "running"
	})
	var conns []net.Conn
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /api/v1/analyses/%s/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", id, u.token)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	before := gatewayRSS(t)
	key := "plinth:analysis:" + id + ":events"
	chunk := strings.Repeat("x", 64<<10)
	for i := 0; i < 384; i++ {
		redisCLIURL(t, fmt.Sprintf("redis://127.0.0.1:%d/0", queueRedisPort), "xadd", key, "*", "type", "delta", "attempt", "1", "text", chunk)
	}
	// The largest the gateway gets while the log is pushed at it: sampled
	// for two seconds after the last entry.
	peak := before
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		peak = max(peak, gatewayRSS(t))
	}
	if grown := peak - before; grown > 16<<20 {
		t.Fatalf("the gateway grew by %d MB with 4 clients that never read 24 MB", grown>>20)
	}
}

// gatewayRSS is the main gateway's resident memory in bytes.
func gatewayRSS(t *testing.T) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", mainGateway.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
