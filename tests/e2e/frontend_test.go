package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The frontend (frontend/) in Debian's Chromium, driven by Playwright
// (frontend/tests/browser), against this stack: its production server as
// `./plinth up` runs it, the real gateway, services, worker and the fake
// Stripe and Anthropic servers. PLINTH_FRONTEND=1 once the frontend is built
// (./plinth test builds it).
func TestFrontendInBrowser(t *testing.T) {
	if os.Getenv("PLINTH_FRONTEND") == "" {
		t.Skip("PLINTH_FRONTEND is not set (./plinth test sets it)")
	}
	app := filepath.Join(root, "frontend")
	server := filepath.Join(app, ".next/standalone/frontend/server.js")
	if _, err := os.Stat(server); err != nil {
		t.Fatalf("the frontend is not built (%v): ./plinth build", err)
	}
	host, port, _ := strings.Cut(webAddr, ":")
	run := randomHex(4)
	// The browser suite's operator (app.spec.ts signs in as "operator").
	web, err := startDetached("web", []string{"node", server}, []string{"PORT=" + port, "HOSTNAME=" + host,
		"NEXT_TELEMETRY_DISABLED=1", "PLINTH_API_URL=" + baseURL, "SUPABASE_JWT_SECRET=" + jwtSecret,
		"PLINTH_DEV_OPERATORS=operator-" + run + "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = web.Process.Kill(); _, _ = web.Process.Wait() }()
	webURL := "http://" + webAddr
	waitFor(t, 30*time.Second, "the frontend answers", func() bool {
		resp, err := http.Get(webURL + "/login")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})

	checkoutsBefore := len(stripe.requestsTo("/v1/checkout/sessions"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(app, "node_modules/.bin/playwright"), "test")
	cmd.Dir = app
	cmd.Env = append(os.Environ(), "PLINTH_WEB_URL="+webURL, "PLINTH_E2E_RUN="+run,
		"PLINTH_E2E_DATABASE_URL="+databaseURL, "PLINTH_API_URL="+baseURL, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	out, err := cmd.CombinedOutput()
	t.Logf("playwright:\n%s", lastLines(string(out), 40))
	if err != nil {
		t.Fatalf("the browser suite failed: %v (logs: %s/web.log, artifacts: frontend/test-results)", err, logDir)
	}

	// Lighthouse on every kind of page, mobile and desktop (frontend/tests/lighthouse).
	lhCtx, lhCancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer lhCancel()
	lh := exec.CommandContext(lhCtx, "node", "tests/lighthouse/run.mjs")
	lh.Dir = filepath.Join(root, "frontend")
	lh.Env = append(os.Environ(), "PLINTH_WEB_URL="+webURL, "PLINTH_API_URL="+baseURL, "CHROME_PATH=/usr/bin/chromium")
	lhOut, err := lh.CombinedOutput()
	t.Logf("lighthouse:\n%s", lastLines(string(lhOut), 40))
	if err != nil {
		t.Fatalf("lighthouse: %v (scores in frontend/test-results/lighthouse)", err)
	}

	// What the browser did is really there: resources of this run's users in
	// PostgreSQL, and a checkout session asked of Stripe for the Pro price.
	if n := psql(t, "select count(*) from resources r join profiles p on p.id = r.user_id where p.email like '%-"+run+"@example.com'"); n == "0" {
		t.Fatalf("no resources of the browser's users in the database")
	}
	checkouts := stripe.requestsTo("/v1/checkout/sessions")
	if len(checkouts) <= checkoutsBefore {
		t.Fatalf("the browser's checkout did not reach Stripe")
	}
	// The buyer's: Pro monthly, then the credit pack, both back to the app.
	var pro, pack bool
	for _, c := range checkouts[checkoutsBefore:] {
		back := strings.HasPrefix(c.Form.Get("success_url"), webURL+"/settings/billing")
		pro = pro || (back && c.Form.Get("line_items[0][price]") == "price_pro_monthly" && c.Form.Get("mode") == "subscription")
		pack = pack || (back && c.Form.Get("line_items[0][price]") == "price_pack_50" && c.Form.Get("mode") == "payment")
	}
	if !pro || !pack {
		t.Fatalf("checkout sessions asked: pro %v, pack %v", pro, pack)
	}
	if got := psql(t, "select subscription_tier || '|' || credits_remaining from billing_accounts a join profiles p on p.id = a.user_id "+
		"where p.email = 'buyer-"+run+"@example.com'"); got != "pro|160" {
		t.Fatalf("the buyer's account: %s, want pro|160", got)
	}
}
