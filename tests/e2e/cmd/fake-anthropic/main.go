// fake-anthropic speaks the Anthropic API on loopback for tests and
// benchmarks, as documented for API versions 2023-06-01 and 2026-10-21:
// POST /v1/messages and the Models API (GET /v1/models, GET /v1/models/{id}),
// authenticated by `x-api-key` or `Authorization: Bearer` (what the official
// SDKs send since 2026-10-21), with the documented response and error bodies
// ({"type":"error","error":{"type","message"},"request_id"}). The official
// Python SDK is run against it in tests/conformance.
//
// Behaviour is scripted by markers in the message text, so concurrent tests
// cannot disturb each other:
//
//	[fake:429,529,ok]   answer the 1st request for this text 429 (retry-after: 1),
//	                    the 2nd 529 overloaded, then succeed; steps: ok, 429, 529,
//	                    500, 400, 401, gone (404 not_found_error for the model),
//	                    malformed (a 200 whose body is cut short)
//	[fake-delay:1500]   wait 1.5 s before answering
//	[fake-pace:20]      with "stream": true, 20 ms between text deltas
//	[fake-limit:10/5s:g1] the texts of group g1 share a token bucket of 10
//	                    requests refilled at 10 per 5 s; empty, 429
//	                    rate_limit_error with retry-after (GET
//	                    /_fake/limited?marker=M counts them)
//
// With "stream": true a success is the documented event stream
// (message_start, content_block_start, one content_block_delta per word, a
// ping, content_block_stop, message_delta with the usage, message_stop), and
// two more steps script a stream that breaks: overloaded-midstream (an
// `error` event of type overloaded_error after half the text) and
// cut-midstream (the connection closed after half the text, no
// message_stop). -pace sets the default pause between deltas.
//
// -latency adds a delay to every request (the benchmark's slow provider);
// -stamp-words N makes every streamed answer N words, each `t<µs>` of the
// moment it was sent (the stream benchmark's latency probes).
// -models lists the models it serves; POST /_fake/retire?model=M retires one
// (404 not_found_error from then on, as for a retired model id), and
// POST /_fake/restore?model=M brings it back.
// GET /_fake/requests?marker=M counts the requests whose text contained M;
// GET /_fake/abandoned?marker=M those of them whose client hung up first.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	scriptRe = regexp.MustCompile(`\[fake:([a-z0-9,-]+)\]`)
	delayRe  = regexp.MustCompile(`\[fake-delay:([0-9]+)\]`)
	paceRe   = regexp.MustCompile(`\[fake-pace:([0-9]+)\]`)
	limitRe  = regexp.MustCompile(`\[fake-limit:([0-9]+)/([0-9]+)s:[a-z0-9-]+\]`)
)

var apiVersions = map[string]bool{"2023-06-01": true, "2026-10-21": true}

type server struct {
	apiKey  string
	latency time.Duration
	pace    time.Duration   // between streamed deltas
	models  map[string]bool // id -> served (false: retired)
	// -stamp-words: streamed answers of this many timestamp words.
	stampWords int

	mu    sync.Mutex
	seen  map[string]int // message text -> requests so far
	texts []string       // every request's text, for /_fake/requests
	gone  []string       // texts whose client hung up before the answer, for /_fake/abandoned
	// [fake-limit:...]: each group's bucket, and the texts refused 429.
	buckets map[string]*bucket
	limited []string
}

type bucket struct {
	tokens float64
	at     time.Time
}

type messagesRequest struct {
	Model     string `json:"model"`
	MaxTokens int    `json:"max_tokens"`
	Stream    bool   `json:"stream"`
	Messages  []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

func writeError(w http.ResponseWriter, status int, typ, message string) {
	id := "req_fake_" + randomHex(8)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", id)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "error",
		"error": map[string]string{"type": typ, "message": message}, "request_id": id})
}

// authorized checks the key (either documented header) and the version.
func (s *server) authorized(w http.ResponseWriter, r *http.Request) bool {
	key := r.Header.Get("x-api-key")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && key == "" {
		key = bearer
	}
	if key != s.apiKey {
		writeError(w, 401, "authentication_error", "invalid x-api-key")
		return false
	}
	if !apiVersions[r.Header.Get("anthropic-version")] {
		writeError(w, 400, "invalid_request_error", "anthropic-version: header is required and must be a supported version")
		return false
	}
	return true
}

func (s *server) served(model string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.models[model]
}

func modelInfo(id string) map[string]any {
	return map[string]any{"type": "model", "id": id, "display_name": id, "created_at": "2026-01-01T00:00:00Z"}
}

func (s *server) getModel(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	id := r.PathValue("id")
	if !s.served(id) {
		writeError(w, 404, "not_found_error", "model: "+id)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(modelInfo(id))
}

func (s *server) listModels(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	var data []map[string]any
	s.mu.Lock()
	for id, ok := range s.models {
		if ok {
			data = append(data, modelInfo(id))
		}
	}
	s.mu.Unlock()
	first, last := "", ""
	if len(data) > 0 {
		first, last = data[0]["id"].(string), data[len(data)-1]["id"].(string)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": data, "has_more": false, "first_id": first, "last_id": last})
}

func (s *server) setServed(served bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.models[r.URL.Query().Get("model")] = served
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// text returns a message's content: a string, or the text of its blocks.
func text(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var blocks []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &blocks) != nil {
		return "", false
	}
	var b strings.Builder
	for _, bl := range blocks {
		if bl.Type == "text" {
			b.WriteString(bl.Text)
		}
	}
	return b.String(), true
}

func (s *server) messages(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if !strings.HasPrefix(r.Header.Get("content-type"), "application/json") {
		writeError(w, 400, "invalid_request_error", "content-type must be application/json")
		return
	}
	var req messagesRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeError(w, 400, "invalid_request_error", "body: "+err.Error())
		return
	}
	if req.Model == "" || req.MaxTokens < 1 || len(req.Messages) == 0 || req.Messages[len(req.Messages)-1].Role != "user" {
		writeError(w, 400, "invalid_request_error", "model, max_tokens >= 1 and messages ending with a user turn are required")
		return
	}
	if !s.served(req.Model) {
		writeError(w, 404, "not_found_error", "model: "+req.Model)
		return
	}
	var all strings.Builder
	for _, m := range req.Messages {
		t, ok := text(m.Content)
		if !ok {
			writeError(w, 400, "invalid_request_error", "messages.content: string or content blocks")
			return
		}
		all.WriteString(t)
	}
	msg := all.String()

	s.mu.Lock()
	s.seen[msg]++
	n := s.seen[msg]
	s.texts = append(s.texts, msg)
	// [fake-limit:N/Ss:GROUP]: the organisation's rate limit for the texts of
	// one group, as the API enforces it: a token bucket of N requests
	// refilled continuously at N per S seconds; empty, 429 rate_limit_error
	// with retry-after.
	if m := limitRe.FindStringSubmatch(msg); m != nil {
		limit, _ := strconv.Atoi(m[1])
		secs, _ := strconv.Atoi(m[2])
		rate := float64(limit) / float64(secs) // per second
		now := time.Now()
		b, ok := s.buckets[m[0]]
		if !ok {
			b = &bucket{tokens: float64(limit), at: now}
			s.buckets[m[0]] = b
		}
		b.tokens = min(float64(limit), b.tokens+now.Sub(b.at).Seconds()*rate)
		b.at = now
		if b.tokens < 1 {
			s.limited = append(s.limited, msg)
			retry := int((1-b.tokens)/rate) + 1
			s.mu.Unlock()
			w.Header().Set("retry-after", strconv.Itoa(retry))
			w.Header().Set("anthropic-ratelimit-requests-limit", m[1])
			w.Header().Set("anthropic-ratelimit-requests-remaining", "0")
			writeError(w, 429, "rate_limit_error", "Number of requests has exceeded your per-minute rate limit")
			return
		}
		b.tokens--
	}
	s.mu.Unlock()

	delay := s.latency
	if m := delayRe.FindStringSubmatch(msg); m != nil {
		ms, _ := strconv.Atoi(m[1])
		delay += time.Duration(ms) * time.Millisecond
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		s.mu.Lock()
		s.gone = append(s.gone, msg)
		s.mu.Unlock()
		return
	}

	step := "ok"
	if m := scriptRe.FindStringSubmatch(msg); m != nil {
		steps := strings.Split(m[1], ",")
		if n <= len(steps) {
			step = steps[n-1]
		}
	}
	switch step {
	case "429":
		w.Header().Set("retry-after", "1")
		writeError(w, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
	case "529":
		writeError(w, 529, "overloaded_error", "Overloaded")
	case "401":
		writeError(w, 401, "authentication_error", "invalid x-api-key")
	case "gone":
		writeError(w, 404, "not_found_error", "model: "+req.Model)
	case "500":
		writeError(w, 500, "api_error", "Internal server error")
	case "400":
		writeError(w, 400, "invalid_request_error", "prompt is too long")
	case "malformed":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"msg_cut","type":"message","content":[{"type":"te`))
	default:
		words := len(strings.Fields(msg))
		out := fmt.Sprintf("Fake analysis of %d words.", words)
		if req.Stream {
			pace := s.pace
			if m := paceRe.FindStringSubmatch(msg); m != nil {
				ms, _ := strconv.Atoi(m[1])
				pace = time.Duration(ms) * time.Millisecond
			}
			s.stream(w, r, req.Model, msg, out, words, step, pace)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", "req_fake_"+randomHex(8))
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "msg_" + randomHex(12), "type": "message", "role": "assistant", "model": req.Model,
			"content":     []map[string]string{{"type": "text", "text": out}},
			"stop_reason": "end_turn", "stop_sequence": nil,
			"usage": map[string]int{"input_tokens": words, "output_tokens": len(strings.Fields(out))},
		})
	}
}

// stream writes a success as the Messages API streams it: one SSE event per
// step, flushed, `out` one word per content_block_delta, `pace` apart.
// step overloaded-midstream and cut-midstream break it after half the words.
func (s *server) stream(w http.ResponseWriter, r *http.Request, model, msg, out string, inputTokens int, step string,
	pace time.Duration) {
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("request-id", "req_fake_"+randomHex(8))
	w.WriteHeader(200)
	send := func(event string, data any) bool {
		body, _ := json.Marshal(data)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, body); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	pieces := strings.SplitAfter(out, " ")
	if s.stampWords > 0 {
		// -stamp-words: N words, each the microsecond it is sent (the stream
		// benchmark measures the pipeline's latency from them).
		pieces = make([]string, s.stampWords)
	}
	var written strings.Builder
	send("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_" + randomHex(12), "type": "message", "role": "assistant", "model": model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil,
		"usage": map[string]int{"input_tokens": inputTokens, "output_tokens": 1,
			"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}})
	send("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
		"content_block": map[string]string{"type": "text", "text": ""}})
	send("ping", map[string]string{"type": "ping"})
	for i, piece := range pieces {
		if (step == "overloaded-midstream" || step == "cut-midstream") && i == len(pieces)/2 {
			if step == "overloaded-midstream" {
				send("error", map[string]any{"type": "error",
					"error": map[string]string{"type": "overloaded_error", "message": "Overloaded"}})
			}
			return // the connection ends here
		}
		if i > 0 && pace > 0 {
			select {
			case <-time.After(pace):
			case <-r.Context().Done():
				s.mu.Lock()
				s.gone = append(s.gone, msg)
				s.mu.Unlock()
				return
			}
		}
		if s.stampWords > 0 {
			piece = fmt.Sprintf("t%d ", time.Now().UnixMicro())
		}
		written.WriteString(piece)
		if !send("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]string{"type": "text_delta", "text": piece}}) {
			return
		}
	}
	send("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	send("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": "end_turn", "stop_sequence": nil},
		"usage": map[string]int{"output_tokens": len(strings.Fields(written.String()))}})
	send("message_stop", map[string]string{"type": "message_stop"})
}

func (s *server) requests(w http.ResponseWriter, r *http.Request) {
	s.count(w, r, func() []string { return s.texts })
}

func (s *server) rateLimited(w http.ResponseWriter, r *http.Request) {
	s.count(w, r, func() []string { return s.limited })
}

func (s *server) abandoned(w http.ResponseWriter, r *http.Request) {
	s.count(w, r, func() []string { return s.gone })
}

// count answers how many of the texts contain the marker.
func (s *server) count(w http.ResponseWriter, r *http.Request, texts func() []string) {
	marker := r.URL.Query().Get("marker")
	s.mu.Lock()
	count := 0
	for _, t := range texts() {
		if strings.Contains(t, marker) {
			count++
		}
	}
	s.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]int{"count": count})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	apiKey := flag.String("api-key", "sk-ant-fake", "the x-api-key to accept")
	latency := flag.Duration("latency", 0, "delay before every answer")
	pace := flag.Duration("pace", 0, "pause between streamed text deltas")
	stampWords := flag.Int("stamp-words", 0, "streamed answers are this many words, each `t<µs sent>` (benchmarks)")
	models := flag.String("models", "claude-sonnet-5,claude-opus-5,claude-haiku-4-5", "comma-separated model ids served")
	flag.Parse()
	s := &server{apiKey: *apiKey, latency: *latency, pace: *pace, stampWords: *stampWords, seen: map[string]int{},
		models: map[string]bool{}, buckets: map[string]*bucket{}}
	for _, m := range strings.Split(*models, ",") {
		s.models[strings.TrimSpace(m)] = true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/messages", s.messages)
	mux.HandleFunc("GET /v1/models", s.listModels)
	mux.HandleFunc("GET /v1/models/{id}", s.getModel)
	mux.HandleFunc("POST /_fake/retire", s.setServed(false))
	mux.HandleFunc("POST /_fake/restore", s.setServed(true))
	mux.HandleFunc("GET /_fake/requests", s.requests)
	mux.HandleFunc("GET /_fake/abandoned", s.abandoned)
	mux.HandleFunc("GET /_fake/limited", s.rateLimited)
	mux.HandleFunc("GET /_fake/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	log.Printf("fake Anthropic listening on %s (latency %s)", *addr, *latency)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
