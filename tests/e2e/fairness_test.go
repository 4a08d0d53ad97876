package e2e

// One user's backlog does not hold everyone else's back: a user holds at
// most ANALYSIS_MAX_USER_SHARE_PERCENT (50) of a worker's slots while
// other users' analyses wait.

import (
	"fmt"
	"testing"
	"time"
)

func TestOneUsersBacklogDoesNotHoldOthersBack(t *testing.T) {
	a, b := newUser(), newUser()
	for _, u := range []user{a, b} {
		do(t, "GET", "/api/v1/profiles/me", u.token, nil)
		psql(t, "update billing_accounts set credits_remaining = 500 where user_id = '"+u.id+"'")
	}
	marker := "fair-" + randomHex(6)
	// A: 200 analyses of a second each, 16 slots: about 13 s of work.
	const aCount, bCount = 200, 10
	aIDs := make([]string, aCount)
	for i := range aIDs {
		_, aIDs[i] = analyse(t, a, fmt.Sprintf("A's backlog %d. [fake-delay:1000] %s", i, marker))
	}
	start := time.Now()
	bIDs := make([]string, bCount)
	for i := range bIDs {
		_, bIDs[i] = analyse(t, b, fmt.Sprintf("B's few %d. [fake-delay:1000] %s", i, marker))
	}
	for _, id := range bIDs {
		if r := waitTerminal(t, b, id, 30*time.Second); r["status"] != "succeeded" {
			t.Fatalf("B's analysis %v", r)
		}
	}
	bTook := time.Since(start)
	aLeft := psql(t, "select count(*) from analyses where user_id = '"+a.id+"' and status in ('queued', 'running')")
	// About two analysis durations (B gets the slots A may not hold), not
	// the ten seconds A's backlog would take first.
	if bTook > 4*time.Second {
		t.Fatalf("B's %d analyses took %s behind A's backlog (%s of A's still to do)", bCount, bTook, aLeft)
	}
	if aLeft == "0" {
		t.Fatalf("A's backlog was done before B's: nothing was shown")
	}
	for _, id := range aIDs {
		if r := waitTerminal(t, a, id, 60*time.Second); r["status"] != "succeeded" {
			t.Fatalf("A's analysis %v", r)
		}
	}
	t.Logf("B's %d analyses done in %s while %s of A's waited; all of A's finished", bCount, bTook, aLeft)
}
