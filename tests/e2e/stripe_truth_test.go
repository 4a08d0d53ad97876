package e2e

// Billing against the Stripe stand-in as a user meets it: buying a plan and
// a credit pack, changing plan, cancelling, failed payments and the grace
// period, and webhooks lost, doubled and reordered, then reconcile.

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"plinth/e2e/fakestripe"
)

const appURL = "https://app.example.com"

// account is the user's billing row: status|tier|credits|cancel_at_period_end.
func account(t *testing.T, u user) string {
	t.Helper()
	return psql(t, "select subscription_status || '|' || subscription_tier || '|' || credits_remaining || '|' || "+
		"subscription_cancel_at_period_end from billing_accounts where user_id = '"+u.id+"'")
}

func waitAccount(t *testing.T, u user, want string) {
	t.Helper()
	waitFor(t, 10*time.Second, "account "+want, func() bool { return account(t, u) == want })
}

// buy checks out through the API and pays on the stand-in, as the browser
// would; returns the subscription (or "" for a pack).
func buy(t *testing.T, u user, path string, body map[string]any) string {
	t.Helper()
	body["success_url"], body["cancel_url"] = appURL+"/billing?checkout=success", appURL+"/billing"
	r := do(t, "POST", path, u.token, body)
	if r.status != 200 {
		t.Fatalf("%s: %d %s", path, r.status, r.raw)
	}
	if err := stripe.fake.CompleteCheckout(r.data()["session_id"].(string)); err != nil {
		t.Fatal(err)
	}
	customer := psql(t, "select stripe_customer_id from billing_accounts where user_id = '"+u.id+"'")
	if subs := stripe.fake.SubscriptionsOf(customer); len(subs) > 0 && path == "/api/v1/billing/checkout" {
		return subs[0]["id"].(string)
	}
	return ""
}

func buyPlan(t *testing.T, u user, tier, interval string) string {
	return buy(t, u, "/api/v1/billing/checkout", map[string]any{"tier": tier, "interval": interval})
}

func buyPack(t *testing.T, u user) {
	buy(t, u, "/api/v1/billing/credit-packs/checkout", map[string]any{"price_id": "price_pack_50"})
}

func reconcile(t *testing.T) map[string]any {
	t.Helper()
	r := do(t, "POST", "/api/v1/operator/billing/reconcile", operatorToken(newUUID()), map[string]any{})
	if r.status != 200 {
		t.Fatalf("reconcile: %d %s", r.status, r.raw)
	}
	return r.data()
}

func driftsOf(report map[string]any, u user) []string {
	var out []string
	for _, d := range report["drifts"].([]any) {
		if m := d.(map[string]any); m["user_id"] == u.id {
			out = append(out, fmt.Sprintf("%s:%s->%s", m["field"], m["local"], m["stripe"]))
		}
	}
	return out
}

func TestBuyingAPlanAndACreditPackOnTheStandIn(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	buyPlan(t, u, "pro", "")
	waitAccount(t, u, "active|pro|110|false")
	buyPack(t, u)
	waitAccount(t, u, "active|pro|160|false")
	// Subscribed: the next plan goes through the portal.
	expectError(t, checkout(t, u, "team"), 409, "CONFLICT")
	p := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data()
	if p["subscription_tier"] != "pro" || p["credits_remaining"] != float64(160) || p["subscription_current_period_end"] == nil {
		t.Fatalf("profile: %v", p)
	}
	// A yearly price grants twelve months at once.
	y := newUser()
	do(t, "GET", "/api/v1/profiles/me", y.token, nil)
	buyPlan(t, y, "team", "year")
	waitAccount(t, y, "active|team|6010|false")
	// What Stripe was asked: the yearly price, the pack in payment mode with its credits.
	sessions := stripe.requestsTo("/v1/checkout/sessions")
	last := sessions[len(sessions)-1].Form
	if last.Get("line_items[0][price]") != "price_team_yearly" || last.Get("mode") != "subscription" {
		t.Errorf("yearly checkout: %v", last)
	}
	var pack bool
	for _, s := range sessions {
		if s.Form.Get("mode") == "payment" && s.Form.Get("line_items[0][price]") == "price_pack_50" &&
			s.Form.Get("metadata[plinth_credits]") == "50" && s.Form.Get("metadata[user_id]") == u.id {
			pack = true
		}
	}
	if !pack {
		t.Errorf("no payment-mode session for the pack")
	}
	// Bad input: an interval the plan has no price for, a pack that is not one.
	r := do(t, "POST", "/api/v1/billing/checkout", u.token, map[string]any{"tier": "pro", "interval": "week",
		"success_url": appURL + "/s", "cancel_url": appURL + "/c"})
	expectError(t, r, 400, "VALIDATION_ERROR")
	r = do(t, "POST", "/api/v1/billing/credit-packs/checkout", u.token, map[string]any{"price_id": "price_pro_monthly",
		"success_url": appURL + "/s", "cancel_url": appURL + "/c"})
	expectError(t, r, 400, "VALIDATION_ERROR")
	if f := r.errorFields(); len(f) != 1 || f[0] != "price_id" {
		t.Errorf("pack error fields: %v", f)
	}
}

func TestACreditPackPaidOnceItsEventsDeliveredThreeTimes(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	stripe.fake.Hold(true)
	buyPack(t, u)
	stripe.fake.Hold(false)
	held := stripe.fake.Held()
	if len(held) != 1 || held[0].Type != "checkout.session.completed" {
		t.Fatalf("held events: %v", held)
	}
	for n := 0; n < 3; n++ {
		if r := deliver(t, held[0].Payload, fakestripe.Sign(held[0].Payload, webhookSecret, time.Now().Unix())); r.status != 200 {
			t.Fatalf("delivery %d: %d %s", n, r.status, r.raw)
		}
	}
	if got := account(t, u); got != "free|free|60|false" {
		t.Fatalf("after three deliveries: %s, want 60 credits", got)
	}
	if n := psql(t, "select count(*) from credit_ledger where user_id = '"+u.id+"' and reason = 'credit_pack'"); n != "1" {
		t.Fatalf("%s ledger rows for one pack", n)
	}
}

func TestPlanChangesFollowTheCreditRule(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	sub := buyPlan(t, u, "pro", "month")
	waitAccount(t, u, "active|pro|110|false")
	// Upgrade: the difference of monthly credits at once (its proration invoice).
	if err := stripe.fake.SwitchPrice(sub, "price_team_monthly"); err != nil {
		t.Fatal(err)
	}
	waitAccount(t, u, "active|team|510|false")
	// Downgrade: the tier follows, nothing is taken back.
	stripe.fake.SwitchPrice(sub, "price_pro_monthly")
	waitAccount(t, u, "active|pro|510|false")
	// The next renewal grants the plan's month.
	stripe.fake.Renew(sub)
	waitAccount(t, u, "active|pro|610|false")
	// Cancelled at the period's end: the plan stays until Stripe ends it.
	stripe.fake.SetCancelAtPeriodEnd(sub, true)
	waitAccount(t, u, "active|pro|610|true")
	if p := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data(); p["subscription_cancel_at_period_end"] != true {
		t.Fatalf("profile: %v", p)
	}
	stripe.fake.SetCancelAtPeriodEnd(sub, false)
	waitAccount(t, u, "active|pro|610|false")
	stripe.fake.EndNow(sub)
	waitAccount(t, u, "canceled|free|610|false")
	// Ended: checkout works again.
	if r := checkout(t, u, "team"); r.status != 200 {
		t.Fatalf("checkout after the end: %d %s", r.status, r.raw)
	}
}

func TestPastDueKeepsThePlanForTheGracePeriodOnly(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	sub := buyPlan(t, u, "pro", "month")
	waitAccount(t, u, "active|pro|110|false")
	stripe.fake.FailRenewal(sub)
	waitAccount(t, u, "past_due|pro|110|false")
	if p := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data(); p["subscription_past_due_since"] == nil {
		t.Fatalf("profile: %v", p)
	}
	// Within the grace period reconcile changes nothing...
	if d := driftsOf(reconcile(t), u); len(d) != 0 {
		t.Fatalf("drift within the grace period: %v", d)
	}
	waitAccount(t, u, "past_due|pro|110|false")
	// ...after it (BILLING_GRACE_DAYS: 7), the free tier, and that is no drift.
	psql(t, "update billing_accounts set past_due_since = now() - interval '8 days' where user_id = '"+u.id+"'")
	if d := driftsOf(reconcile(t), u); len(d) != 0 {
		t.Fatalf("drift after the grace period: %v", d)
	}
	waitAccount(t, u, "past_due|free|110|false")
	// Paying again brings the plan back, with its month's credits.
	stripe.fake.Renew(sub)
	waitAccount(t, u, "active|pro|210|false")
	// Unpaid (the retries ran out): free at once.
	stripe.fake.SetStatus(sub, "unpaid")
	waitAccount(t, u, "unpaid|free|210|false")
}

// Webhooks lost, doubled and reordered; then reconcile makes every account
// what Stripe says, and a second reconcile finds nothing.
func TestChaoticWebhooksThenReconcileEqualStripe(t *testing.T) {
	rng := rand.New(rand.NewSource(20261205))
	users := make([]user, 6)
	subs := make([]string, 6)
	stripe.fake.Hold(true)
	for i := range users {
		users[i] = newUser()
		do(t, "GET", "/api/v1/profiles/me", users[i].token, nil)
		subs[i] = buyPlan(t, users[i], "pro", "month")
	}
	for i := 0; i < 3; i++ {
		stripe.fake.SwitchPrice(subs[i], "price_team_monthly")
	}
	stripe.fake.FailRenewal(subs[3])
	stripe.fake.SetCancelAtPeriodEnd(subs[4], true)
	stripe.fake.Hold(false)
	events := stripe.fake.Held()
	rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	dropped := 0
	for _, e := range events {
		copies := []int{0, 0, 1, 2}[rng.Intn(4)] // lost (half), once, twice
		if copies == 0 {
			dropped++
		}
		for n := 0; n < copies; n++ {
			if r := deliver(t, e.Payload, fakestripe.Sign(e.Payload, webhookSecret, time.Now().Unix())); r.status != 200 {
				t.Fatalf("%s: %d %s", e.Type, r.status, r.raw)
			}
		}
	}
	t.Logf("%d events, %d lost", len(events), dropped)
	first := reconcile(t)
	if len(first["drifts"].([]any)) == 0 {
		t.Fatalf("%d of %d events lost and reconcile found nothing to repair", dropped, len(events))
	}
	want := []string{"active|team|510|false", "active|team|510|false", "active|team|510|false",
		"past_due|pro|110|false", "active|pro|110|true", "active|pro|110|false"}
	for i, u := range users {
		if got := account(t, u); got != want[i] {
			t.Errorf("user %d after reconcile: %s, want %s (drifts %v)", i, got, want[i], driftsOf(first, u))
		}
	}
	second := reconcile(t)
	if d := second["drifts"].([]any); len(d) != 0 {
		t.Fatalf("a second reconcile still found %d differences: %v", len(d), d)
	}
	if second["errors"] != float64(0) {
		t.Fatalf("reconcile errors: %v", second)
	}
	// Both runs are audited.
	if n := psql(t, "select count(*) >= 2 from operator_audit where action = 'billing_reconcile' and at > now() - interval '1 minute'"); n != "t" {
		t.Fatalf("reconcile runs not audited")
	}
	var drift float64
	for series, v := range scrape(t, "billing") {
		if strings.HasPrefix(series, "plinth_billing_drift_total") {
			drift += v
		}
	}
	if got := float64(len(first["drifts"].([]any))); drift < got {
		t.Errorf("plinth_billing_drift_total %v, want at least the %v differences repaired", drift, got)
	}
}
