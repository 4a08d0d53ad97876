// End-to-end tests: the real binaries (services built by Bazel, the Go
// gateway) against a real PostgreSQL, driven over HTTP exactly as the
// frontend does. tests/run_all.sh provides the PostgreSQL server
// (PLINTH_TEST_DATABASE_URL); this harness creates a database of its own,
// migrates it and starts the processes on free ports.
package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const jwtSecret = "e2e-secret-that-is-long-enough-for-hs256-0123456789"

var (
	root        string
	baseURL     string
	databaseURL string
	procs       []*exec.Cmd
	logDir      string
)

func TestMain(m *testing.M) {
	if err := setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e setup failed:", err)
		tearDown()
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 && os.Getenv("PLINTH_STRIPE_MOCK") != "" {
		if err := conformToStripesSpec(os.Getenv("PLINTH_STRIPE_MOCK")); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: billing's requests against stripe-mock:", err)
			code = 1
		}
	}
	tearDown()
	os.Exit(code)
}

func setUp() error {
	wd, _ := os.Getwd()
	root = filepath.Clean(filepath.Join(wd, "..", ".."))
	if _, err := os.Stat(filepath.Join(root, "WORKSPACE")); err != nil {
		return fmt.Errorf("run from tests/e2e of the repository")
	}
	server := os.Getenv("PLINTH_TEST_DATABASE_URL")
	if server == "" || os.Getenv("PLINTH_TEST_REDIS_URL") == "" {
		return fmt.Errorf("PLINTH_TEST_DATABASE_URL and PLINTH_TEST_REDIS_URL must be set: run ./plinth test")
	}
	var err error
	logDir, err = os.MkdirTemp("", "plinth-e2e-logs-")
	if err != nil {
		return err
	}
	// As a deployment: the cluster bootstrapped by its superuser, the
	// database owned and migrated by plinth_owner, each service connected as
	// its own role (migration 0010). The tests' own checks (psql) use the
	// superuser.
	dbName := "e2e_" + randomHex(6)
	if out, err := exec.Command("psql", server, "-Xq", "-v", "ON_ERROR_STOP=1", "-f",
		filepath.Join(root, "migrations/bootstrap/cluster.sql"), "-c", "create database "+dbName+" owner plinth_owner").CombinedOutput(); err != nil {
		return fmt.Errorf("bootstrap and create database: %v: %s", err, out)
	}
	databaseURL = server[:strings.LastIndex(server, "/")+1] + dbName
	migrate := exec.Command(filepath.Join(root, "bazel-bin/migrations/migrate"), "--dir", filepath.Join(root, "migrations"))
	migrate.Env = append(os.Environ(), "DATABASE_URL="+roleURL("plinth_owner"))
	if out, err := migrate.CombinedOutput(); err != nil {
		return fmt.Errorf("migrate: %v: %s", err, out)
	}

	issuer := startFakeIssuer()
	jwksURL := issuer.URL + "/auth/v1/.well-known/jwks.json"
	profileAddr := fmt.Sprintf("127.0.0.1:%d", freePort())
	resourceAddr := fmt.Sprintf("127.0.0.1:%d", freePort())
	billingAddr := fmt.Sprintf("127.0.0.1:%d", freePort())
	analysisAddr := fmt.Sprintf("127.0.0.1:%d", freePort())
	stripe = startFakeStripe()
	httpAddr := fmt.Sprintf("127.0.0.1:%d", freePort())
	common := []string{"SUPABASE_JWT_SECRET=" + jwtSecret, "SUPABASE_JWKS_URL=" + jwksURL,
		"LOG_LEVEL=info", "PLINTH_SERVICE_TOKEN=" + serviceToken}
	// The job queue's Redis is the harness's own, so a test can stop it.
	queueRedisPort = freePort()
	if err := startQueueRedis(); err != nil {
		return err
	}
	queueRedisURL := fmt.Sprintf("redis://127.0.0.1:%d/0", queueRedisPort)
	if err := startFakeAnthropic(); err != nil {
		return err
	}
	if err := start("profile", filepath.Join(root, "bazel-bin/services/profile/profile"),
		append(common, "DATABASE_URL="+roleURL("plinth_profile"), "PROFILE_GRPC_ADDR="+profileAddr, "FREE_TIER_CREDITS=10",
			"REDIS_URL="+os.Getenv("PLINTH_TEST_REDIS_URL"))); err != nil {
		return err
	}
	if err := start("resource", filepath.Join(root, "bazel-bin/services/resource/resource"),
		append(common, "DATABASE_URL="+roleURL("plinth_resource"), "RESOURCE_GRPC_ADDR="+resourceAddr, "PROFILE_GRPC_ADDR="+profileAddr,
			"REDIS_URL="+os.Getenv("PLINTH_TEST_REDIS_URL"))); err != nil {
		return err
	}
	// The main gateway: real limiter, limits high enough for the whole suite.
	if err := start("billing", filepath.Join(root, "bazel-bin/services/billing/billing"),
		append(common, "DATABASE_URL="+roleURL("plinth_billing"), "BILLING_GRPC_ADDR="+billingAddr, "PROFILE_GRPC_ADDR="+profileAddr,
			"REDIS_URL="+os.Getenv("PLINTH_TEST_REDIS_URL"), "BILLING_RECONCILE_INTERVAL_SECONDS=0",
			"STRIPE_SECRET_KEY=sk_test_e2e", "STRIPE_API_BASE="+stripe.server.URL,
			"STRIPE_WEBHOOK_SECRET="+webhookSecret, "STRIPE_TIMEOUT_MS=1500",
			"PLINTH_CORS_ORIGINS="+corsOrigins())); err != nil {
		return err
	}
	billingGRPC, profileGRPC, resourceGRPC = billingAddr, profileAddr, resourceAddr
	// The profile cache on the shared Redis, the queue on its own.
	if err := start("analysis", filepath.Join(root, "bazel-bin/services/analysis/analysis"),
		append(common, "DATABASE_URL="+roleURL("plinth_analysis"), "ANALYSIS_GRPC_ADDR="+analysisAddr, "RESOURCE_GRPC_ADDR="+resourceAddr,
			"REDIS_URL="+os.Getenv("PLINTH_TEST_REDIS_URL"), "JOB_QUEUE_REDIS_URL="+queueRedisURL,
			"ANALYSIS_WATCH_CHECK_SECONDS=1")); err != nil {
		return err
	}
	// A short job limit and sweep so that reclaiming and sweeping happen
	// within a test; the rest as in production.
	workerEnv = append(common, "DATABASE_URL="+roleURL("plinth_worker"), "RESOURCE_GRPC_ADDR="+resourceAddr, "BILLING_GRPC_ADDR="+billingAddr,
		"REDIS_URL="+queueRedisURL, "LLM_PROVIDER=anthropic", "ANTHROPIC_API_KEY="+fakeAnthropicKey,
		"ANTHROPIC_BASE_URL="+fakeAnthropicURL, "ANALYSIS_JOB_TIMEOUT_SECONDS=5", "ANALYSIS_SWEEP_INTERVAL_SECONDS=1",
		"ANALYSIS_STRANDED_AFTER_SECONDS=3", "ANALYSIS_WORKER_CONCURRENCY=16", "ANALYSIS_WORKER_DRAIN_SECONDS=10",
		"LLM_MODEL_CHECK_SECONDS=1",
		fmt.Sprintf("ANALYSIS_WORKER_HEALTH_ADDR=127.0.0.1:%d", freePort()))
	if err := startWorker(); err != nil {
		return err
	}
	analysisGRPC = analysisAddr
	if err := start("gateway", filepath.Join(root, "bazel-bin/gateway/plinth-gateway"), append(backendEnv(profileAddr, resourceAddr),
		"PLINTH_HTTP_ADDR="+httpAddr, "REDIS_URL="+os.Getenv("PLINTH_TEST_REDIS_URL"),
		"SUPABASE_JWT_SECRET="+jwtSecret, "SUPABASE_JWKS_URL="+jwksURL, "PLINTH_RATE_LIMIT_PREFIX=e2e-main-"+randomHex(4)+":",
		"PLINTH_RATE_LIMIT_USER=1000000", "PLINTH_RATE_LIMIT_ANON=1000000", "PLINTH_STREAM_HEARTBEAT_S=1",
		"PLINTH_MAX_STREAMS_PER_USER=4")); err != nil {
		return err
	}
	baseURL = "http://" + httpAddr
	mainGateway = procs[len(procs)-1]
	// The stand-in sends its events to the gateway, as Stripe would.
	stripe.fake.SetWebhook(baseURL+"/api/v1/webhooks/stripe", webhookSecret)
	// Two more gateways with the contract's default limits, sharing one Redis
	// key space (as replicas do), and one whose Redis is unreachable.
	limitPrefix := "e2e-limits-" + randomHex(4) + ":"
	for i, name := range []string{"gateway-limits-a", "gateway-limits-b", "gateway-no-redis"} {
		addr := fmt.Sprintf("127.0.0.1:%d", freePort())
		redisURL, prefix := os.Getenv("PLINTH_TEST_REDIS_URL"), limitPrefix
		if i == 2 {
			redisURL = fmt.Sprintf("redis://127.0.0.1:%d/0", freePort())
		}
		if err := start(name, filepath.Join(root, "bazel-bin/gateway/plinth-gateway"), append(backendEnv(profileAddr, resourceAddr),
			"PLINTH_HTTP_ADDR="+addr, "REDIS_URL="+redisURL, "PLINTH_RATE_LIMIT_PREFIX="+prefix,
			"SUPABASE_JWT_SECRET="+jwtSecret)); err != nil {
			return err
		}
		extraGateways = append(extraGateways, "http://"+addr)
	}
	if err := waitReady(append([]string{baseURL}, extraGateways...)); err != nil {
		return err
	}
	return nil
}

var (
	mainGateway   *exec.Cmd // serves baseURL
	extraGateways []string
	stripe        *fakeStripe
	billingGRPC   string
	profileGRPC   string
	resourceGRPC  string
	analysisGRPC  string
)

const (
	webhookSecret = "whsec_e2e_secret_0123456789"
)

// roleURL is the test database's URL connecting as role (the test cluster
// trusts local connections: no password).
func roleURL(role string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		panic(err)
	}
	u.User = url.User(role)
	return u.String()
}

func backendEnv(profileAddr, resourceAddr string) []string {
	return []string{"PROFILE_GRPC_ADDR=" + profileAddr, "RESOURCE_GRPC_ADDR=" + resourceAddr,
		"BILLING_GRPC_ADDR=" + billingGRPC, "ANALYSIS_GRPC_ADDR=" + analysisGRPC,
		"PLINTH_CORS_ORIGINS=" + corsOrigins()}
}

// webAddr is where the frontend's browser test serves the app
// (frontend_test.go): an allowed origin of the gateway and of Stripe's
// return pages, like the app's own origin in production.
var webAddr = fmt.Sprintf("127.0.0.1:%d", freePort())

func corsOrigins() string {
	return "https://app.example.com,http://localhost:3000,http://" + webAddr
}

func waitReady(urls []string) error {
	deadline := time.Now().Add(20 * time.Second)
	for _, u := range urls {
		for {
			resp, err := http.Get(u + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s not ready; logs in %s", u, logDir)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// metricsAddr is where each process the harness started serves /metrics.
var metricsAddr = map[string]string{}

// withMetrics gives the process a /metrics address of its own: every
// process reads one of these variables, so they can all point at one port.
func withMetrics(name string, env []string) []string {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort())
	metricsAddr[name] = addr
	out := append([]string{}, env...)
	for _, v := range []string{"PLINTH_METRICS_ADDR", "PROFILE_METRICS_ADDR", "RESOURCE_METRICS_ADDR", "BILLING_METRICS_ADDR",
		"ANALYSIS_METRICS_ADDR", "ANALYSIS_WORKER_METRICS_ADDR"} {
		out = append(out, v+"="+addr)
	}
	return out
}

func start(name, binary string, env []string) error {
	env = withMetrics(name, env)
	logFile, err := os.Create(filepath.Join(logDir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(binary)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	procs = append(procs, cmd)
	return nil
}

// startDetached starts a process the caller manages (not stopped by tearDown
// through procs); its log goes to logDir/name.log, appended.
func startDetached(name string, argv []string, env []string) (*exec.Cmd, error) {
	env = withMetrics(name, env)
	logFile, err := os.OpenFile(filepath.Join(logDir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return cmd, nil
}

func tearDown() {
	if worker != nil {
		_ = worker.Process.Signal(os.Interrupt)
		_ = worker.Wait()
	}
	stopQueueRedis()
	for i := len(procs) - 1; i >= 0; i-- {
		_ = procs[i].Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func(c *exec.Cmd) { _ = c.Wait(); close(done) }(procs[i])
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = procs[i].Process.Kill()
		}
	}
}

// freePort is a loopback port nothing listens on, below the kernel's
// ephemeral range: a port the kernel handed out (":0") is in that range, and
// once closed it can become the source port of one of the many connections
// the stack opens before the process meant for it binds it. Never the same
// port twice in one run.
func freePort() int {
	portsMu.Lock()
	defer portsMu.Unlock()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 12000 {
				low = n
			}
		}
	}
	for {
		p := 10000 + mrand.IntN(low-10000)
		if portsGiven[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		portsGiven[p] = true
		return p
	}
}

var (
	portsMu    sync.Mutex
	portsGiven = map[int]bool{}
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ---- tokens (an independent HS256 implementation) ----------------------------

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func signToken(header, claims map[string]any, secret string) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(c)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(input))
	return input + "." + b64(mac.Sum(nil))
}

func claimsFor(sub, email string) map[string]any {
	now := time.Now().Unix()
	return map[string]any{"aud": "authenticated", "sub": sub, "email": email, "role": "authenticated",
		"iat": now, "exp": now + 3600}
}

func tokenFor(sub, email string) string {
	return signToken(map[string]any{"alg": "HS256", "typ": "JWT"}, claimsFor(sub, email), jwtSecret)
}

// user is a fresh identity with a valid token.
type user struct {
	id, email, token string
}

func newUser() user {
	id := newUUID()
	email := "u" + id[:8] + "@example.com"
	return user{id: id, email: email, token: tokenFor(id, email)}
}

// ---- HTTP helpers ----------------------------------------------------------

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func do(t *testing.T, method, path, token string, body any, headers ...string) response {
	t.Helper()
	return doAt(t, baseURL, method, path, token, body, headers...)
}

func doAt(t *testing.T, base, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		reader = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, base+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %q", method, path, raw)
		}
	}
	return r
}

func (r response) data() map[string]any {
	d, _ := r.body["data"].(map[string]any)
	return d
}

func (r response) errorCode() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r response) errorFields() []string {
	e, _ := r.body["error"].(map[string]any)
	details, _ := e["details"].([]any)
	var fields []string
	for _, d := range details {
		m, _ := d.(map[string]any)
		f, _ := m["field"].(string)
		fields = append(fields, f)
	}
	return fields
}

func expectError(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status || r.errorCode() != code {
		t.Fatalf("want %d %s, got %d %s", status, code, r.status, r.raw)
	}
	if r.body["success"] != false {
		t.Fatalf("error envelope without success=false: %s", r.raw)
	}
	e, _ := r.body["error"].(map[string]any)
	if rid, _ := e["request_id"].(string); rid == "" || rid != r.header.Get("X-Request-Id") {
		t.Fatalf("error.request_id %q does not match X-Request-Id %q", rid, r.header.Get("X-Request-Id"))
	}
	if _, ok := e["details"].([]any); !ok {
		t.Fatalf("error.details must be a list: %s", r.raw)
	}
}

// psql runs SQL against the test database as the owner and returns its output.
func psql(t *testing.T, sql string) string {
	t.Helper()
	out, err := exec.Command("psql", databaseURL, "-XAtqc", sql).CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v: %s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}
