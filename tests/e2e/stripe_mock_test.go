package e2e

// Every request the billing service sent to the Stripe stand-in during the
// run is sent again to the official stripe-mock, which validates it against
// Stripe's OpenAPI specification (unknown parameters, wrong types, missing
// required ones, wrong methods or paths: 4xx). The stand-in checks what the
// tests assert; stripe-mock checks that Stripe itself would accept it.
// tests/stripe-mock/install.sh provides the binary (PLINTH_STRIPE_MOCK).

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"
)

// An id in a path (sub_…, cus_…) names a template: one replay per
// method, template and set of parameter names.
var stripeID = regexp.MustCompile(`/[a-z]+_[A-Za-z0-9_]+`)

func conformToStripesSpec(binary string) error {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort())
	// Its HTTPS listener too on a port of its own (it would take 12112).
	cmd := exec.Command(binary, "-http-addr", addr, "-https-addr", fmt.Sprintf("127.0.0.1:%d", freePort()))
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(base + "/v1/prices"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stripe-mock did not start on %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The validator is on: a parameter Stripe does not have is refused.
	bad, _ := http.NewRequest("POST", base+"/v1/checkout/sessions", strings.NewReader("mode=payment&plinth_bogus=1"))
	bad.Header.Set("Authorization", "Bearer sk_test_e2e")
	bad.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(bad)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		return fmt.Errorf("stripe-mock answered %d to an unknown parameter: it validates nothing", resp.StatusCode)
	}
	seen := map[string]bool{}
	var failures []string
	replayed := 0
	for _, r := range stripe.fake.Requests() {
		// Requests the tests made up themselves (not billing's) carry no
		// Stripe-Version: billing pins one on every call.
		if r.Headers.Get("Stripe-Version") == "" {
			continue
		}
		keys := make([]string, 0, len(r.Form))
		for k := range r.Form {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		shape := r.Method + " " + stripeID.ReplaceAllString(r.Path, "/{id}") + " " + strings.Join(keys, ",")
		if seen[shape] {
			continue
		}
		seen[shape] = true
		replayed++
		var req *http.Request
		if r.Method == "GET" {
			req, _ = http.NewRequest("GET", base+r.Path+"?"+r.Form.Encode(), nil)
		} else {
			req, _ = http.NewRequest(r.Method, base+r.Path, strings.NewReader(url.Values(r.Form).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, h := range []string{"Authorization", "Stripe-Version", "Idempotency-Key"} {
			if v := r.Headers.Get(h); v != "" {
				req.Header.Set(h, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			failures = append(failures, fmt.Sprintf("%s: %d %s", shape, resp.StatusCode, body))
		}
	}
	fmt.Printf("stripe-mock: %d request shapes of billing's replayed, %d refused\n", replayed, len(failures))
	if replayed < 6 {
		return fmt.Errorf("only %d request shapes recorded: the run did not exercise billing", replayed)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%s", strings.Join(failures, "\n"))
	}
	return nil
}
