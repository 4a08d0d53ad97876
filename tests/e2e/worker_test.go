package e2e

// The analysis worker end to end: gateway → analysis service → Redis stream →
// worker → fake Anthropic → PostgreSQL, resource and billing over gRPC.

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func resourceStatus(t *testing.T, u user, id string) string {
	t.Helper()
	r := do(t, "GET", "/api/v1/resources/"+id, u.token, nil)
	if r.status != 200 {
		t.Fatalf("GET resource: %d %s", r.status, r.raw)
	}
	return r.data()["status"].(string)
}

// analyse creates a resource with `content` and an analysis of it, and
// returns both ids.
func analyse(t *testing.T, u user, content string) (resourceID, analysisID string) {
	t.Helper()
	resourceID = createResource(t, u, map[string]any{"title": "doc " + randomHex(4), "content": content})["id"].(string)
	r := createAnalysis(t, u, resourceID, nil)
	if r.status != 202 {
		t.Fatalf("POST analyses: %d %s", r.status, r.raw)
	}
	return resourceID, r.data()["id"].(string)
}

func TestAnalysisRunsToSuccess(t *testing.T) {
	u := newUser()
	marker := "ok-" + randomHex(6)
	resID, id := analyse(t, u, "Plinth runs analyses as durable jobs. Each costs one credit. "+marker)
	a := waitTerminal(t, u, id, 20*time.Second)
	if a["status"] != "succeeded" || a["error"] != nil || a["attempts"] != float64(1) ||
		a["model"] != "claude-sonnet-5" || a["started_at"] == nil || a["completed_at"] == nil {
		t.Fatalf("analysis: %v", a)
	}
	// The fake counts the words it was sent and answers 5 words; the usage
	// stored is the provider's.
	usage := a["usage"].(map[string]any)
	if want := fmt.Sprintf("Fake analysis of %.0f words.", usage["input_tokens"]); a["output"] != want ||
		usage["input_tokens"].(float64) < 10 || usage["output_tokens"] != float64(5) ||
		usage["cache_read_input_tokens"] != float64(0) || usage["cache_write_input_tokens"] != float64(0) {
		t.Fatalf("output %q, usage %v", a["output"], usage)
	}
	if got := resourceStatus(t, u, resID); got != "completed" {
		t.Fatalf("resource status %q, want completed", got)
	}
	if c := credits(t, u); c != "9" {
		t.Fatalf("credits %s, want 9", c)
	}
	if n := fakeRequests(t, marker); n != 1 {
		t.Fatalf("provider saw %d requests, want 1", n)
	}
	// Side effects recorded as done; nothing left for the sweeper.
	if s := psql(t, "select settled_at is not null from analyses where id = '"+id+"'"); s != "t" {
		t.Fatalf("settled: %s", s)
	}
	// A finished analysis is never run again, even if delivered again.
	redisQueue(t, "XADD", "plinth:analyses:jobs", "*", "analysis", id)
	waitFor(t, 10*time.Second, "the duplicate entry to be consumed", func() bool {
		return redisQueue(t, "XLEN", "plinth:analyses:jobs") == "0"
	})
	if n := fakeRequests(t, marker); n != 1 {
		t.Fatalf("a duplicate delivery ran the analysis again: %d requests", n)
	}
	// A new analysis of the same resource is allowed once the first is done.
	if r := createAnalysis(t, u, resID, nil); r.status != 202 {
		t.Fatalf("second analysis after completion: %d %s", r.status, r.raw)
	}
}

func TestTransientFailuresAreRetriedWithBackoff(t *testing.T) {
	u := newUser()
	marker := "flaky-" + randomHex(6)
	resID, id := analyse(t, u, "Overloaded then fine. [fake:429,529,ok] "+marker)
	start := time.Now()
	a := waitTerminal(t, u, id, 30*time.Second)
	if a["status"] != "succeeded" || a["attempts"] != float64(3) || a["error"] != nil {
		t.Fatalf("analysis: %v", a)
	}
	// Back-off 2 s after the first attempt, 4 s after the second.
	if elapsed := time.Since(start); elapsed < 6*time.Second {
		t.Fatalf("three attempts in %s: the 2 s + 4 s back-off was not applied", elapsed)
	}
	if n := fakeRequests(t, marker); n != 3 {
		t.Fatalf("provider saw %d requests, want 3", n)
	}
	if got := resourceStatus(t, u, resID); got != "completed" {
		t.Fatalf("resource status %q", got)
	}
	if c := credits(t, u); c != "9" {
		t.Fatalf("credits %s, want 9", c)
	}
	// The operators see the 429 and the worker that handled it.
	stats := do(t, "GET", "/api/v1/operator/queue", operatorToken(newUUID()), nil)
	if stats.status != 200 {
		t.Fatalf("stats: %d %s", stats.status, stats.raw)
	}
	workers, _ := stats.data()["workers"].([]any)
	if stats.data()["provider_rate_limited_last_5m"].(float64) < 1 || len(workers) == 0 ||
		workers[0].(map[string]any)["name"] == "" {
		t.Fatalf("stats after a 429: %s", stats.raw)
	}
}

func TestPermanentFailureRefundsTheCredit(t *testing.T) {
	u := newUser()
	marker := "bad-" + randomHex(6)
	resID, id := analyse(t, u, "Rejected by the provider. [fake:400] "+marker)
	a := waitTerminal(t, u, id, 20*time.Second)
	errText, _ := a["error"].(string)
	if a["status"] != "failed" || a["attempts"] != float64(1) || !strings.Contains(errText, "invalid_request_error") ||
		a["output"] != nil || a["completed_at"] == nil {
		t.Fatalf("analysis: %v", a)
	}
	if got := resourceStatus(t, u, resID); got != "failed" {
		t.Fatalf("resource status %q, want failed", got)
	}
	waitFor(t, 5*time.Second, "the credit to come back", func() bool { return credits(t, u) == "10" })
	if n := fakeRequests(t, marker); n != 1 {
		t.Fatalf("a permanent failure was retried: %d requests", n)
	}
}

func TestRetriesStopAfterThree(t *testing.T) {
	u := newUser()
	marker := "down-" + randomHex(6)
	// A malformed body and server errors are transient; four failures in a
	// row exhaust the first attempt and its three retries.
	_, id := analyse(t, u, "Never works. [fake:malformed,500,529,500,ok] "+marker)
	a := waitTerminal(t, u, id, 40*time.Second)
	if a["status"] != "failed" || a["attempts"] != float64(4) || !strings.Contains(a["error"].(string), "HTTP 500") {
		t.Fatalf("analysis: %v", a)
	}
	if n := fakeRequests(t, marker); n != 4 {
		t.Fatalf("provider saw %d requests, want 4", n)
	}
	waitFor(t, 5*time.Second, "the credit to come back", func() bool { return credits(t, u) == "10" })
}

// kill -9 of the worker mid-job, repeatedly: every analysis still ends in
// one terminal state, and the credits add up.
func TestWorkerKilledMidJobLosesNothing(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	psql(t, "update billing_accounts set credits_remaining = 100 where user_id = '"+u.id+"'")
	marker := "kill-" + randomHex(6)
	const n = 12
	ids := make([]string, n)
	// Each round's baseline is counted before its worker can call the
	// provider: counted after, a worker fast enough to have sent all twelve
	// calls already would never send another, and the round would wait for
	// nothing.
	before := 0
	for i := range ids {
		_, ids[i] = analyse(t, u, fmt.Sprintf("Slow job %d. [fake-delay:1500] %s", i, marker))
	}
	for round := 0; round < 3; round++ {
		waitFor(t, 20*time.Second, fmt.Sprintf("the worker to be mid-job (round %d)", round), func() bool {
			return fakeRequests(t, marker) > before
		})
		killWorker(t)
		before = fakeRequests(t, marker)
		if err := startWorker(); err != nil {
			t.Fatal(err)
		}
	}
	succeeded := 0
	for _, id := range ids {
		a := waitTerminal(t, u, id, 60*time.Second)
		if a["status"] == "succeeded" {
			succeeded++
		} else if !strings.Contains(a["error"].(string), "limit") {
			t.Fatalf("analysis failed for another reason than the limit: %v", a)
		}
	}
	// Everything settled: resources marked, refunds (if any) made.
	waitFor(t, 15*time.Second, "every analysis to settle", func() bool {
		return psql(t, "select count(*) from analyses where user_id = '"+u.id+"' and settled_at is not null") == fmt.Sprint(n)
	})
	if c := credits(t, u); c != fmt.Sprint(100-succeeded) {
		t.Fatalf("credits %s, want %d (100 - %d succeeded)", c, 100-succeeded, succeeded)
	}
	if s := psql(t, "select count(*) from resources where user_id = '"+u.id+"' and status = 'processing'"); s != "0" {
		t.Fatalf("%s resources left processing", s)
	}
	if succeeded == 0 {
		t.Fatalf("no analysis succeeded after the kills")
	}
}

// Redis down when the analysis is created: the request still succeeds (the
// row is the record) and the sweeper enqueues it once Redis is back.
func TestRedisDownAtEnqueueStillCompletes(t *testing.T) {
	u := newUser()
	stopQueueRedis()
	restarted := false
	defer func() {
		if !restarted {
			_ = startQueueRedis()
		}
	}()
	resID, id := analyse(t, u, "Created while Redis was down.")
	if s := psql(t, "select status from analyses where id = '"+id+"'"); s != "queued" {
		t.Fatalf("status %s", s)
	}
	if err := startQueueRedis(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	a := waitTerminal(t, u, id, 30*time.Second)
	if a["status"] != "succeeded" {
		t.Fatalf("analysis: %v", a)
	}
	if got := resourceStatus(t, u, resID); got != "completed" {
		t.Fatalf("resource status %q", got)
	}
}

// The internal RPCs refuse anyone without the service credential.
func TestInternalCallsNeedTheServiceToken(t *testing.T) {
	u := newUser()
	res := createResource(t, u, map[string]any{"title": "mine"})
	// Not routed by the gateway at all.
	r := do(t, "POST", "/api/v1/resources/"+res["id"].(string)+"/status", u.token, map[string]any{"status": "completed"})
	if r.status != 404 && r.status != 405 {
		t.Fatalf("internal route reachable over HTTP: %d %s", r.status, r.raw)
	}
	// A user may not set the worker's statuses through PATCH either.
	expectError(t, do(t, "PATCH", "/api/v1/resources/"+res["id"].(string), u.token, map[string]any{"status": "completed"}),
		400, "VALIDATION_ERROR")
}

// redisQueue runs redis-cli against the job queue's Redis.
func redisQueue(t *testing.T, args ...string) string {
	t.Helper()
	return redisCLIURL(t, fmt.Sprintf("redis://127.0.0.1:%d/0", queueRedisPort), args...)
}

// SIGTERM: the worker finishes the job it is running before it exits, and
// hands back what it had not started.
func TestWorkerDrainsOnSigterm(t *testing.T) {
	u := newUser()
	marker := "drain-" + randomHex(6)
	_, id := analyse(t, u, "Finish me before you go. [fake-delay:1500] "+marker)
	waitFor(t, 10*time.Second, "the provider call to start", func() bool { return fakeRequests(t, marker) == 1 })
	if err := worker.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := worker.Wait(); err != nil {
		t.Fatalf("worker exit after SIGTERM: %v", err)
	}
	// Done before the process exited, not by a successor.
	if s := psql(t, "select status || ':' || attempts from analyses where id = '"+id+"'"); s != "succeeded:1" {
		t.Fatalf("after the drain: %s", s)
	}
	if err := startWorker(); err != nil {
		t.Fatal(err)
	}
}

// The live log of an analysis (services/analysis/events.h): its attempt
// starting, the text in pieces as the fake streamed it, then the end; the
// pieces make up the stored output.
func TestTheAnalysisLiveLogHoldsItsStreamedText(t *testing.T) {
	u := newUser()
	_, id := analyse(t, u, "Streams one word at a time, with a pause between them. [fake-pace:30] live-"+randomHex(6))
	a := waitTerminal(t, u, id, 20*time.Second)
	if a["status"] != "succeeded" {
		t.Fatalf("analysis: %v", a)
	}
	key := "plinth:analysis:" + id + ":events"
	var entries []map[string]string
	waitFor(t, 5*time.Second, "the log's last entry", func() bool {
		entries = streamEntries(t, key)
		return len(entries) > 0 && entries[len(entries)-1]["type"] == "done"
	})
	if entries[0]["type"] != "status" || entries[0]["status"] != "running" || entries[0]["attempt"] != "1" {
		t.Fatalf("first entry: %v", entries[0])
	}
	var text strings.Builder
	deltas := 0
	for _, e := range entries[1 : len(entries)-1] {
		if e["type"] != "delta" || e["attempt"] != "1" {
			t.Fatalf("entry between start and end: %v", e)
		}
		deltas++
		text.WriteString(e["text"])
	}
	if text.String() != a["output"] || deltas < 2 {
		t.Fatalf("%d deltas make %q, the output is %q", deltas, text.String(), a["output"])
	}
	if end := entries[len(entries)-1]; end["status"] != "succeeded" {
		t.Fatalf("last entry: %v", end)
	}
	if ttl := mustFloat(redisCLIURL(t, fmt.Sprintf("redis://127.0.0.1:%d/0", queueRedisPort), "ttl", key)); ttl <= 0 || ttl > 3600 {
		t.Fatalf("the ended log's TTL: %v, want at most an hour", ttl)
	}
}

// streamEntries reads a Redis stream of the job queue's Redis as field maps.
func streamEntries(t *testing.T, key string) []map[string]string {
	t.Helper()
	out := redisCLIURL(t, fmt.Sprintf("redis://127.0.0.1:%d/0", queueRedisPort), "--json", "xrange", key, "-", "+")
	var raw [][]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("xrange %s: %v (%s)", key, err, out)
	}
	var entries []map[string]string
	for _, entry := range raw {
		fields, _ := entry[1].([]any)
		m := map[string]string{"id": fmt.Sprint(entry[0])}
		for i := 0; i+1 < len(fields); i += 2 {
			m[fmt.Sprint(fields[i])] = fmt.Sprint(fields[i+1])
		}
		entries = append(entries, m)
	}
	return entries
}

func redisCLIURL(t *testing.T, url string, args ...string) string {
	t.Helper()
	out, err := exec.Command("redis-cli", append([]string{"-u", url}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}
