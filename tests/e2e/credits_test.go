package e2e

// Credits follow provider calls (docs/API.md, "Credits"): an analysis whose
// resource is deleted before its provider call started is refunded and never
// calls; one deleted after is charged and its call dropped at once. The race
// as an attacker runs it: create, analyse, delete a moment later, over and
// over, through the gateway and through SQL as `authenticated` (Supabase's
// REST API), against a provider that answers after 2 s.

import (
	"fmt"
	"math/rand"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

type creditRound struct {
	user        user
	resourceID  string
	analysisID  string
	marker      string
	deleteAfter time.Duration
}

// deleteAsAuthenticated deletes a resource as Supabase's REST API would: the
// `authenticated` role with the user's claims.
func deleteAsAuthenticated(u user, resourceID string) error {
	sql := fmt.Sprintf(`begin;
select set_config('request.jwt.claims', '{"sub":"%s","role":"authenticated"}', true);
set local role authenticated;
delete from public.resources where id = '%s';
commit;`, u.id, resourceID)
	out, err := exec.Command("psql", databaseURL, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

func runCreditRace(t *testing.T, users, roundsPerUser int, remove func(u user, resourceID string) error) []creditRound {
	t.Helper()
	var mu sync.Mutex
	var rounds []creditRound
	var failures []string
	var wg sync.WaitGroup
	for i := 0; i < users; i++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			u := newUser()
			rng := rand.New(rand.NewSource(seed))
			for j := 0; j < roundsPerUser; j++ {
				marker := "race-" + randomHex(8)
				r := doAt(t, baseURL, "POST", "/api/v1/resources", u.token,
					map[string]any{"title": "race", "content": "Deleted soon. [fake-delay:2000] " + marker})
				if r.status != 201 {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("create resource: %d %s", r.status, r.raw))
					mu.Unlock()
					return
				}
				resourceID := r.data()["id"].(string)
				a := doAt(t, baseURL, "POST", "/api/v1/resources/"+resourceID+"/analyses", u.token, nil)
				if a.status != 202 {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("create analysis: %d %s", a.status, a.raw))
					mu.Unlock()
					return
				}
				// The attack's timing: anywhere from at once to after the answer.
				wait := time.Duration(rng.Intn(2600)) * time.Millisecond
				if rng.Intn(4) == 0 { // often before the worker reaches the call
					wait = time.Duration(rng.Intn(30)) * time.Millisecond
				}
				time.Sleep(wait)
				if err := remove(u, resourceID); err != nil {
					mu.Lock()
					failures = append(failures, "delete: "+err.Error())
					mu.Unlock()
					return
				}
				mu.Lock()
				rounds = append(rounds, creditRound{user: u, resourceID: resourceID, analysisID: a.data()["id"].(string),
					marker: marker, deleteAfter: wait})
				mu.Unlock()
			}
		}(int64(i + 1))
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d rounds failed, first: %s", len(failures), failures[0])
	}
	// Every entry handled: claimed and found gone, or called and aborted or answered.
	waitFor(t, 30*time.Second, "the worker to finish every round", func() bool {
		return redisQueue(t, "XLEN", "plinth:analyses:jobs") == "0"
	})
	return rounds
}

func checkCreditsFollowCalls(t *testing.T, rounds []creditRound) {
	t.Helper()
	ids := make([]string, len(rounds))
	for i, r := range rounds {
		ids[i] = "'analysis:" + r.analysisID + "'"
	}
	// Charged: consumed and not refunded.
	charged := map[string]bool{}
	rows := psql(t, "select substr(key, 18) from credit_ledger c where key in ("+
		strings.ReplaceAll(strings.Join(ids, ","), "'analysis:", "'consume:analysis:")+
		") and not exists (select 1 from credit_ledger r where r.key = 'refund:' || substr(c.key, 9))")
	for _, id := range strings.Fields(rows) {
		charged[id] = true
	}
	calls, aborted, notCalled, answered := 0, 0, 0, 0
	perUser := map[string]int{}
	for _, r := range rounds {
		n := fakeRequests(t, r.marker)
		if n > 1 {
			t.Fatalf("round %s: %d provider calls", r.analysisID, n)
		}
		if (n == 1) != charged[r.analysisID] {
			t.Fatalf("round %s (deleted after %s): %d provider calls, charged %v", r.analysisID, r.deleteAfter, n,
				charged[r.analysisID])
		}
		if n == 0 {
			notCalled++
			continue
		}
		calls++
		perUser[r.user.id]++
		if fakeCount(t, "abandoned", r.marker) == 1 {
			aborted++
		} else {
			answered++
			// Deleted before the answer could come: the call must have been dropped.
			if r.deleteAfter < 1900*time.Millisecond {
				t.Fatalf("round %s deleted after %s: its provider call was not aborted", r.analysisID, r.deleteAfter)
			}
		}
	}
	for _, r := range rounds {
		want := fmt.Sprint(10 - perUser[r.user.id])
		if got := credits(t, r.user); got != want {
			t.Fatalf("user %s: %s credits, want %s", r.user.id, got, want)
		}
	}
	t.Logf("%d rounds: %d provider calls = %d charged (%d aborted, %d answered before the delete), %d not called and refunded",
		len(rounds), calls, calls, aborted, answered, notCalled)
	if notCalled == 0 || aborted == 0 {
		t.Fatalf("the race did not hit both sides: %d not called, %d aborted", notCalled, aborted)
	}
}

func TestCreditsFollowProviderCallsThroughTheGateway(t *testing.T) {
	rounds := runCreditRace(t, 20, 5, func(u user, resourceID string) error {
		r := doAt(t, baseURL, "DELETE", "/api/v1/resources/"+resourceID, u.token, nil)
		if r.status != 204 {
			return fmt.Errorf("DELETE: %d %s", r.status, r.raw)
		}
		return nil
	})
	checkCreditsFollowCalls(t, rounds)
}

func TestCreditsFollowProviderCallsThroughSQL(t *testing.T) {
	rounds := runCreditRace(t, 20, 5, deleteAsAuthenticated)
	checkCreditsFollowCalls(t, rounds)
}
