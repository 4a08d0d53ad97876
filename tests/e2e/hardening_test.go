// Regression tests of the hardening issue: each attack as it was made, over
// real gRPC to a service's port or through the real gateway.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// rawCodec sends and receives protobuf bytes built by hand: the tests call
// services as an attacker with grpcurl would, without generated stubs.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// stringField is the wire form of `string <field> = n` holding s (n < 16).
func stringField(n int, s string) []byte {
	b := []byte{byte(n<<3 | 2)}
	for l := len(s); ; l >>= 7 {
		if l < 0x80 {
			b = append(b, byte(l))
			break
		}
		b = append(b, byte(l&0x7f|0x80))
	}
	return append(b, s...)
}

// grpcCall invokes method on addr with the given metadata pairs.
func grpcCall(t *testing.T, addr, method string, request []byte, md ...string) ([]byte, error) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, md...)
	var reply []byte
	err = conn.Invoke(ctx, method, &request, &reply, grpc.ForceCodec(rawCodec{}))
	return reply, err
}

func expectCode(t *testing.T, err error, want codes.Code, what string) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Fatalf("%s: got %v (%v), want %v", what, got, err, want)
	}
}

// The reproduction: a user's own token on the billing port, with the key of
// an analysis that succeeded, minted a credit per call.
func TestAUserCannotMintCreditsOverGRPC(t *testing.T) {
	u := newUser()
	_, id := analyse(t, u, "A resource to analyse. "+randomHex(4))
	if a := waitTerminal(t, u, id, 20*time.Second); a["status"] != "succeeded" {
		t.Fatalf("analysis: %v", a)
	}
	before := credits(t, u)
	key := stringField(1, "analysis:"+id)
	for _, method := range []string{"/plinth.v1.BillingService/RefundCredit", "/plinth.v1.BillingService/ConsumeCredit"} {
		_, err := grpcCall(t, billingGRPC, method, key, "authorization", "Bearer "+u.token)
		expectCode(t, err, codes.PermissionDenied, method+" with a user token")
		_, err = grpcCall(t, billingGRPC, method, key)
		expectCode(t, err, codes.PermissionDenied, method+" without credentials")
		_, err = grpcCall(t, billingGRPC, method, key, "x-plinth-service-token", "guessed-"+randomHex(8),
			"x-plinth-user-id", u.id)
		expectCode(t, err, codes.Unauthenticated, method+" with a wrong service token")
	}
	// Even the service credential cannot refund an analysis that succeeded.
	_, err := grpcCall(t, billingGRPC, "/plinth.v1.BillingService/RefundCredit", key,
		"x-plinth-service-token", serviceToken, "x-plinth-user-id", u.id)
	expectCode(t, err, codes.Aborted, "refund of a succeeded analysis")
	if after := credits(t, u); after != before {
		t.Fatalf("credits went from %s to %s", before, after)
	}
}

// Every service port refuses a user method without a token, and serves no
// reflection (off unless PLINTH_GRPC_REFLECTION=1).
func TestServicePortsDenyByDefault(t *testing.T) {
	u := newUser()
	res := createResource(t, u, map[string]any{"title": "mine"})
	get := stringField(1, res["id"].(string))
	resourceAddr := resourceGRPC
	_, err := grpcCall(t, resourceAddr, "/plinth.v1.ResourceService/GetResource", get)
	expectCode(t, err, codes.Unauthenticated, "GetResource without a token")
	// A forged token (right claims, wrong key) is refused at the port as at the gateway.
	forged := signToken(map[string]any{"alg": "HS256", "typ": "JWT"}, claimsFor(u.id, u.email), "not-the-secret-0123456789abcdef0123")
	_, err = grpcCall(t, resourceAddr, "/plinth.v1.ResourceService/GetResource", get, "authorization", "Bearer "+forged)
	expectCode(t, err, codes.Unauthenticated, "GetResource with a forged token")
	// The internal status change refuses the owner's own token.
	_, err = grpcCall(t, resourceAddr, "/plinth.v1.ResourceService/SetResourceStatus",
		append(get, stringField(2, "completed")...), "authorization", "Bearer "+u.token)
	expectCode(t, err, codes.PermissionDenied, "SetResourceStatus with a user token")
	_, err = grpcCall(t, resourceAddr, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", nil)
	expectCode(t, err, codes.PermissionDenied, "reflection")
	if r := do(t, "GET", "/api/v1/resources/"+res["id"].(string), u.token, nil); r.data()["status"] != "pending" {
		t.Fatalf("resource changed: %s", r.raw)
	}
}

// The reproduction: 25 resources of 100,000 emoji made the list exceed the
// message limit, answered 429 with gRPC's text.
func TestAListOfHugeResourcesAnswers(t *testing.T) {
	u := newUser()
	content := strings.Repeat("😀", 100000)
	for i := 0; i < 25; i++ {
		if r := do(t, "POST", "/api/v1/resources", u.token, map[string]any{"title": fmt.Sprintf("big %d", i), "content": content}); r.status != 201 {
			t.Fatalf("create %d: %d %.200s", i, r.status, r.raw)
		}
	}
	r := do(t, "GET", "/api/v1/resources?limit=100", u.token, nil)
	if r.status != 200 {
		t.Fatalf("list: %d %.300s", r.status, r.raw)
	}
	items, _ := r.body["data"].([]any)
	if len(items) != 25 {
		t.Fatalf("list has %d items", len(items))
	}
	first := items[0].(map[string]any)
	if c := first["content"].(string); len([]rune(c)) != 2000 || first["content_truncated"] != true {
		t.Fatalf("list item content: %d characters, truncated=%v", len([]rune(c)), first["content_truncated"])
	}
	// The resource itself still has all of it.
	one := do(t, "GET", "/api/v1/resources/"+first["id"].(string), u.token, nil)
	if c := one.data()["content"].(string); c != content || one.data()["content_truncated"] != false {
		t.Fatalf("GET one: %d characters", len([]rune(c)))
	}
}

// The preview's limit is in characters: a multi-byte text longer than 2,000
// bytes but not 2,000 characters comes whole; one character more is cut.
func TestListPreviewCountsCharactersNotBytes(t *testing.T) {
	u := newUser()
	whole := strings.Repeat("é😀", 1000)      // 2,000 characters, 6,000 bytes
	cut := strings.Repeat("é😀", 1000) + "x"  // 2,001 characters
	for _, c := range []string{cut, whole} { // newest first in the list
		if r := do(t, "POST", "/api/v1/resources", u.token, map[string]any{"title": "t", "content": c}); r.status != 201 {
			t.Fatalf("create: %d %.200s", r.status, r.raw)
		}
	}
	r := do(t, "GET", "/api/v1/resources?sort=-created_at", u.token, nil)
	items, _ := r.body["data"].([]any)
	if r.status != 200 || len(items) != 2 {
		t.Fatalf("list: %d %.300s", r.status, r.raw)
	}
	first, second := items[0].(map[string]any), items[1].(map[string]any)
	if first["content"] != whole || first["content_truncated"] != false {
		t.Fatalf("2,000 characters: %d characters, truncated=%v", len([]rune(first["content"].(string))), first["content_truncated"])
	}
	if second["content"] != whole || second["content_truncated"] != true {
		t.Fatalf("2,001 characters: %d characters, truncated=%v", len([]rune(second["content"].(string))), second["content_truncated"])
	}
}

// rssKiB is a process's resident set from /proc.
func rssKiB(t *testing.T, pid int) int {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// The reproduction: 300 connections announcing 1,048,000-byte bodies and
// sending them slowly took the gateway from 30 MB to 618 MB. Against a
// gateway of its own (limits as high as the main one's, so the body budget
// is what holds), on an unknown path and on a route that takes a body.
func TestSlowBodiesCannotExhaustTheGateway(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort())
	cmd, err := startDetached("gateway-slow-bodies", []string{filepath.Join(root, "bazel-bin/gateway/plinth-gateway")},
		append(backendEnv(profileGRPC, resourceGRPC), "PLINTH_HTTP_ADDR="+addr,
			"REDIS_URL="+os.Getenv("PLINTH_TEST_REDIS_URL"), "SUPABASE_JWT_SECRET="+jwtSecret,
			"PLINTH_RATE_LIMIT_PREFIX=e2e-slow-"+randomHex(4)+":",
			"PLINTH_RATE_LIMIT_USER=1000000", "PLINTH_RATE_LIMIT_ANON=1000000"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if err := waitReady([]string{"http://" + addr}); err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		conns    []net.Conn
		statuses = map[string]int{}
	)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < 300; i++ {
		path := "/x"
		if i%2 == 1 {
			path = "/api/v1/resources"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048000\r\n\r\n", path)
			_, _ = c.Write([]byte(strings.Repeat("a", 1024)))
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			// Whatever the gateway answers before the body is complete.
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			mu.Lock()
			if err == nil {
				statuses[path+" "+strings.TrimSpace(line)]++
			} else {
				statuses[path+" (no answer yet)"]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	// Bodies still trickling in: a normal request is served meanwhile.
	for _, c := range conns {
		_, _ = c.Write([]byte(strings.Repeat("b", 1024)))
	}
	u := newUser()
	if r := doAt(t, "http://"+addr, "GET", "/api/v1/profiles/me", u.token, nil); r.status != 200 {
		t.Fatalf("normal request during the attack: %d %s", r.status, r.raw)
	}
	rss := rssKiB(t, cmd.Process.Pid)
	t.Logf("gateway RSS %d KiB; answers %v", rss, statuses)
	if rss > 100*1024 {
		t.Fatalf("gateway RSS %d KiB, over 100 MB", rss)
	}
	if statuses["/x HTTP/1.1 404 Not Found"] != 150 {
		t.Fatalf("unknown path not answered 404 at once: %v", statuses)
	}
	if statuses["/api/v1/resources HTTP/1.1 503 Service Unavailable"] == 0 {
		t.Fatalf("no body refused for the in-flight budget: %v", statuses)
	}
}

// Unknown paths and other origins' preflights count against the anonymous
// bucket; the probes do not.
func TestEveryPathIsRateLimited(t *testing.T) {
	gw := extraGateways[0] // the contract's default limits (20/min anonymous)
	limited := false
	for i := 0; i < 25 && !limited; i++ {
		r := doAt(t, gw, "OPTIONS", "/no/such/path", "", nil, "Origin", "https://evil.example",
			"Access-Control-Request-Method", "GET")
		if r.status == http.StatusTooManyRequests {
			limited = true
		}
		r = doAt(t, gw, "GET", "/nowhere", "", nil, "Origin", "https://app.example.com")
		if r.status == http.StatusTooManyRequests {
			limited = true
			// Readable by the browser: the CORS headers are on the refusal.
			if r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
				t.Fatalf("429 without CORS headers: %v", r.header)
			}
		}
	}
	if !limited {
		t.Fatal("50 anonymous requests to unknown paths and preflights were never limited")
	}
	for i := 0; i < 5; i++ {
		if r := doAt(t, gw, "GET", "/healthz", "", nil); r.status != 200 {
			t.Fatalf("probe limited: %d", r.status)
		}
	}
}

// A browser app sends a preflight per URL and method, without the user's
// token: the allowed origins' preflights are answered before the limiter,
// so a signed-in user's app is never refused by the anonymous bucket.
func TestAllowedOriginPreflightsAreNotLimited(t *testing.T) {
	gw := extraGateways[1] // default limits, its own client IP bucket shared with [0]: drain it first
	for i := 0; i < 25; i++ {
		doAt(t, gw, "GET", "/nowhere", "", nil)
	}
	if r := doAt(t, gw, "GET", "/nowhere", "", nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("the anonymous bucket is not exhausted: %d", r.status)
	}
	for i := 0; i < 30; i++ {
		r := doAt(t, gw, "OPTIONS", "/api/v1/resources/"+newUUID()+"/analyses", "", nil,
			"Origin", "https://app.example.com", "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type")
		if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
			!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Fatalf("preflight %d: %d %v", i, r.status, r.header)
		}
	}
	// Other origins' preflights still count, and are refused.
	if r := doAt(t, gw, "OPTIONS", "/api/v1/resources", "", nil, "Origin", "https://evil.example",
		"Access-Control-Request-Method", "GET"); r.status != http.StatusTooManyRequests {
		t.Fatalf("a disallowed origin's preflight with the bucket exhausted: %d", r.status)
	}
}

// /readyz names backends, never their addresses.
func TestReadinessDoesNotListAddresses(t *testing.T) {
	r := doAt(t, extraGateways[0], "GET", "/readyz", "", nil)
	if r.status != 200 || strings.Contains(string(r.raw), "127.0.0.1") {
		t.Fatalf("readyz: %d %s", r.status, r.raw)
	}
}

// metricsSize is the byte length of a process's /metrics exposition.
func metricsSize(t *testing.T, process string) int {
	t.Helper()
	resp, err := http.Get("http://" + metricsAddr[process] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return len(raw)
}

// The reproduction: 300 unknown methods from an anonymous caller added 300
// label sets to the profile service's /metrics, kept for the process's
// life. Unknown methods now share one label value.
func TestUnknownMethodsDoNotGrowTheMetrics(t *testing.T) {
	call := func(i int) {
		if _, err := grpcCall(t, profileGRPC, fmt.Sprintf("/x%d.Svc/M%d", i, i), nil); err == nil {
			t.Fatal("an unknown method answered OK")
		}
	}
	call(-1) // the shared series exists from here on
	before, seriesBefore := metricsSize(t, "profile"), len(scrape(t, "profile"))
	for i := 0; i < 1000; i++ {
		call(i)
	}
	after, seriesAfter := metricsSize(t, "profile"), len(scrape(t, "profile"))
	// The same series; only their values' digits may grow (1 → 1001 in each
	// of the shared histogram's buckets).
	if seriesAfter != seriesBefore || after > before+200 {
		t.Fatalf("/metrics went from %d series, %d bytes to %d series, %d bytes after 1,000 unknown methods",
			seriesBefore, before, seriesAfter, after)
	}
	unknown := 0.0
	for series, v := range scrape(t, "profile") {
		if strings.HasPrefix(series, "grpc_server_handled_total{") && strings.Contains(series, `grpc_method="unknown"`) {
			unknown += v
		}
	}
	if unknown < 1001 {
		t.Fatalf("unknown calls counted %v, want >= 1001", unknown)
	}
}

// The reproduction: 30 preflights with 64 KiB paths from an allowed origin
// were all answered and logged whole (+1.8 MB of gateway log). Now they
// count in a per-client bucket in the gateway's memory (300 a minute) and
// the access log writes the route template and at most 1 KiB of the path.
func TestAllowedOriginPreflightsAreBoundedAndLoggedShort(t *testing.T) {
	gw, logPath := extraGateways[0], filepath.Join(logDir, "gateway-limits-a.log")
	// A fixed one-minute window: start well inside one.
	if left := time.Minute - time.Duration(time.Now().UnixNano()%int64(time.Minute)); left < 10*time.Second {
		time.Sleep(left + 100*time.Millisecond)
	}
	lines := func() int {
		b, _ := os.ReadFile(logPath)
		return strings.Count(string(b), "\n")
	}
	sizeBefore, linesBefore := fileSize(t, logPath), lines()
	path := "/api/v1/resources/" + strings.Repeat("a", 60<<10)
	passed, limited := 0, 0
	for i := 0; i < 350; i++ {
		r := doAt(t, gw, "OPTIONS", path, "", nil, "Origin", "https://app.example.com",
			"Access-Control-Request-Method", "GET")
		switch r.status {
		case http.StatusNoContent:
			passed++
		case http.StatusTooManyRequests:
			limited++
			if r.errorCode() != "RATE_LIMITED" || r.header.Get("Retry-After") == "" ||
				r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
				t.Fatalf("refused preflight: %d %v %s", r.status, r.header, r.raw)
			}
		default:
			t.Fatalf("preflight %d: %d %s", i, r.status, r.raw)
		}
	}
	if passed != 300 || limited != 50 {
		t.Fatalf("%d preflights passed and %d were refused, want 300 and 50", passed, limited)
	}
	waitFor(t, 5*time.Second, "the access log lines", func() bool { return lines()-linesBefore >= 350 })
	grown := fileSize(t, logPath) - sizeBefore
	if grown > 350*1600 {
		t.Fatalf("350 preflights with 60 KiB paths grew the log by %d bytes", grown)
	}
	b, _ := os.ReadFile(logPath)
	last := strings.Split(strings.TrimSpace(string(b)), "\n")
	if l := last[len(last)-1]; !strings.Contains(l, `"route":`) || !strings.Contains(l, `"path":"/api/v1/resources/aaa`) {
		t.Fatalf("access log line: %.300s", l)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
