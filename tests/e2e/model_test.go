package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health/grpc_health_v1"
)

// workerServing asks the worker's health port what a Kubernetes probe would.
func workerServing(t *testing.T) bool {
	t.Helper()
	addr := ""
	for _, kv := range workerEnv {
		if v, ok := strings.CutPrefix(kv, "ANALYSIS_WORKER_HEALTH_ADDR="); ok {
			addr = v
		}
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	resp, err := grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{})
	return err == nil && resp.GetStatus() == grpc_health_v1.HealthCheckResponse_SERVING
}

func fakeControl(t *testing.T, action, model string) {
	t.Helper()
	resp, err := http.Post(fakeAnthropicURL+"/_fake/"+action+"?model="+model, "", nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("fake %s %s: %v", action, model, err)
	}
	resp.Body.Close()
}

// A retired (or unknown) model: the worker stops taking work and says so;
// analyses wait in `queued`, none fails for it, and they run once the model
// is back.
func TestRetiredModelLeavesAnalysesQueued(t *testing.T) {
	const model = "claude-sonnet-5" // the default LLM_MODEL
	fakeControl(t, "retire", model)
	restored := false
	defer func() {
		if !restored {
			fakeControl(t, "restore", model)
		}
	}()
	waitFor(t, 10*time.Second, "the worker to report NOT_SERVING", func() bool { return !workerServing(t) })
	u := newUser()
	marker := "retired-" + randomHex(6)
	_, id := analyse(t, u, "A resource analysed while the model is retired. "+marker)
	// The worker is up and checking every second; the analysis must not move.
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		r := do(t, "GET", "/api/v1/analyses/"+id, u.token, nil)
		if r.data()["status"] != "queued" {
			t.Fatalf("analysis left queued while the model was retired: %s", r.raw)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if n := fakeRequests(t, marker); n != 0 {
		t.Fatalf("the provider was called %d times for an unusable model", n)
	}
	log, _ := os.ReadFile(filepath.Join(logDir, "analysis-worker.log"))
	if !strings.Contains(string(log), "the configured model is unusable (LLM_MODEL)") {
		t.Fatalf("no log line naming LLM_MODEL")
	}
	fakeControl(t, "restore", model)
	restored = true
	waitFor(t, 10*time.Second, "the worker to serve again", func() bool { return workerServing(t) })
	if a := waitTerminal(t, u, id, 30*time.Second); a["status"] != "succeeded" {
		t.Fatalf("analysis after the model came back: %v", a)
	}
}

// A model that disappears mid-run: that analysis fails with a clear error
// and its credit back, and the worker stops taking work until the model
// check finds it again.
func TestModelGoneMidRunFailsThatAnalysisWithARefund(t *testing.T) {
	u := newUser()
	_, id := analyse(t, u, "This one meets a retired model. [fake:gone] "+randomHex(6))
	a := waitTerminal(t, u, id, 20*time.Second)
	if a["status"] != "failed" || !strings.HasPrefix(a["error"].(string), "the model claude-sonnet-5 is not available (LLM_MODEL)") ||
		a["attempts"] != float64(1) {
		t.Fatalf("analysis: %v", a)
	}
	waitFor(t, 10*time.Second, "the refund", func() bool { return credits(t, u) == "10" })
	// The fake still serves the model, so the next check restores the worker.
	waitFor(t, 10*time.Second, "the worker to serve again", func() bool { return workerServing(t) })
	log, _ := os.ReadFile(filepath.Join(logDir, "analysis-worker.log"))
	if !strings.Contains(string(log), "the configured model is unusable (LLM_MODEL)") {
		t.Fatalf("the worker did not report the model unusable")
	}
}
