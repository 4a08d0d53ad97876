package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPlans(t *testing.T) {
	r := do(t, "GET", "/api/v1/billing/plans", "", nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	plans := r.body["data"].([]any)
	if len(plans) != 3 {
		t.Fatalf("plans: %s", r.raw)
	}
	free := plans[0].(map[string]any)
	if free["tier"] != "free" || free["price_id"] != nil || free["monthly_credits"] != float64(10) {
		t.Errorf("free plan: %v", free)
	}
	pro := plans[1].(map[string]any)
	if pro["price_id"] != "price_pro_monthly" || pro["monthly_credits"] != float64(100) || pro["name"] != "Pro" {
		t.Errorf("pro plan: %v", pro)
	}
	// Prices and features from the Stripe products (the stand-in's catalog).
	prices, _ := pro["prices"].([]any)
	if len(prices) != 2 || prices[0].(map[string]any)["interval"] != "month" ||
		prices[0].(map[string]any)["unit_amount"] != float64(1900) || prices[1].(map[string]any)["interval"] != "year" ||
		prices[1].(map[string]any)["currency"] != "usd" {
		t.Errorf("pro prices: %v", prices)
	}
	if features, _ := pro["features"].([]any); len(features) == 0 {
		t.Errorf("pro features: %v", pro)
	}
	packs := do(t, "GET", "/api/v1/billing/credit-packs", "", nil)
	if packs.status != 200 || len(packs.body["data"].([]any)) != 1 ||
		packs.body["data"].([]any)[0].(map[string]any)["credits"] != float64(50) {
		t.Fatalf("credit packs: %d %s", packs.status, packs.raw)
	}
}

func checkout(t *testing.T, u user, tier string) response {
	return do(t, "POST", "/api/v1/billing/checkout", u.token, map[string]any{
		"tier": tier, "success_url": "https://app.example.com/billing/success", "cancel_url": "https://app.example.com/billing"})
}

func TestCheckoutCreatesOneCustomerAndASubscriptionSession(t *testing.T) {
	u := newUser()
	before := len(stripe.requestsTo("/v1/customers"))
	r := checkout(t, u, "pro")
	if r.status != 200 || !strings.HasPrefix(r.data()["checkout_url"].(string), stripe.server.URL+"/checkout/cs_test_") ||
		!strings.HasPrefix(r.data()["session_id"].(string), "cs_test_") {
		t.Fatalf("checkout: %d %s", r.status, r.raw)
	}
	if r2 := checkout(t, u, "team"); r2.status != 200 {
		t.Fatalf("second checkout: %d %s", r2.status, r2.raw)
	}
	customers := stripe.requestsTo("/v1/customers")[before:]
	if len(customers) != 1 {
		t.Fatalf("%d customer creations for one user", len(customers))
	}
	if customers[0].Form.Get("metadata[user_id]") != u.id || customers[0].Form.Get("email") != u.email {
		t.Errorf("customer form: %v", customers[0].Form)
	}
	sessions := stripe.requestsTo("/v1/checkout/sessions")
	s := sessions[len(sessions)-2]
	for k, want := range map[string]string{
		"mode": "subscription", "line_items[0][price]": "price_pro_monthly", "line_items[0][quantity]": "1",
		"client_reference_id": u.id, "metadata[user_id]": u.id, "subscription_data[metadata][user_id]": u.id,
		"success_url": "https://app.example.com/billing/success",
	} {
		if got := s.Form.Get(k); got != want {
			t.Errorf("session %s = %q, want %q", k, got, want)
		}
	}
	if s.Headers.Get("Stripe-Version") != "2024-06-20" || s.Headers.Get("Idempotency-Key") == "" ||
		s.Headers.Get("Authorization") != "Bearer sk_test_e2e" {
		t.Errorf("headers: %v", s.Headers)
	}
	if got := psql(t, "select stripe_customer_id from billing_accounts where user_id = '"+u.id+"'"); got != customers[0].Form.Get("") && !strings.HasPrefix(got, "cus_") {
		t.Errorf("stripe_customer_id = %q", got)
	}
}

func TestCheckoutRetriesWithTheSameIdempotencyKey(t *testing.T) {
	u := newUser()
	checkout(t, u, "pro") // customer exists from here on
	stripe.inject("/v1/checkout/sessions", 500, 429)
	before := len(stripe.requestsTo("/v1/checkout/sessions"))
	r := checkout(t, u, "pro")
	if r.status != 200 {
		t.Fatalf("after 500, 429 then success: %d %s", r.status, r.raw)
	}
	attempts := stripe.requestsTo("/v1/checkout/sessions")[before:]
	if len(attempts) != 3 {
		t.Fatalf("%d attempts, want 3", len(attempts))
	}
	key := attempts[0].Headers.Get("Idempotency-Key")
	for _, a := range attempts {
		if a.Headers.Get("Idempotency-Key") != key {
			t.Fatalf("retries used different idempotency keys")
		}
	}
	stripe.inject("/v1/checkout/sessions", 500, 500, 500)
	expectError(t, checkout(t, u, "pro"), 503, "UNAVAILABLE")
	stripe.inject("/v1/checkout/sessions", 400)
	expectError(t, checkout(t, u, "pro"), 400, "VALIDATION_ERROR")
	// A provider slower than the client's timeout (1.5 s): the attempt times
	// out, the retry carries the same key, and once the first request has
	// finished Stripe replays its response: one session, no duplicate.
	stripe.setDelay("/v1/checkout/sessions", 2*time.Second)
	defer stripe.setDelay("/v1/checkout/sessions", 0)
	before = len(stripe.requestsTo("/v1/checkout/sessions"))
	r = checkout(t, u, "pro")
	if r.status != 200 {
		t.Fatalf("slow provider: %d %s", r.status, r.raw)
	}
	slow := stripe.requestsTo("/v1/checkout/sessions")[before:]
	if len(slow) < 2 || slow[0].Headers.Get("Idempotency-Key") != slow[len(slow)-1].Headers.Get("Idempotency-Key") {
		t.Fatalf("timeouts were not retried with one key (%d attempts)", len(slow))
	}
}

func TestCheckoutValidationAndPortal(t *testing.T) {
	u := newUser()
	for body, field := range map[string]string{
		`{"tier":"free","success_url":"https://app.example.com/s","cancel_url":"https://app.example.com/c"}`: "tier",
		`{"tier":"gold","success_url":"https://app.example.com/s","cancel_url":"https://app.example.com/c"}`: "tier",
		`{"tier":"pro","success_url":"javascript:alert(1)","cancel_url":"https://app.example.com/c"}`:        "success_url",
		`{"tier":"pro","success_url":"https://app.example.com/s"}`:                                           "cancel_url",
		// Open redirects: only the application's origins (PLINTH_CORS_ORIGINS).
		`{"tier":"pro","success_url":"https://evil.example.net/s","cancel_url":"https://app.example.com/c"}`:         "success_url",
		`{"tier":"pro","success_url":"https://app.example.com/s","cancel_url":"https://app.example.com.evil.net/c"}`: "cancel_url",
		`{"tier":"pro","success_url":"https://app.example.com@evil.net/s","cancel_url":"https://app.example.com/c"}`: "success_url",
	} {
		r := do(t, "POST", "/api/v1/billing/checkout", u.token, body)
		expectError(t, r, 400, "VALIDATION_ERROR")
		if f := r.errorFields(); len(f) == 0 || f[0] != field {
			t.Errorf("%s: %v", body, f)
		}
	}
	expectError(t, do(t, "POST", "/api/v1/billing/checkout", "", `{}`), 401, "UNAUTHENTICATED")
	portal := func() response {
		return do(t, "POST", "/api/v1/billing/portal", u.token, map[string]any{"return_url": "https://app.example.com/account"})
	}
	expectError(t, portal(), 409, "CONFLICT")
	expectError(t, do(t, "POST", "/api/v1/billing/portal", u.token, map[string]any{"return_url": "https://evil.example.net/"}),
		400, "VALIDATION_ERROR")
	checkout(t, u, "pro")
	r := portal()
	if r.status != 200 || !strings.HasPrefix(r.data()["portal_url"].(string), stripe.server.URL+"/portal/") {
		t.Fatalf("portal: %d %s", r.status, r.raw)
	}
}

// ---- webhooks --------------------------------------------------------------

func sign(payload []byte, secret string, ts int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", ts)
	mac.Write(payload)
	return fmt.Sprintf("t=%d,v1=%s", ts, hex.EncodeToString(mac.Sum(nil)))
}

func deliver(t *testing.T, payload []byte, signature string) response {
	t.Helper()
	headers := []string{}
	if signature != "" {
		headers = append(headers, "Stripe-Signature", signature)
	}
	return do(t, "POST", "/api/v1/webhooks/stripe", "", payload, headers...)
}

func event(typ string, created int64, object map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"id": "evt_" + randomHex(12), "object": "event", "api_version": "2024-06-20",
		"created": created, "type": typ, "livemode": false, "data": map[string]any{"object": object}})
	return b
}

// subscriptionObject is the subscription as Stripe has it from now on: the
// stand-in answers it to billing's retrieval (the events that carry a copy
// only say that it changed).
func subscriptionObject(u user, status, price string, periodEnd int64) map[string]any {
	return stripeHas(map[string]any{"id": "sub_" + u.id[:8], "object": "subscription", "customer": "cus_" + u.id[:8],
		"status": status, "current_period_end": periodEnd, "metadata": map[string]any{"user_id": u.id},
		"items": map[string]any{"object": "list", "data": []any{map[string]any{"price": map[string]any{"id": price}}}}})
}

func stripeHas(subscription map[string]any) map[string]any {
	stripe.fake.PutSubscription(subscription)
	return subscription
}

func invoiceObject(u user, invoice, price string) map[string]any {
	return map[string]any{"id": invoice, "object": "invoice", "customer": "cus_" + u.id[:8], "status": "paid",
		"subscription_details": map[string]any{"metadata": map[string]any{"user_id": u.id}},
		"lines":                map[string]any{"object": "list", "data": []any{map[string]any{"price": map[string]any{"id": price}}}}}
}

func profileRow(t *testing.T, u user) string {
	return psql(t, "select subscription_status || '|' || subscription_tier || '|' || credits_remaining || '|' || coalesce(stripe_customer_id, '-') from billing_accounts where user_id = '"+u.id+"'")
}

func TestWebhookSignatures(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	now := time.Now().Unix()
	payload := event("invoice.paid", now, invoiceObject(u, "in_"+randomHex(6), "price_pro_monthly"))
	before := profileRow(t, u)
	good := sign(payload, webhookSecret, now)
	tampered := append([]byte{}, payload...)
	tampered[len(tampered)-3] ^= 1
	for name, c := range map[string]struct {
		payload []byte
		sig     string
	}{
		"wrong secret":     {payload, sign(payload, "whsec_other", now)},
		"stale t":          {payload, sign(payload, webhookSecret, now-400)},
		"future t":         {payload, sign(payload, webhookSecret, now+400)},
		"missing header":   {payload, ""},
		"garbage header":   {payload, "nonsense"},
		"one byte changed": {tampered, good},
		"t replaced":       {payload, strings.Replace(good, fmt.Sprintf("t=%d", now), fmt.Sprintf("t=%d", now-1), 1)},
	} {
		t.Run(name, func(t *testing.T) {
			r := deliver(t, c.payload, c.sig)
			expectError(t, r, 400, "VALIDATION_ERROR")
		})
	}
	if after := profileRow(t, u); after != before {
		t.Fatalf("a rejected webhook changed the profile: %s -> %s", before, after)
	}
	// Several v1 while a secret rolls: one matching is enough.
	multi := sign(payload, "whsec_old_secret", now) + "," + strings.Split(good, ",")[1]
	if r := deliver(t, payload, multi); r.status != 200 || r.data()["received"] != true {
		t.Fatalf("several v1: %d %s", r.status, r.raw)
	}
	if r := deliver(t, []byte(`{"id": "evt_x", "type": `), sign([]byte(`{"id": "evt_x", "type": `), webhookSecret, now)); r.status != 400 {
		t.Fatalf("malformed JSON: %d", r.status)
	}
	unknown := event("product.created", now, map[string]any{"id": "prod_1"})
	if r := deliver(t, unknown, sign(unknown, webhookSecret, now)); r.status != 200 {
		t.Fatalf("unknown type: %d %s", r.status, r.raw)
	}
}

func TestEveryHandledEventDeliveredThreeTimesTakesEffectOnce(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil) // 10 free credits
	now := time.Now().Unix()
	// Each step changes Stripe's subscription, then sends its event.
	events := []func() []byte{
		func() []byte {
			return event("checkout.session.completed", now-50, map[string]any{"id": "cs_1", "object": "checkout.session",
				"mode": "subscription", "customer": "cus_" + u.id[:8], "subscription": "sub_" + u.id[:8], "client_reference_id": u.id})
		},
		func() []byte {
			return event("customer.subscription.created", now-40, subscriptionObject(u, "incomplete", "price_pro_monthly", now+86400))
		},
		func() []byte {
			return event("customer.subscription.updated", now-30, subscriptionObject(u, "active", "price_pro_monthly", now+86400))
		},
		func() []byte {
			return event("invoice.paid", now-20, invoiceObject(u, "in_"+randomHex(6), "price_pro_monthly"))
		},
		func() []byte {
			subscriptionObject(u, "past_due", "price_pro_monthly", now+86400)
			failed := invoiceObject(u, "in_"+randomHex(6), "price_pro_monthly")
			failed["subscription"] = "sub_" + u.id[:8]
			return event("invoice.payment_failed", now-10, failed)
		},
	}
	want := []string{"free|free|10|cus_" + u.id[:8], "incomplete|pro|10|cus_" + u.id[:8], "active|pro|10|cus_" + u.id[:8],
		"active|pro|110|cus_" + u.id[:8], "past_due|pro|110|cus_" + u.id[:8]}
	for i, step := range events {
		payload := step()
		for n := 0; n < 3; n++ {
			r := deliver(t, payload, sign(payload, webhookSecret, time.Now().Unix()))
			if r.status != 200 || r.data()["duplicate"] != (n > 0) {
				t.Fatalf("event %d delivery %d: %d %s", i, n, r.status, r.raw)
			}
		}
		if got := profileRow(t, u); got != want[i] {
			t.Fatalf("after event %d: %s, want %s", i, got, want[i])
		}
	}
	// Billing's commits notify the profile service, which drops its cached
	// entry (migration 0012): the API shows the new state.
	waitFor(t, 2*time.Second, "the account's new state in the profile", func() bool {
		p := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data()
		return p["subscription_status"] == "past_due" && p["credits_remaining"] == float64(110)
	})
}

func TestSubscriptionLifecycleShuffledEndsLikeInOrder(t *testing.T) {
	now := time.Now().Unix()
	lifecycle := func(u user) [][]byte {
		return [][]byte{
			event("customer.subscription.created", now-300, subscriptionObject(u, "trialing", "price_pro_monthly", now+86400)),
			event("customer.subscription.updated", now-200, subscriptionObject(u, "active", "price_team_monthly", now+2*86400)),
			event("customer.subscription.updated", now-100, subscriptionObject(u, "past_due", "price_team_monthly", now+2*86400)),
			event("customer.subscription.deleted", now-50, subscriptionObject(u, "canceled", "price_team_monthly", now+2*86400)),
		}
	}
	inOrder := newUser()
	do(t, "GET", "/api/v1/profiles/me", inOrder.token, nil)
	for _, e := range lifecycle(inOrder) {
		deliver(t, e, sign(e, webhookSecret, time.Now().Unix()))
	}
	want := profileRow(t, inOrder)
	if !strings.HasPrefix(want, "canceled|free|") {
		t.Fatalf("in order: %s", want)
	}
	for trial := 0; trial < 5; trial++ {
		u := newUser()
		do(t, "GET", "/api/v1/profiles/me", u.token, nil)
		events := lifecycle(u)
		rand.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
		for _, e := range events {
			if r := deliver(t, e, sign(e, webhookSecret, time.Now().Unix())); r.status != 200 {
				t.Fatalf("%d %s", r.status, r.raw)
			}
		}
		got := strings.SplitN(profileRow(t, u), "|", 3)
		if got[0]+"|"+got[1] != "canceled|free" {
			t.Fatalf("shuffled order %d ended %v", trial, got)
		}
	}
}

func TestConcurrentDeliveriesOfOneEventHaveOneEffect(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	payload := event("invoice.paid", time.Now().Unix(), invoiceObject(u, "in_"+randomHex(6), "price_team_monthly"))
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := 0
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", baseURL+"/api/v1/webhooks/stripe", strings.NewReader(string(payload)))
			req.Header.Set("Stripe-Signature", sign(payload, webhookSecret, time.Now().Unix()))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			var body struct {
				Data struct{ Duplicate bool } `json:"data"`
			}
			json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode == 200 && !body.Data.Duplicate {
				mu.Lock()
				fresh++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if fresh != 1 {
		t.Fatalf("%d deliveries reported a first application, want 1", fresh)
	}
	if got := psql(t, "select credits_remaining from billing_accounts where user_id = '"+u.id+"'"); got != "510" {
		t.Fatalf("credits %s, want 10 + 500 once", got)
	}
}

// A subscribed user is sent to the portal, not to a second checkout.
func TestNoSecondCheckoutWhileSubscribed(t *testing.T) {
	u := newUser()
	if r := checkout(t, u, "pro"); r.status != 200 {
		t.Fatalf("first checkout: %d %s", r.status, r.raw)
	}
	now := time.Now().Unix()
	e := event("customer.subscription.created", now, subscriptionObject(u, "active", "price_pro_monthly", now+86400))
	deliver(t, e, sign(e, webhookSecret, now))
	before := len(stripe.requestsTo("/v1/checkout/sessions"))
	r := checkout(t, u, "team")
	expectError(t, r, 409, "CONFLICT")
	if !strings.Contains(r.body["error"].(map[string]any)["message"].(string), "portal") {
		t.Fatalf("message does not point to the portal: %s", r.raw)
	}
	if n := len(stripe.requestsTo("/v1/checkout/sessions")); n != before {
		t.Fatalf("a second checkout session was created at Stripe")
	}
}

// Events of another subscription of the same customer do not touch the
// profile's current one.
func TestEventsOfAnotherSubscriptionAreIgnored(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	now := time.Now().Unix()
	current := subscriptionObject(u, "active", "price_pro_monthly", now+86400)
	e := event("customer.subscription.created", now-100, current)
	deliver(t, e, sign(e, webhookSecret, now))
	other := subscriptionObject(u, "canceled", "price_team_monthly", now+86400)
	other["id"] = "sub_other_" + randomHex(4)
	stripeHas(other)
	stripeHas(current)
	for _, typ := range []string{"customer.subscription.updated", "customer.subscription.deleted"} {
		e = event(typ, now, other)
		if r := deliver(t, e, sign(e, webhookSecret, now)); r.status != 200 {
			t.Fatalf("%s: %d %s", typ, r.status, r.raw)
		}
	}
	failed := invoiceObject(u, "in_"+randomHex(6), "price_team_monthly")
	failed["subscription"] = other["id"]
	e = event("invoice.payment_failed", now, failed)
	deliver(t, e, sign(e, webhookSecret, now))
	if row := profileRow(t, u); !strings.HasPrefix(row, "active|pro|") {
		t.Fatalf("profile changed by another subscription's events: %s", row)
	}
	if got := psql(t, "select stripe_subscription_id from billing_accounts where user_id = '"+u.id+"'"); got != current["id"] {
		t.Fatalf("subscription id %s, want %s", got, current["id"])
	}
	// Once the current one has ended, a new subscription takes over.
	ended := subscriptionObject(u, "canceled", "price_pro_monthly", now+86400)
	e = event("customer.subscription.deleted", now+1, ended)
	deliver(t, e, sign(e, webhookSecret, now))
	next := subscriptionObject(u, "active", "price_team_monthly", now+86400)
	next["id"] = "sub_next_" + randomHex(4)
	stripeHas(next)
	stripeHas(ended)
	e = event("customer.subscription.created", now+2, next)
	deliver(t, e, sign(e, webhookSecret, now))
	if row := profileRow(t, u); !strings.HasPrefix(row, "active|team|") {
		t.Fatalf("the new subscription did not take over: %s", row)
	}
}

// A webhook signed by the official Stripe SDK's own helper is accepted by the
// billing service; the same body tampered with is not. The SDK is installed
// by tests/conformance/run.sh (./plinth test runs it before this).
func TestWebhookSignedByTheStripeSDK(t *testing.T) {
	python := filepath.Join(root, ".tools/conformance-venv/bin/python")
	if _, err := os.Stat(python); err != nil {
		t.Skip("the Stripe SDK is not installed: run tests/conformance/run.sh (./plinth test does)")
	}
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	payload := event("invoice.paid", time.Now().Unix(), invoiceObject(u, "in_sdk_"+randomHex(6), "price_pro_monthly"))
	sign := exec.Command(python, filepath.Join(root, "tests/conformance/sign_webhook.py"), webhookSecret)
	sign.Stdin = bytes.NewReader(payload)
	out, err := sign.Output()
	if err != nil {
		t.Fatalf("SDK signing: %v", err)
	}
	header := strings.TrimSpace(string(out))
	tampered := bytes.Replace(payload, []byte(`"price_pro_monthly"`), []byte(`"price_team_monthly"`), 1)
	expectError(t, deliver(t, tampered, header), 400, "VALIDATION_ERROR")
	if r := deliver(t, payload, header); r.status != 200 || r.data()["duplicate"] != false {
		t.Fatalf("SDK-signed webhook: %d %s", r.status, r.raw)
	}
	if c := credits(t, u); c != "110" {
		t.Fatalf("credits %s after the SDK-signed invoice.paid, want 110", c)
	}
}

// Stripe does not promise order, and `created` ties on whole seconds: a
// subscription created, then deleted and updated in the same second, ends
// canceled whatever order the three arrive in (a deleted subscription id is
// terminal).
func TestACanceledSubscriptionStaysCanceledInEveryOrder(t *testing.T) {
	orders := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	for _, order := range orders {
		u := newUser()
		do(t, "GET", "/api/v1/profiles/me", u.token, nil)
		now := time.Now().Unix()
		events := [][]byte{
			event("customer.subscription.created", now-10, subscriptionObject(u, "active", "price_pro_monthly", now+86400)),
			event("customer.subscription.updated", now, subscriptionObject(u, "active", "price_pro_monthly", now+86400)),
			event("customer.subscription.deleted", now, subscriptionObject(u, "canceled", "price_pro_monthly", now+86400)),
		}
		for _, i := range order {
			if r := deliver(t, events[i], sign(events[i], webhookSecret, now)); r.status != 200 {
				t.Fatalf("order %v, event %d: %d %s", order, i, r.status, r.raw)
			}
		}
		if row := profileRow(t, u); !strings.HasPrefix(row, "canceled|free|") {
			t.Fatalf("order %v: profile %s, want canceled|free", order, row)
		}
		if p := do(t, "GET", "/api/v1/profiles/me", u.token, nil).data(); p["subscription_status"] != "canceled" ||
			p["subscription_tier"] != "free" {
			t.Fatalf("order %v: the API reads %v/%v", order, p["subscription_status"], p["subscription_tier"])
		}
	}
}
