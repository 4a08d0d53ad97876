// Command clustercheck drives Plinth deployed on the test cluster
// (tests/cluster/test.sh) through its gateway: the smoke flow, and steady
// mixed load while the cluster is changed under it.
//
//	clustercheck -base URL -jwt-secret S -webhook-secret W smoke
//	clustercheck -base URL -jwt-secret S load -rate 50 -until FILE -report FILE
//	clustercheck -base URL -jwt-secret S limit -n 130
//
// smoke: a profile, a resource, an analysis to `succeeded`, a signed
// webhook (a paid credit pack) delivered twice and applied once. load: mixed reads,
// writes and analyses at -rate requests/s until the file -until exists; then
// waits for every analysis it created to finish and writes a JSON report
// (requests, failures by kind, analyses created / succeeded / charged). limit:
// n concurrent requests of one user; prints how many passed.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

var (
	base          = flag.String("base", "", "the gateway's base URL")
	jwtSecret     = flag.String("jwt-secret", "", "SUPABASE_JWT_SECRET of the deployment")
	webhookSecret = flag.String("webhook-secret", "", "STRIPE_WEBHOOK_SECRET of the deployment")
	client        = &http.Client{Timeout: 15 * time.Second}
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "clustercheck: "+format+"\n", args...)
	os.Exit(1)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func newUUID() string {
	b := make([]byte, 16)
	_, _ = io.ReadFull(randReader{}, b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

type randReader struct{}

func (randReader) Read(p []byte) (int, error) {
	f, err := os.Open("/dev/urandom")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.ReadFull(f, p)
}

func token(sub string) string {
	header, _ := json.Marshal(map[string]any{"alg": "HS256", "typ": "JWT"})
	now := time.Now().Unix()
	claims, _ := json.Marshal(map[string]any{"sub": sub, "email": sub[:8] + "@example.com", "aud": "authenticated",
		"role": "authenticated", "iat": now, "exp": now + 3600})
	signing := b64(header) + "." + b64(claims)
	mac := hmac.New(sha256.New, []byte(*jwtSecret))
	mac.Write([]byte(signing))
	return signing + "." + b64(mac.Sum(nil))
}

type reply struct {
	status int
	body   map[string]any
}

func (r reply) data() map[string]any {
	d, _ := r.body["data"].(map[string]any)
	return d
}

func call(method, path, tok string, body any, headers ...string) (reply, error) {
	var rd io.Reader
	if b, ok := body.([]byte); ok {
		rd = bytes.NewReader(b)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, *base+path, rd)
	if err != nil {
		return reply{}, err
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode}
	_ = json.Unmarshal(raw, &r.body)
	return r, nil
}

// expect calls and fails the check unless the answer has status want.
func expect(want int, what, method, path, tok string, body any, headers ...string) reply {
	r, err := call(method, path, tok, body, headers...)
	if err != nil {
		fail("%s: %v", what, err)
	}
	if r.status != want {
		fail("%s: HTTP %d, want %d: %v", what, r.status, want, r.body)
	}
	return r
}

func waitAnalysis(tok, id string, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		r, err := call("GET", "/api/v1/analyses/"+id, tok, nil)
		if err == nil && r.status == 200 {
			if s, _ := r.data()["status"].(string); s == "succeeded" || s == "failed" {
				return s
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return "timeout"
}

func smoke() {
	sub := newUUID()
	tok := token(sub)
	expect(200, "GET /profiles/me", "GET", "/api/v1/profiles/me", tok, nil)
	res := expect(201, "POST /resources", "POST", "/api/v1/resources", tok, map[string]any{"title": "Cluster smoke",
		"content": "Plinth runs on a real Kubernetes. Services are reached by name. Analyses run as jobs."})
	a := expect(202, "POST analyses", "POST", "/api/v1/resources/"+res.data()["id"].(string)+"/analyses", tok, nil)
	if s := waitAnalysis(tok, a.data()["id"].(string), 60*time.Second); s != "succeeded" {
		fail("analysis ended %s", s)
	}
	now := time.Now().Unix()
	event, _ := json.Marshal(map[string]any{"id": "evt_" + hex.EncodeToString([]byte(sub[:6])), "object": "event",
		"api_version": "2024-06-20", "created": now, "type": "checkout.session.completed", "livemode": false,
		// A paid credit pack: its credits travel in the session, so no
		// catalog is needed (the cluster has no Stripe account).
		"data": map[string]any{"object": map[string]any{"id": "cs_" + sub[:8], "object": "checkout.session",
			"mode": "payment", "payment_status": "paid", "status": "complete", "client_reference_id": sub,
			"metadata": map[string]any{"user_id": sub, "plinth_credits": "100"}}}})
	mac := hmac.New(sha256.New, []byte(*webhookSecret))
	fmt.Fprintf(mac, "%d.", now)
	mac.Write(event)
	signature := fmt.Sprintf("t=%d,v1=%s", now, hex.EncodeToString(mac.Sum(nil)))
	first := expect(200, "webhook", "POST", "/api/v1/webhooks/stripe", "", event, "Stripe-Signature", signature)
	second := expect(200, "webhook again", "POST", "/api/v1/webhooks/stripe", "", event, "Stripe-Signature", signature)
	if first.data()["duplicate"] != false || second.data()["duplicate"] != true {
		fail("webhook deliveries: %v then %v", first.body, second.body)
	}
	after := expect(200, "GET /profiles/me", "GET", "/api/v1/profiles/me", tok, nil)
	// 10 free, 1 spent on the analysis, 100 from the pack, once.
	if c := after.data()["credits_remaining"]; c != float64(109) {
		fail("credits after one analysis and a credit pack's event delivered twice: %v, want 109", c)
	}
	fmt.Println("smoke: profile, resource, analysis succeeded, webhook delivered twice applied once")
}

// ---- load ------------------------------------------------------------------

type loadReport struct {
	Requests          int64            `json:"requests"`
	Failed            int64            `json:"failed"`
	FailuresByKind    map[string]int64 `json:"failures_by_kind"`
	AnalysesCreated   int64            `json:"analyses_created"`
	AnalysesSucceeded int64            `json:"analyses_succeeded"`
	AnalysesOther     map[string]int64 `json:"analyses_other"`
	CreditsCharged    int64            `json:"credits_charged"`
}

func load(rate int, until, report string) {
	type account struct {
		tok      string
		resource string
		analyses []string
		mu       sync.Mutex
	}
	const users = 50 // 1 request/s each at 50/s: well under the 100/min per-user limit
	accounts := make([]*account, users)
	for i := range accounts {
		a := &account{tok: token(newUUID())}
		r := expect(201, "seed resource", "POST", "/api/v1/resources", a.tok, map[string]any{"title": "load", "content": "Load. Steady. Mixed."})
		a.resource = r.data()["id"].(string)
		accounts[i] = a
	}
	var requests, failed, created atomic.Int64
	var mu sync.Mutex
	kinds := map[string]int64{}
	record := func(kind string) {
		failed.Add(1)
		mu.Lock()
		kinds[kind]++
		mu.Unlock()
	}
	what := []string{"analysis", "create", "create", "list", "list", "list", "profile", "profile", "profile", "profile"}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	for n := 0; ; n++ {
		if _, err := os.Stat(until); err == nil {
			break
		}
		<-tick.C
		a := accounts[n%users]
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			requests.Add(1)
			var r reply
			var err error
			want := 200
			switch n % 10 {
			case 0: // an analysis (one credit each; 10 free per user, so few)
				if len(a.analyses) >= 8 {
					r, err = call("GET", "/api/v1/profiles/me", a.tok, nil)
					break
				}
				want = 202
				r, err = call("POST", "/api/v1/resources/"+a.resource+"/analyses", a.tok, nil)
				if err == nil && r.status == 409 { // one still running for this resource
					want = 409
				}
				if err == nil && r.status == 202 {
					created.Add(1)
					a.mu.Lock()
					a.analyses = append(a.analyses, r.data()["id"].(string))
					a.mu.Unlock()
				}
			case 1, 2: // a write
				want = 201
				r, err = call("POST", "/api/v1/resources", a.tok, map[string]any{"title": fmt.Sprintf("w%d", n)})
			case 3, 4, 5:
				r, err = call("GET", "/api/v1/resources?page=1&limit=20", a.tok, nil)
			default:
				r, err = call("GET", "/api/v1/profiles/me", a.tok, nil)
			}
			switch {
			case err != nil:
				record("transport: " + err.Error())
			case r.status != want:
				kind := fmt.Sprintf("HTTP %d", r.status)
				if e, ok := r.body["error"].(map[string]any); ok {
					kind += fmt.Sprintf(" %v on %s: %.80v", e["code"], what[n%10], e["message"])
				}
				record(kind)
			}
		}(n)
	}
	wg.Wait()
	rep := loadReport{Requests: requests.Load(), Failed: failed.Load(), FailuresByKind: kinds,
		AnalysesCreated: created.Load(), AnalysesOther: map[string]int64{}}
	for _, a := range accounts {
		for _, id := range a.analyses {
			switch s := waitAnalysis(a.tok, id, 120*time.Second); s {
			case "succeeded":
				rep.AnalysesSucceeded++
			default:
				rep.AnalysesOther[s]++
			}
		}
		p := expect(200, "credits", "GET", "/api/v1/profiles/me", a.tok, nil)
		rep.CreditsCharged += 10 - int64(p.data()["credits_remaining"].(float64))
	}
	out, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(report, out, 0o644); err != nil {
		fail("report: %v", err)
	}
	fmt.Println(string(out))
}

// ---- limit -----------------------------------------------------------------

func limit(n int) {
	tok := token(newUUID())
	var passed, limited atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := call("GET", "/api/v1/profiles/me", tok, nil)
			if err == nil && r.status == 200 {
				passed.Add(1)
			} else if err == nil && r.status == 429 {
				limited.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d %d\n", passed.Load(), limited.Load())
}

func main() {
	rate := flag.Int("rate", 50, "load: requests per second")
	until := flag.String("until", "", "load: stop once this file exists")
	report := flag.String("report", "", "load: where to write the JSON report")
	n := flag.Int("n", 130, "limit: concurrent requests")
	flag.Parse()
	if *base == "" || *jwtSecret == "" {
		fail("-base and -jwt-secret are required")
	}
	switch flag.Arg(0) {
	case "smoke":
		smoke()
	case "load":
		load(*rate, *until, *report)
	case "limit":
		limit(*n)
	default:
		fail("unknown command %q", flag.Arg(0))
	}
}
