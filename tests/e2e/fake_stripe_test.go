package e2e

import (
	"net/http/httptest"
	"time"

	"plinth/e2e/fakestripe"
)

// The fake Stripe server (package fakestripe), in this process so that tests
// can inspect and script it.
type fakeStripe struct {
	fake   *fakestripe.Server
	server *httptest.Server
}

type stripeRequest = fakestripe.Request

func startFakeStripe() *fakeStripe {
	f := fakestripe.New()
	return &fakeStripe{fake: f, server: httptest.NewServer(f.Handler())}
}

func (f *fakeStripe) inject(path string, statuses ...int)    { f.fake.Inject(path, statuses...) }
func (f *fakeStripe) requestsTo(path string) []stripeRequest { return f.fake.RequestsTo(path) }
func (f *fakeStripe) setDelay(path string, d time.Duration)  { f.fake.SetDelay(path, d) }
