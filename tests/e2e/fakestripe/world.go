package fakestripe

// The Stripe account the stand-in keeps: a catalog of products and prices,
// checkout sessions that complete, subscriptions and their invoices, and
// the webhook events each change sends, signed as Stripe signs them, to
// the configured endpoint. What changes is the same whether a browser pays
// on the stand-in's pages (pages.go) or a test calls the methods here.

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"sort"
	"strings"
	"time"
)

const apiVersion = "2024-06-20"

// Product is a product of the seeded catalog with its prices.
type Product struct {
	ID       string
	Name     string
	Tier     string // plinth_tier (plans)
	Kind     string // plinth_kind ("credit_pack")
	Credits  int    // plinth_credits
	Features []string
	Prices   []Price
}

// Price is one price of a product: recurring (Interval) or one-time.
type Price struct {
	ID       string
	Amount   int64
	Interval string // "month", "year", or "" (one-time)
}

// DefaultCatalog is what the stand-in sells unless told otherwise: the
// local stack's plans and a credit pack.
func DefaultCatalog() []Product {
	return []Product{
		{ID: "prod_pro", Name: "Pro", Tier: "pro", Credits: 100,
			Features: []string{"100 analyses a month", "Claude's latest model", "Email support"},
			Prices:   []Price{{"price_pro_monthly", 1900, "month"}, {"price_pro_yearly", 19000, "year"}}},
		{ID: "prod_team", Name: "Team", Tier: "team", Credits: 500,
			Features: []string{"500 analyses a month", "Priority in the queue", "Priority support"},
			Prices:   []Price{{"price_team_monthly", 4900, "month"}, {"price_team_yearly", 49000, "year"}}},
		{ID: "prod_pack_50", Name: "50 credits", Kind: "credit_pack", Credits: 50,
			Prices: []Price{{"price_pack_50", 900, ""}}},
	}
}

// SetCatalog replaces the catalog (prices keep their ids).
func (f *Server) SetCatalog(products []Product) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.catalog = products
}

func (f *Server) priceObject(p Product, price Price) map[string]any {
	metadata := map[string]any{"plinth_credits": fmt.Sprint(p.Credits)}
	if p.Tier != "" {
		metadata["plinth_tier"] = p.Tier
	}
	if p.Kind != "" {
		metadata["plinth_kind"] = p.Kind
	}
	features := []any{}
	for _, name := range p.Features {
		features = append(features, map[string]any{"name": name})
	}
	product := map[string]any{"id": p.ID, "object": "product", "active": true, "name": p.Name,
		"metadata": metadata, "marketing_features": features}
	out := map[string]any{"id": price.ID, "object": "price", "active": true, "currency": "usd",
		"unit_amount": price.Amount, "product": product, "type": "one_time", "recurring": nil}
	if price.Interval != "" {
		out["type"] = "recurring"
		out["recurring"] = map[string]any{"interval": price.Interval, "interval_count": 1}
	}
	return out
}

// findPrice: the product and price of a price id (f.mu held).
func (f *Server) findPrice(id string) (Product, Price, bool) {
	for _, p := range f.catalog {
		for _, price := range p.Prices {
			if price.ID == id {
				return p, price, true
			}
		}
	}
	return Product{}, Price{}, false
}

// ---- webhooks ---------------------------------------------------------------

// Event is one event the stand-in sent (or holds).
type Event struct {
	ID      string
	Type    string
	Payload []byte
}

// SetWebhook makes every change post its events to url, signed with secret.
func (f *Server) SetWebhook(url, secret string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.webhookURL, f.webhookSecret = url, secret
}

// Hold keeps the events of the changes from now on instead of sending them
// (Held returns them), for tests that deliver them out of order, twice or
// not at all.
func (f *Server) Hold(hold bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holding = hold
}

// Held returns and forgets the events held so far.
func (f *Server) Held() []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.held
	f.held = nil
	return out
}

// Sign returns the Stripe-Signature header of payload at time t.
func Sign(payload []byte, secret string, t int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", t)
	mac.Write(payload)
	return fmt.Sprintf("t=%d,v1=%s", t, hex.EncodeToString(mac.Sum(nil)))
}

// emit builds the event of a change (f.mu held) and returns what to send
// once the lock is released.
func (f *Server) emit(typ string, object map[string]any) func() {
	f.nextNumber++
	e := Event{ID: fmt.Sprintf("evt_%06d%s", f.nextNumber, randomSuffix()), Type: typ}
	e.Payload, _ = json.Marshal(map[string]any{"id": e.ID, "object": "event", "api_version": apiVersion,
		"created": time.Now().Unix(), "livemode": false, "pending_webhooks": 1, "type": typ,
		"data": map[string]any{"object": clone(object)}})
	if f.holding {
		f.held = append(f.held, e)
	}
	if f.holding || f.webhookURL == "" {
		return func() {}
	}
	url, secret := f.webhookURL, f.webhookSecret
	return func() { send(url, secret, e) }
}

// send posts one event, retried a few times as Stripe retries (briefer).
func send(url, secret string, e Event) {
	for attempt := 0; attempt < 5; attempt++ {
		req, _ := http.NewRequest("POST", url, bytes.NewReader(e.Payload))
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("Stripe-Signature", Sign(e.Payload, secret, time.Now().Unix()))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return
			}
		}
		time.Sleep(time.Duration(200<<attempt) * time.Millisecond)
	}
	log.Printf("fake Stripe: event %s (%s) not accepted by %s", e.ID, e.Type, url)
}

func runAll(sends []func()) {
	for _, s := range sends {
		s()
	}
}

func clone(object map[string]any) map[string]any {
	b, _ := json.Marshal(object)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// randomSuffix keeps ids unique across the stand-in's restarts (its counter
// starts again; the database still holds the ids it handed out before).
func randomSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ---- subscriptions and invoices -------------------------------------------

func (f *Server) newID(prefix string) string {
	f.nextNumber++
	return fmt.Sprintf("%s%06d%s", prefix, f.nextNumber, randomSuffix())
}

func itemsOf(price map[string]any, periodEnd int64) map[string]any {
	return map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_" + price["id"].(string),
		"object": "subscription_item", "price": price, "quantity": 1, "current_period_end": periodEnd}}}
}

func periodEnd(interval string, from time.Time) int64 {
	if interval == "year" {
		return from.AddDate(1, 0, 0).Unix()
	}
	return from.AddDate(0, 1, 0).Unix()
}

// invoice creates a paid (or open) invoice of the subscription (f.mu held).
func priceOf(sub map[string]any) map[string]any {
	return sub["items"].(map[string]any)["data"].([]any)[0].(map[string]any)["price"].(map[string]any)
}

func (f *Server) invoice(sub map[string]any, reason string, paid bool) map[string]any {
	price := priceOf(sub)
	status := "open"
	if paid {
		status = "paid"
	}
	inv := map[string]any{"id": f.newID("in_"), "object": "invoice", "customer": sub["customer"],
		"subscription": sub["id"], "status": status, "billing_reason": reason, "created": time.Now().Unix(),
		"currency": "usd", "amount_paid": map[bool]any{true: price["unit_amount"], false: 0}[paid],
		"subscription_details": map[string]any{"metadata": sub["metadata"]},
		"lines": map[string]any{"object": "list", "data": []any{map[string]any{"object": "line_item",
			"price": map[string]any{"id": price["id"], "object": "price"}}}}}
	f.invoices[inv["id"].(string)] = inv
	return inv
}

// complete pays a checkout session: a subscription and its first invoice,
// or a one-time payment; the events Stripe sends for it. Returns where the
// browser goes next.
func (f *Server) complete(id string) (string, error) {
	f.mu.Lock()
	session, ok := f.sessions[id]
	if !ok {
		f.mu.Unlock()
		return "", fmt.Errorf("no such checkout session: %s", id)
	}
	if session["status"] == "complete" {
		f.mu.Unlock()
		return successURL(session), nil
	}
	var sends []func()
	session["status"], session["payment_status"] = "complete", "paid"
	if session["mode"] == "subscription" {
		product, price, found := f.findPrice(session["price"].(string))
		if !found {
			f.mu.Unlock()
			return "", fmt.Errorf("the session's price is not in the catalog")
		}
		now := time.Now()
		sub := map[string]any{"id": f.newID("sub_"), "object": "subscription", "customer": session["customer"],
			"status": "active", "created": now.Unix(), "current_period_start": now.Unix(),
			"current_period_end": periodEnd(price.Interval, now), "cancel_at_period_end": false,
			"metadata": session["subscription_metadata"],
			"items":    itemsOf(f.priceObject(product, price), periodEnd(price.Interval, now))}
		f.subscriptions[sub["id"].(string)] = sub
		session["subscription"] = sub["id"]
		inv := f.invoice(sub, "subscription_create", true)
		sends = append(sends, f.emit("checkout.session.completed", f.sessionObject(session)),
			f.emit("customer.subscription.created", sub), f.emit("invoice.paid", inv))
	} else {
		sends = append(sends, f.emit("checkout.session.completed", f.sessionObject(session)))
	}
	f.mu.Unlock()
	runAll(sends)
	return successURL(session), nil
}

func successURL(session map[string]any) string {
	return strings.ReplaceAll(session["success_url"].(string), "{CHECKOUT_SESSION_ID}", session["id"].(string))
}

// sessionObject: the checkout session as the API shows it (f.mu held).
func (f *Server) sessionObject(s map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"id", "object", "mode", "customer", "client_reference_id", "metadata", "url",
		"status", "payment_status", "success_url", "cancel_url", "subscription", "amount_total", "currency"} {
		out[k] = s[k]
	}
	return out
}

// CompleteCheckout pays a checkout session as a browser on the stand-in's
// page would.
func (f *Server) CompleteCheckout(id string) error {
	_, err := f.complete(id)
	return err
}

// Subscriptions of a customer (newest first).
func (f *Server) SubscriptionsOf(customer string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, s := range f.subscriptions {
		if s["customer"] == customer {
			out = append(out, clone(s))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(string) > out[j]["id"].(string) })
	return out
}

// PutSubscription stores (or replaces) a subscription object as Stripe's
// truth, without sending events (tests that write their own).
func (f *Server) PutSubscription(object map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subscriptions[object["id"].(string)] = clone(object)
}

// change updates a subscription and sends what Stripe sends for it.
func (f *Server) change(id string, apply func(sub map[string]any) []func()) error {
	f.mu.Lock()
	sub, ok := f.subscriptions[id]
	if !ok {
		f.mu.Unlock()
		return fmt.Errorf("no such subscription: %s", id)
	}
	sends := apply(sub)
	f.mu.Unlock()
	runAll(sends)
	return nil
}

// SwitchPrice moves the subscription to another plan's price now, with
// Stripe's proration: the difference is invoiced at once
// (billing_reason subscription_update).
func (f *Server) SwitchPrice(id, priceID string) error {
	return f.change(id, func(sub map[string]any) []func() {
		product, price, found := f.findPrice(priceID)
		if !found {
			return nil
		}
		old := priceOf(sub)
		sub["items"] = itemsOf(f.priceObject(product, price), int64(toFloat(sub["current_period_end"])))
		inv := f.invoice(sub, "subscription_update", true)
		// Stripe's proration: a credit for the unused time on the old price,
		// a charge for the rest of the period on the new one.
		inv["lines"] = map[string]any{"object": "list", "data": []any{
			map[string]any{"object": "line_item", "amount": -int64(toFloat(old["unit_amount"])) / 2, "proration": true,
				"price": map[string]any{"id": old["id"], "object": "price"}},
			map[string]any{"object": "line_item", "amount": price.Amount / 2, "proration": true,
				"price": map[string]any{"id": price.ID, "object": "price"}}}}
		return []func(){f.emit("customer.subscription.updated", sub), f.emit("invoice.paid", inv)}
	})
}

// SetCancelAtPeriodEnd schedules (or takes back) the end of the subscription.
func (f *Server) SetCancelAtPeriodEnd(id string, cancel bool) error {
	return f.change(id, func(sub map[string]any) []func() {
		sub["cancel_at_period_end"] = cancel
		return []func(){f.emit("customer.subscription.updated", sub)}
	})
}

// EndNow ends the subscription (its period over with cancel_at_period_end,
// or cancelled at once).
func (f *Server) EndNow(id string) error {
	return f.change(id, func(sub map[string]any) []func() {
		sub["status"] = "canceled"
		sub["ended_at"] = time.Now().Unix()
		return []func(){f.emit("customer.subscription.deleted", sub)}
	})
}

// FailRenewal: the renewal's payment fails, the subscription is past_due.
func (f *Server) FailRenewal(id string) error {
	return f.change(id, func(sub map[string]any) []func() {
		sub["status"] = "past_due"
		inv := f.invoice(sub, "subscription_cycle", false)
		return []func(){f.emit("invoice.payment_failed", inv), f.emit("customer.subscription.updated", sub)}
	})
}

// SetStatus sets the subscription's status (e.g. unpaid after the retries).
func (f *Server) SetStatus(id, status string) error {
	return f.change(id, func(sub map[string]any) []func() {
		sub["status"] = status
		return []func(){f.emit("customer.subscription.updated", sub)}
	})
}

// Renew starts the next period: a paid invoice (billing_reason
// subscription_cycle), the subscription active again.
func (f *Server) Renew(id string) error {
	return f.change(id, func(sub map[string]any) []func() {
		price := priceOf(sub)
		interval, _ := price["recurring"].(map[string]any)["interval"].(string)
		start := time.Unix(int64(toFloat(sub["current_period_end"])), 0)
		sub["status"], sub["current_period_start"], sub["current_period_end"] = "active", start.Unix(), periodEnd(interval, start)
		sub["items"] = itemsOf(price, periodEnd(interval, start))
		inv := f.invoice(sub, "subscription_cycle", true)
		return []func(){f.emit("invoice.paid", inv), f.emit("customer.subscription.updated", sub)}
	})
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return 0
}
