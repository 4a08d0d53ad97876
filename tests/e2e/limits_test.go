package e2e

// The provider's rate limits shared by every worker (services/analysis_worker/
// provider_limiter.h): four worker processes against a fake whose token
// bucket answers 429 when empty.

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestFourWorkersStayUnderTheSharedProviderLimit(t *testing.T) {
	killWorker(t)
	defer func() {
		if err := startWorker(); err != nil {
			t.Fatal(err)
		}
	}()
	marker := "limits-" + randomHex(6)
	// The provider allows 10 requests per 4 s; the workers share 8 per 4 s
	// (2 per second), configured under it as an operator would.
	group := "[fake-limit:10/4s:" + marker + "]"
	var workers []*exec.Cmd
	for i := 0; i < 4; i++ {
		env := append(append([]string{}, workerEnv...), "LLM_RATE_REQUESTS=8", "LLM_RATE_WINDOW_SECONDS=4",
			fmt.Sprintf("ANALYSIS_WORKER_HEALTH_ADDR=127.0.0.1:%d", freePort()))
		cmd, err := startDetached(fmt.Sprintf("analysis-worker-limited-%d", i),
			[]string{filepath.Join(root, "bazel-bin/services/analysis_worker/analysis_worker")}, env)
		if err != nil {
			t.Fatal(err)
		}
		workers = append(workers, cmd)
	}
	defer func() {
		for _, w := range workers {
			_ = w.Process.Kill()
			_ = w.Wait()
		}
	}()
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	psql(t, "update billing_accounts set credits_remaining = 100 where user_id = '"+u.id+"'")
	const n = 24
	ids := make([]string, n)
	for i := range ids {
		_, ids[i] = analyse(t, u, fmt.Sprintf("Limited %d. %s %s", i, group, marker))
	}
	for _, id := range ids {
		if a := waitTerminal(t, u, id, 60*time.Second); a["status"] != "succeeded" {
			t.Fatalf("analysis %v", a)
		}
	}
	if limited := fakeCount(t, "limited", marker); limited != 0 {
		t.Fatalf("the provider refused %d calls with 429: the workers went over the shared limit", limited)
	}
	// 8 at once, then 2 per second: the last 16 take about 8 s.
	span, _ := strconv.ParseFloat(psql(t, "select extract(epoch from max(started_at) - min(started_at)) from analyses where user_id = '"+u.id+"'"), 64)
	if span < 5 || span > 20 {
		t.Fatalf("the %d calls started over %.1f s; at the shared limit they take about 8 s", n, span)
	}
	t.Logf("%d calls over %.1f s by 4 workers, none refused", n, span)
}
