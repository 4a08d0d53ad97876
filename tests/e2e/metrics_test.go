package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// scrape returns every sample of a process's /metrics, as
// "name{sorted labels}" -> value.
func scrape(t *testing.T, process string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + metricsAddr[process] + "/metrics")
	if err != nil {
		t.Fatalf("scrape %s: %v", process, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("scrape %s: %d", process, resp.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sp := strings.LastIndex(line, " ")
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		out[canonical(line[:sp])] = v
	}
	return out
}

// canonical sorts a sample's labels so that both client libraries' output
// compare equal: name{a="1",b="2"}.
func canonical(series string) string {
	open := strings.Index(series, "{")
	if open < 0 {
		return series
	}
	labels := strings.Split(strings.TrimSuffix(series[open+1:], "}"), ",")
	for i := 1; i < len(labels); i++ {
		for j := i; j > 0 && labels[j] < labels[j-1]; j-- {
			labels[j], labels[j-1] = labels[j-1], labels[j]
		}
	}
	return series[:open] + "{" + strings.Join(labels, ",") + "}"
}

func sample(m map[string]float64, series string) float64 { return m[canonical(series)] }

// Known traffic moves the counters by exactly the expected amounts.
func TestMetricsCountWhatHappened(t *testing.T) {
	u := newUser()
	do(t, "GET", "/api/v1/profiles/me", u.token, nil)
	gw0, res0, bill0, analysis0 := scrape(t, "gateway"), scrape(t, "resource"), scrape(t, "billing"), scrape(t, "analysis")
	worker0 := scrape(t, "analysis-worker")

	expectError(t, do(t, "GET", "/no/such/route", "", nil), 404, "NOT_FOUND")
	expectError(t, do(t, "GET", "/api/v1/profiles/me", "", nil), 401, "UNAUTHENTICATED")
	res := createResource(t, u, map[string]any{"title": "counted", "content": "Counted once. Then analysed."})
	r := createAnalysis(t, u, res["id"].(string), nil)
	if r.status != 202 {
		t.Fatalf("analysis: %d %s", r.status, r.raw)
	}
	payload := event("invoice.paid", time.Now().Unix(), invoiceObject(u, "in_m_"+randomHex(6), "price_pro_monthly"))
	if d := deliver(t, payload, sign(payload, webhookSecret, time.Now().Unix())); d.status != 200 {
		t.Fatalf("webhook: %d %s", d.status, d.raw)
	}
	if a := waitTerminal(t, u, r.data()["id"].(string), 20*time.Second); a["status"] != "succeeded" {
		t.Fatalf("analysis: %v", a)
	}
	gw1, res1, bill1, analysis1 := scrape(t, "gateway"), scrape(t, "resource"), scrape(t, "billing"), scrape(t, "analysis")

	exact := []struct {
		before, after map[string]float64
		series        string
		delta         float64
	}{
		{gw0, gw1, `plinth_http_requests_total{code="404",method="GET",route="unmatched"}`, 1},
		{gw0, gw1, `plinth_http_requests_total{code="401",method="GET",route="/api/v1/profiles/me"}`, 1},
		{gw0, gw1, `plinth_http_requests_total{code="201",method="POST",route="/api/v1/resources"}`, 1},
		{gw0, gw1, `plinth_http_requests_total{code="202",method="POST",route="/api/v1/resources/{resource_id}/analyses"}`, 1},
		{gw0, gw1, `plinth_http_requests_total{code="200",method="POST",route="/api/v1/webhooks/stripe"}`, 1},
		{gw0, gw1, `plinth_http_request_duration_seconds_count{method="POST",route="/api/v1/resources"}`, 1},
		{res0, res1, `grpc_server_handled_total{grpc_code="OK",grpc_method="CreateResource",grpc_service="plinth.v1.ResourceService"}`, 1},
		{analysis0, analysis1, `grpc_server_handled_total{grpc_code="OK",grpc_method="CreateAnalysis",grpc_service="plinth.v1.AnalysisService"}`, 1},
		{analysis0, analysis1, `plinth_credits_total{kind="consumed"}`, 1},
		{bill0, bill1, `plinth_stripe_webhooks_total{result="applied",type="invoice.paid"}`, 1},
		{bill0, bill1, `plinth_credits_total{kind="granted"}`, 100},
	}
	for _, e := range exact {
		if got := sample(e.after, e.series) - sample(e.before, e.series); got != e.delta {
			t.Errorf("%s moved by %v, want %v", e.series, got, e.delta)
		}
	}
	// The worker also finishes other tests' retries in the background, so
	// its counters move by at least this analysis.
	waitFor(t, 5*time.Second, "the worker's counters", func() bool {
		w := scrape(t, "analysis-worker")
		return sample(w, `plinth_analyses_total{outcome="succeeded"}`)-sample(worker0, `plinth_analyses_total{outcome="succeeded"}`) >= 1 &&
			sample(w, `plinth_llm_tokens_total{direction="output",model="claude-sonnet-5"}`)-
				sample(worker0, `plinth_llm_tokens_total{direction="output",model="claude-sonnet-5"}`) >= 5
	})
}

// A 429 is counted by scope.
func TestRateLimitedIsCounted(t *testing.T) {
	before := scrape(t, "gateway-limits-a")
	limited := 0
	for i := 0; i < 25; i++ {
		if doAt(t, extraGateways[0], "GET", "/api/v1/billing/plans", "", nil).status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("no request was limited")
	}
	after := scrape(t, "gateway-limits-a")
	if got := sample(after, `plinth_rate_limited_total{scope="ip"}`) - sample(before, `plinth_rate_limited_total{scope="ip"}`); got != float64(limited) {
		t.Fatalf("plinth_rate_limited_total{scope=ip} moved by %v, want %d", got, limited)
	}
}

// The metric families and their label sets are part of the contract
// (docs/MONITORING.md): each process exposes them under these names.
func TestMetricNamesAndLabelsArePinned(t *testing.T) {
	want := map[string][]string{
		"gateway": {"plinth_http_requests_total{code,method,route}", "plinth_http_request_duration_seconds_bucket{le,method,route}",
			"plinth_rate_limited_total{scope}"},
		"resource": {"grpc_server_handled_total{grpc_code,grpc_method,grpc_service}",
			"grpc_server_handling_seconds_bucket{grpc_method,grpc_service,le}", "plinth_db_pool_connections{state}",
			"plinth_db_pool_acquire_seconds_bucket{le}"},
		"profile":  {"plinth_profile_cache_reads_total{result}"},
		"billing":  {"plinth_stripe_webhooks_total{result,type}", "plinth_credits_total{kind}"},
		"analysis": {"plinth_credits_total{kind}"},
		"analysis-worker": {"plinth_analyses_total{outcome}", "plinth_analysis_queue_depth", "plinth_analysis_attempt_duration_seconds_bucket{le}",
			"plinth_llm_tokens_total{direction,model}", "plinth_analysis_events_total{result}"},
	}
	for process, families := range want {
		shapes := map[string]bool{}
		for series := range scrape(t, process) {
			name, labels := series, ""
			if open := strings.Index(series, "{"); open >= 0 {
				name = series[:open]
				var keys []string
				for _, kv := range strings.Split(strings.TrimSuffix(series[open+1:], "}"), ",") {
					keys = append(keys, kv[:strings.Index(kv, "=")])
				}
				labels = "{" + strings.Join(keys, ",") + "}"
			}
			shapes[name+labels] = true
		}
		for _, f := range families {
			if !shapes[f] {
				t.Errorf("%s does not expose %s", process, f)
			}
		}
	}
}

// A trace id sent by a client appears in the logs of the gateway, the
// service and the worker (and the resource service the worker calls) for
// that request, and goes to the provider.
func TestTraceIDReachesEveryLog(t *testing.T) {
	u := newUser()
	res := createResource(t, u, map[string]any{"title": "traced", "content": "Follow this one."})
	traceID := randomHex(16)
	traceparent := "00-" + traceID + "-" + randomHex(8) + "-01"
	r := do(t, "POST", "/api/v1/resources/"+res["id"].(string)+"/analyses", u.token, nil, "Traceparent", traceparent)
	if r.status != 202 || r.header.Get("Traceparent") != traceparent {
		t.Fatalf("analysis: %d %s (traceparent %q)", r.status, r.raw, r.header.Get("Traceparent"))
	}
	if a := waitTerminal(t, u, r.data()["id"].(string), 20*time.Second); a["status"] != "succeeded" {
		t.Fatalf("analysis: %v", a)
	}
	needle := `"trace_id":"` + traceID + `"`
	waitFor(t, 5*time.Second, "the trace id in every log", func() bool {
		for _, process := range []string{"gateway", "analysis", "analysis-worker", "resource"} {
			raw, _ := os.ReadFile(filepath.Join(logDir, process+".log"))
			if !strings.Contains(string(raw), needle) {
				return false
			}
		}
		return true
	})
	// A malformed one is replaced by a new trace, never passed on.
	r = do(t, "GET", "/api/v1/profiles/me", u.token, nil, "Traceparent", "00-zz-bad")
	if got := r.header.Get("Traceparent"); len(got) != 55 || strings.Contains(got, "zz") {
		t.Fatalf("traceparent %q", got)
	}
}

// A real Prometheus (Debian's) scrapes every process the harness started
// and loads the alert rules: every target reports up.
func TestPrometheusScrapesEveryProcess(t *testing.T) {
	binary := "/usr/bin/prometheus"
	if _, err := os.Stat(binary); err != nil {
		t.Fatalf("%s missing: ./plinth test installs Debian's prometheus", binary)
	}
	dir := t.TempDir()
	var config strings.Builder
	config.WriteString("global: {scrape_interval: 1s, evaluation_interval: 1s}\n")
	config.WriteString("rule_files: ['" + filepath.Join(root, "k8s/monitoring/alerts.yml") + "']\nscrape_configs:\n")
	processes := []string{"gateway", "profile", "resource", "billing", "analysis", "analysis-worker"}
	for _, p := range processes {
		config.WriteString("  - {job_name: plinth-" + p + ", static_configs: [{targets: ['" + metricsAddr[p] + "']}]}\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(freePort())
	cmd, err := startDetached("prometheus", []string{binary, "--config.file=" + filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path=" + filepath.Join(dir, "data"), "--web.listen-address=" + addr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	type target struct {
		Labels map[string]string `json:"labels"`
		Health string            `json:"health"`
	}
	var health map[string]string
	waitFor(t, 30*time.Second, "every target up", func() bool {
		resp, err := http.Get("http://" + addr + "/api/v1/targets")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var body struct {
			Data struct {
				ActiveTargets []target `json:"activeTargets"`
			} `json:"data"`
		}
		if json.NewDecoder(resp.Body).Decode(&body) != nil {
			return false
		}
		health = map[string]string{}
		for _, tg := range body.Data.ActiveTargets {
			health[tg.Labels["job"]] = tg.Health
		}
		for _, p := range processes {
			if health["plinth-"+p] != "up" {
				return false
			}
		}
		return true
	})
	resp, err := http.Get("http://" + addr + "/api/v1/rules")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(raw), `"PlinthTargetDown"`) || !strings.Contains(string(raw), `"PlinthModelUnavailable"`) {
		t.Fatalf("alert rules not loaded: %.300s", raw)
	}
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, the gateway exports a server span per
// request over OTLP/HTTP, in the client's trace, and the backends log that
// same trace id.
func TestGatewayExportsSpansOverOTLP(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/traces" && r.Header.Get("Content-Type") == "application/x-protobuf" {
			mu.Lock()
			bodies = append(bodies, raw)
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort())
	cmd, err := startDetached("gateway-otel", []string{filepath.Join(root, "bazel-bin/gateway/plinth-gateway")},
		append(backendEnv(profileGRPC, resourceGRPC), "PLINTH_HTTP_ADDR="+addr,
			"OTEL_EXPORTER_OTLP_ENDPOINT="+collector.URL, "OTEL_BSP_SCHEDULE_DELAY=100"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if err := waitReady([]string{"http://" + addr}); err != nil {
		t.Fatal(err)
	}
	traceID := randomHex(16)
	u := newUser()
	r := doAt(t, "http://"+addr, "GET", "/api/v1/profiles/me", u.token, nil, "Traceparent", "00-"+traceID+"-"+randomHex(8)+"-01")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Traceparent"), "00-"+traceID+"-") {
		t.Fatalf("%d, traceparent %q", r.status, r.header.Get("Traceparent"))
	}
	id, _ := hex.DecodeString(traceID)
	waitFor(t, 10*time.Second, "the span at the collector", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range bodies {
			if bytes.Contains(b, id) && bytes.Contains(b, []byte("/api/v1/profiles/me")) {
				return true
			}
		}
		return false
	})
	raw, _ := os.ReadFile(filepath.Join(logDir, "profile.log"))
	if !strings.Contains(string(raw), `"trace_id":"`+traceID+`"`) {
		t.Fatal("the profile service did not log the exported trace's id")
	}
}

// A client that goes away before its request message arrives (the gateway
// cancels its call when its own client disconnects) is counted as Canceled:
// gRPC's callback API finishes such calls as Unimplemented, which would read
// as a missing method on a dashboard.
func TestACallCancelledBeforeItsMessageIsCountedAsCanceled(t *testing.T) {
	u := newUser()
	series := func(code string) string {
		return `grpc_server_handled_total{grpc_code="` + code + `",grpc_method="GetMyProfile",grpc_service="plinth.v1.ProfileService"}`
	}
	before := scrape(t, "profile")
	conn, err := grpc.NewClient(profileGRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	desc := &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}
	for i := 0; i < 50; i++ {
		ctx, cancel := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+u.token))
		stream, err := conn.NewStream(ctx, desc, "/plinth.v1.ProfileService/GetMyProfile", grpc.ForceCodec(rawCodec{}))
		if err != nil {
			t.Fatal(err)
		}
		_ = stream // its HEADERS frame goes out, then the cancellation's RST_STREAM
		time.Sleep(time.Duration(i%5) * time.Millisecond)
		cancel()
	}
	var after map[string]float64
	deadline := time.Now().Add(10 * time.Second)
	for {
		after = scrape(t, "profile")
		if sample(after, series("Canceled"))-sample(before, series("Canceled")) >= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := sample(after, series("Canceled")) - sample(before, series("Canceled")); n < 1 {
		t.Fatalf("no call counted as Canceled (Unimplemented: %v)", sample(after, series("Unimplemented"))-sample(before, series("Unimplemented")))
	}
	if n := sample(after, series("Unimplemented")) - sample(before, series("Unimplemented")); n != 0 {
		t.Fatalf("%v cancelled calls counted as Unimplemented", n)
	}
}
