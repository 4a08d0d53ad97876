// Command fake-stripe serves the Stripe stand-in (package fakestripe) on
// -addr: for the official SDK's conformance test, and as the local stack's
// Stripe (`./plinth up`: products and prices, checkout and portal pages
// that complete, webhooks delivered to -webhook-url signed with
// -webhook-secret).
package main

import (
	"flag"
	"log"
	"net/http"

	"plinth/e2e/fakestripe"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	webhookURL := flag.String("webhook-url", "", "where to post events (none: events are not sent)")
	webhookSecret := flag.String("webhook-secret", "", "the endpoint's signing secret (whsec_…)")
	publicURL := flag.String("public-url", "", "where browsers reach the checkout and portal pages (default: the API's host)")
	flag.Parse()
	f := fakestripe.New()
	f.PublicURL = *publicURL
	if *webhookURL != "" {
		f.SetWebhook(*webhookURL, *webhookSecret)
	}
	log.Printf("fake Stripe listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, f.Handler()))
}
