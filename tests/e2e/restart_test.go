package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// The reproduction: under steady load a PostgreSQL restart failed requests
// long after the database was back, and an idle service answered 503 to its
// next requests. Now: requests in flight while it is down may fail; none
// that starts once it is back does, busy or idle service alike.
// tests/run_all.sh provides the restart command of its PostgreSQL.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	restart := os.Getenv("PLINTH_TEST_PG_RESTART")
	if restart == "" {
		t.Skip("PLINTH_TEST_PG_RESTART unset (run through ./plinth test)")
	}
	u := newUser()
	res := createResource(t, u, map[string]any{"title": "survives restarts"})
	idle := newUser()
	do(t, "GET", "/api/v1/profiles/me", idle.token, nil) // a profile, so the portal reads the database

	type outcome struct {
		started time.Time
		status  int
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 15 * time.Second}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				started := time.Now()
				req, _ := http.NewRequest("GET", baseURL+"/api/v1/resources/"+res["id"].(string), nil)
				req.Header.Set("Authorization", "Bearer "+u.token)
				status := 0
				if resp, err := client.Do(req); err == nil {
					status = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				outcomes = append(outcomes, outcome{started, status})
				mu.Unlock()
			}
		}()
	}
	waitFor(t, 10*time.Second, "load running", func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) > 100 })
	if out, err := exec.Command("sh", "-c", restart).CombinedOutput(); err != nil {
		t.Fatalf("restart: %v: %s", err, out)
	}
	back := time.Now()
	// The idle service (billing never served this load) answers its first
	// request after the restart: 409 (no Stripe customer yet), not 503.
	r := do(t, "POST", "/api/v1/billing/portal", idle.token, map[string]any{"return_url": "https://app.example.com/account"})
	expectError(t, r, 409, "CONFLICT")
	waitFor(t, 20*time.Second, "load after the restart", func() bool {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, o := range outcomes {
			if o.started.After(back) {
				n++
			}
		}
		return n >= 200
	})
	close(stop)
	wg.Wait()
	failedBefore, failedAfter, after := 0, 0, 0
	for _, o := range outcomes {
		switch {
		case o.started.After(back):
			after++
			if o.status != 200 {
				failedAfter++
			}
		case o.status != 200:
			failedBefore++
		}
	}
	t.Logf("%d requests: %d failed while PostgreSQL restarted, %d of %d after it was back", len(outcomes), failedBefore, failedAfter, after)
	if failedAfter != 0 {
		t.Fatalf("%d requests that started after PostgreSQL was back failed", failedAfter)
	}
}
