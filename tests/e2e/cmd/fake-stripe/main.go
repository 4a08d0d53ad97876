// Command fake-stripe serves the fake Stripe API (package fakestripe) on
// -addr, for the official Stripe SDK's conformance test.
package main

import (
	"flag"
	"log"
	"net/http"

	"plinth/e2e/fakestripe"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	log.Printf("fake Stripe listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, fakestripe.New().Handler()))
}
