package fakestripe

// The pages a browser sees instead of Stripe's hosted Checkout and customer
// portal on the local stack: pay (or cancel) a checkout session; switch
// plan, cancel at the period's end, resume; and, for trying the failure
// paths, a failed renewal, its recovery and a renewal. Each action changes
// the account as Stripe would and sends the same events (world.go).

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
)

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"money": func(cents any, interval any) string {
		s := fmt.Sprintf("$%.2f", toFloat(cents)/100)
		if i, _ := interval.(string); i != "" {
			s += " / " + i
		}
		return s
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · local Stripe stand-in</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#0f172a}
.note{background:#fef3c7;padding:.5rem .75rem;border-radius:.375rem;font-size:.875rem}
.card{border:1px solid #cbd5e1;border-radius:.5rem;padding:1rem;margin:1rem 0}
button{background:#4f46e5;color:#fff;border:0;border-radius:.375rem;padding:.5rem 1rem;font-size:1rem;cursor:pointer}
button.secondary{background:#e2e8f0;color:#0f172a}
form{display:inline}
a{color:#4338ca}
</style></head><body>
<p class="note">Local Stripe stand-in: no card is charged. With STRIPE_SECRET_KEY set, Plinth uses Stripe's real pages.</p>
<h1>{{.Title}}</h1>
{{if .Session}}
<div class="card"><p><strong>{{.Session.product_name}}</strong></p>
<p>{{money .Session.amount_total .Session.interval}}</p></div>
<form method="post" action="/checkout/{{.Session.id}}/pay"><button type="submit">Pay</button></form>
<a href="{{.Session.cancel_url}}">Cancel and go back</a>
{{end}}
{{if .Portal}}
{{if .Sub}}
<div class="card">
<p>Current plan: <strong>{{.Plan}}</strong> — status <strong>{{.Sub.status}}</strong></p>
{{if .Sub.cancel_at_period_end}}<p>Ends at the end of the period.</p>{{end}}
</div>
{{range .Prices}}<form method="post" action="/portal/{{$.Portal}}/switch"><input type="hidden" name="price" value="{{.ID}}"><button type="submit" class="secondary">Switch to {{.Name}} ({{money .Amount .Interval}})</button></form> {{end}}
<p>
{{if .Sub.cancel_at_period_end}}<form method="post" action="/portal/{{.Portal}}/resume"><button type="submit" class="secondary">Resume the subscription</button></form>
{{else}}<form method="post" action="/portal/{{.Portal}}/cancel"><button type="submit" class="secondary">Cancel at the end of the period</button></form>{{end}}
</p>
<details><summary>Try the failure paths</summary>
<form method="post" action="/portal/{{.Portal}}/fail"><button type="submit" class="secondary">Fail the next renewal</button></form>
<form method="post" action="/portal/{{.Portal}}/renew"><button type="submit" class="secondary">Renew now (pay)</button></form>
<form method="post" action="/portal/{{.Portal}}/end"><button type="submit" class="secondary">End the subscription now</button></form>
</details>
{{else}}<p>No subscription.</p>{{end}}
<p><a href="{{.Return}}">Return to Plinth</a></p>
{{end}}
</body></html>`))

type pagePrice struct {
	ID, Name, Interval string
	Amount             int64
}

func (f *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /checkout/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		s, ok := f.sessions[r.PathValue("id")]
		var view map[string]any
		if ok {
			view = clone(s)
		}
		f.mu.Unlock()
		if !ok || view["object"] != "checkout.session" {
			http.Error(w, "no such checkout session", http.StatusNotFound)
			return
		}
		if view["status"] == "complete" {
			http.Redirect(w, r, successURL(view), http.StatusSeeOther)
			return
		}
		render(w, map[string]any{"Title": "Checkout", "Session": view})
	})
	mux.HandleFunc("POST /checkout/{id}/pay", func(w http.ResponseWriter, r *http.Request) {
		next, err := f.complete(r.PathValue("id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /portal/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		s, ok := f.sessions[r.PathValue("id")]
		if !ok || s["object"] != "billing_portal.session" {
			f.mu.Unlock()
			http.Error(w, "no such portal session", http.StatusNotFound)
			return
		}
		view := map[string]any{"Title": "Billing", "Portal": s["id"], "Return": s["return_url"]}
		if sub := f.currentSubscription(s["customer"].(string)); sub != nil {
			view["Sub"] = clone(sub)
			current := priceOf(sub)
			view["Plan"] = current["product"].(map[string]any)["name"]
			var prices []pagePrice
			for _, p := range f.catalog {
				for _, price := range p.Prices {
					if price.Interval != "" && price.ID != current["id"] {
						prices = append(prices, pagePrice{price.ID, p.Name, price.Interval, price.Amount})
					}
				}
			}
			view["Prices"] = prices
		}
		f.mu.Unlock()
		render(w, view)
	})
	mux.HandleFunc("POST /portal/{id}/{action}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		s, ok := f.sessions[r.PathValue("id")]
		var sub map[string]any
		if ok && s["object"] == "billing_portal.session" {
			sub = f.currentSubscription(s["customer"].(string))
		}
		f.mu.Unlock()
		if sub == nil {
			http.Error(w, "no subscription", http.StatusNotFound)
			return
		}
		id := sub["id"].(string)
		var err error
		switch r.PathValue("action") {
		case "switch":
			err = f.SwitchPrice(id, r.FormValue("price"))
		case "cancel":
			err = f.SetCancelAtPeriodEnd(id, true)
		case "resume":
			err = f.SetCancelAtPeriodEnd(id, false)
		case "fail":
			err = f.FailRenewal(id)
		case "renew":
			err = f.Renew(id)
		case "end":
			err = f.EndNow(id)
		default:
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "/portal/"+r.PathValue("id"), http.StatusSeeOther)
	})
}

// currentSubscription: the customer's newest subscription that has not
// ended (f.mu held).
func (f *Server) currentSubscription(customer string) map[string]any {
	var best map[string]any
	for _, s := range f.subscriptions {
		if s["customer"] == customer && s["status"] != "canceled" &&
			(best == nil || strings.Compare(s["id"].(string), best["id"].(string)) > 0) {
			best = s
		}
	}
	return best
}

func render(w http.ResponseWriter, view map[string]any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, view); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
