package e2e

// The LLM worker's surroundings: its own Redis (tests stop and restart it),
// the fake Anthropic server, and a worker process tests can kill.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const (
	serviceToken     = "e2e-internal-service-token-0123456789abcdef"
	fakeAnthropicKey = "sk-ant-e2e-fake-key"
)

var (
	queueRedisPort   int
	queueRedis       *exec.Cmd
	fakeAnthropicURL string
	workerEnv        []string
	worker           *exec.Cmd
)

func waitTCP(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func startQueueRedis() error {
	var err error
	queueRedis, err = startDetached("queue-redis", []string{"redis-server", "--bind", "127.0.0.1", "--port",
		fmt.Sprint(queueRedisPort), "--save", "", "--appendonly", "no"}, nil)
	if err != nil {
		return err
	}
	return waitTCP(fmt.Sprintf("127.0.0.1:%d", queueRedisPort), 10*time.Second)
}

func stopQueueRedis() {
	if queueRedis != nil {
		_ = queueRedis.Process.Kill()
		_ = queueRedis.Wait()
		queueRedis = nil
	}
}

func startFakeAnthropic() error {
	binary := filepath.Join(logDir, "fake-anthropic")
	build := exec.Command("go", "build", "-o", binary, "./cmd/fake-anthropic")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build fake-anthropic: %v: %s", err, out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort())
	cmd, err := startDetached("fake-anthropic", []string{binary, "-addr", addr, "-api-key", fakeAnthropicKey}, nil)
	if err != nil {
		return err
	}
	procs = append(procs, cmd)
	fakeAnthropicURL = "http://" + addr
	return waitTCP(addr, 10*time.Second)
}

// startWorker starts the worker and waits until it serves /metrics (the
// metrics tests scrape it; a test that restarted it must not race them).
func startWorker() error {
	var err error
	worker, err = startDetached("analysis-worker", []string{filepath.Join(root, "bazel-bin/services/analysis_worker/analysis_worker")}, workerEnv)
	if err != nil {
		return err
	}
	return waitTCP(metricsAddr["analysis-worker"], 10*time.Second)
}

// killWorker ends the worker with SIGKILL: no drain, no cleanup.
func killWorker(t *testing.T) {
	t.Helper()
	if err := worker.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = worker.Wait()
}

// fakeRequests is how many requests the fake Anthropic saw whose text
// contained marker.
func fakeRequests(t *testing.T, marker string) int {
	t.Helper()
	return fakeCount(t, "requests", marker)
}

// fakeCount asks the fake Anthropic one of its counters (requests, abandoned).
func fakeCount(t *testing.T, counter, marker string) int {
	t.Helper()
	resp, err := http.Get(fakeAnthropicURL + "/_fake/" + counter + "?marker=" + url.QueryEscape(marker))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Count int }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Count
}

// waitFor polls cond every 50 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s (logs in %s)", timeout, what, logDir)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitTerminal polls the analysis through the gateway until it has
// succeeded or failed, and returns it.
func waitTerminal(t *testing.T, u user, id string, timeout time.Duration) map[string]any {
	t.Helper()
	var a map[string]any
	waitFor(t, timeout, "analysis "+id+" to finish", func() bool {
		r := do(t, "GET", "/api/v1/analyses/"+id, u.token, nil)
		if r.status != 200 {
			t.Fatalf("GET analysis: %d %s", r.status, r.raw)
		}
		a = r.data()
		return a["status"] == "succeeded" || a["status"] == "failed"
	})
	return a
}

func init() {
	// The harness' processes find redis-server and go on PATH.
	_ = os.Setenv("PATH", os.Getenv("PATH")+":/usr/local/go/bin:/usr/bin")
}
