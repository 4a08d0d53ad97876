// fake-anthropic speaks the Anthropic Messages API on loopback for tests and
// benchmarks: POST /v1/messages with the real headers (x-api-key,
// anthropic-version), request and response JSON, and error bodies
// ({"type":"error","error":{"type","message"}}).
//
// Behaviour is scripted by markers in the message text, so concurrent tests
// cannot disturb each other:
//
//	[fake:429,529,ok]   answer the 1st request for this text 429 (retry-after: 1),
//	                    the 2nd 529 overloaded, then succeed; steps: ok, 429, 529,
//	                    500, 400, malformed (a 200 whose body is cut short)
//	[fake-delay:1500]   wait 1.5 s before answering
//
// -latency adds a delay to every request (the benchmark's slow provider).
// GET /_fake/requests?marker=M counts the requests whose text contained M.
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
	scriptRe = regexp.MustCompile(`\[fake:([a-z0-9,]+)\]`)
	delayRe  = regexp.MustCompile(`\[fake-delay:([0-9]+)\]`)
)

type server struct {
	apiKey  string
	latency time.Duration

	mu    sync.Mutex
	seen  map[string]int // message text -> requests so far
	texts []string       // every request's text, for /_fake/requests
}

type messagesRequest struct {
	Model     string `json:"model"`
	MaxTokens int    `json:"max_tokens"`
	Messages  []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

func writeError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", "req_fake_"+randomHex(8))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "error",
		"error": map[string]string{"type": typ, "message": message}})
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
	if r.Header.Get("x-api-key") != s.apiKey {
		writeError(w, 401, "authentication_error", "invalid x-api-key")
		return
	}
	if r.Header.Get("anthropic-version") != "2023-06-01" {
		writeError(w, 400, "invalid_request_error", "anthropic-version: header is required and must be 2023-06-01")
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
	s.mu.Unlock()

	delay := s.latency
	if m := delayRe.FindStringSubmatch(msg); m != nil {
		ms, _ := strconv.Atoi(m[1])
		delay += time.Duration(ms) * time.Millisecond
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
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

func (s *server) requests(w http.ResponseWriter, r *http.Request) {
	marker := r.URL.Query().Get("marker")
	s.mu.Lock()
	count := 0
	for _, t := range s.texts {
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
	flag.Parse()
	s := &server{apiKey: *apiKey, latency: *latency, seen: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/messages", s.messages)
	mux.HandleFunc("GET /_fake/requests", s.requests)
	mux.HandleFunc("GET /_fake/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	log.Printf("fake Anthropic listening on %s (latency %s)", *addr, *latency)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
