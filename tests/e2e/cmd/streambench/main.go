// Command streambench watches many analyses at once through the gateway's event
// streams (GET /api/v1/analyses/{id}/events), as browsers would, and
// reports what each client received and how late: bench/streams.sh runs it
// on the local stack against the fake Anthropic, whose -stamp-words answers
// are words carrying the microsecond they were sent (`t<µs>`), so the
// latency the pipeline adds (provider → worker → Redis → analysis service →
// gateway → client) is measured per word.
//
// Phases: create N users' resources and analyses while no worker runs, open
// one stream per analysis, run -start (which starts the worker), then read
// every stream to its end. Fails (exit 1) if any client missed, repeated or
// reordered a piece: its text must be the stored output, word for word.
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	api      = flag.String("api", "http://127.0.0.1:8080", "the gateway")
	secret   = flag.String("secret", os.Getenv("SUPABASE_JWT_SECRET"), "HS256 secret of the tokens")
	n        = flag.Int("n", 1000, "analyses, one user and one stream each")
	start    = flag.String("start", "", "shell command run once every stream is open (starts the worker)")
	prefix   = flag.String("prefix", "stream-bench", "seed of the users' ids")
	content  = flag.String("content", "Benchmark content.", "each resource's content")
	parallel = flag.Int("parallel", 32, "setup requests at once")
	summary  = flag.String("summary", "", "file to write the number of events read to (bench/streams.sh)")
)

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func token(sub string) string {
	h, _ := json.Marshal(map[string]any{"alg": "HS256", "typ": "JWT"})
	now := time.Now().Unix()
	c, _ := json.Marshal(map[string]any{"aud": "authenticated", "sub": sub, "role": "authenticated",
		"email": "sb-" + sub[:8] + "@example.com", "iat": now, "exp": now + 3600})
	input := b64(h) + "." + b64(c)
	mac := hmac.New(sha256.New, []byte(*secret))
	mac.Write([]byte(input))
	return input + "." + b64(mac.Sum(nil))
}

func uuidOf(seed string) string {
	s := md5.Sum([]byte(seed))
	s[6] = s[6]&0x0f | 0x40
	s[8] = s[8]&0x3f | 0x80
	h := hex.EncodeToString(s[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2048, MaxConnsPerHost: 0}}

func call(method, path, tok string, body any) (map[string]any, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, *api+path, r)
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	data, _ := out["data"].(map[string]any)
	return data, nil
}

type watcher struct {
	token, analysis string
	resp            *http.Response
	latencies       []int64 // µs, per word
	events, deltas  int
	text            strings.Builder
	attempt         float64
	output          string
	lastID          string
	err             error
}

func (w *watcher) open() error {
	req, _ := http.NewRequest("GET", *api+"/api/v1/analyses/"+w.analysis+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return fmt.Errorf("events: %d %s", resp.StatusCode, raw)
	}
	w.resp = resp
	return nil
}

func (w *watcher) read() {
	defer w.resp.Body.Close()
	lines := bufio.NewReaderSize(w.resp.Body, 64<<10)
	var id, event string
	for {
		line, err := lines.ReadString('\n')
		if err != nil {
			w.err = fmt.Errorf("stream ended before done: %v", err)
			return
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			id = line[4:]
		case strings.HasPrefix(line, "event: "):
			event = line[7:]
		case strings.HasPrefix(line, "data: "):
			now := time.Now().UnixMicro()
			var data map[string]any
			if err := json.Unmarshal([]byte(line[6:]), &data); err != nil {
				w.err = err
				return
			}
			w.events++
			if id != "" && w.lastID != "" && !after(id, w.lastID) {
				w.err = fmt.Errorf("event %s after %s: out of order or repeated", id, w.lastID)
				return
			}
			if id != "" {
				w.lastID = id
			}
			switch event {
			case "status":
				if data["status"] == "running" {
					w.attempt, _ = data["attempt"].(float64)
					w.text.Reset()
				}
			case "delta":
				w.deltas++
				if a, _ := data["attempt"].(float64); a != w.attempt {
					continue
				}
				text, _ := data["text"].(string)
				w.text.WriteString(text)
				for _, word := range strings.Fields(text) {
					if sent, err := strconv.ParseInt(strings.TrimPrefix(word, "t"), 10, 64); err == nil && strings.HasPrefix(word, "t") {
						w.latencies = append(w.latencies, now-sent)
					}
				}
			case "done":
				w.output, _ = data["output"].(string)
				if data["status"] != "succeeded" {
					w.err = fmt.Errorf("ended %v: %v", data["status"], data["error"])
				} else if w.text.String() != w.output {
					w.err = fmt.Errorf("received %d bytes that differ from the %d-byte output", w.text.Len(), len(w.output))
				}
				return
			case "error":
				w.err = fmt.Errorf("error event: %v", data)
				return
			}
			id, event = "", ""
		}
	}
}

func after(a, b string) bool {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	x, _ := strconv.ParseUint(am, 10, 64)
	y, _ := strconv.ParseUint(bm, 10, 64)
	if x != y {
		return x > y
	}
	p, _ := strconv.ParseUint(as, 10, 64)
	q, _ := strconv.ParseUint(bs, 10, 64)
	return p > q
}

func percentile(sorted []int64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(p*float64(len(sorted)-1))]) / 1000
}

func main() {
	flag.Parse()
	if *secret == "" {
		log.Fatal("set -secret or SUPABASE_JWT_SECRET")
	}
	watchers := make([]*watcher, *n)
	var failed atomic.Int32
	var wg sync.WaitGroup
	jobs := make(chan int)
	setupStart := time.Now()
	for p := 0; p < *parallel; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sub := uuidOf(fmt.Sprintf("%s-%d", *prefix, i))
				w := &watcher{token: token(sub)}
				watchers[i] = w
				if _, err := call("GET", "/api/v1/profiles/me", w.token, nil); err != nil {
					w.err = err
					failed.Add(1)
					continue
				}
				res, err := call("POST", "/api/v1/resources", w.token, map[string]any{"title": fmt.Sprintf("Stream bench %d", i), "content": *content})
				if err != nil {
					w.err = err
					failed.Add(1)
					continue
				}
				a, err := call("POST", "/api/v1/resources/"+res["id"].(string)+"/analyses", w.token, map[string]any{"prompt": "Summarise."})
				if err != nil {
					w.err = err
					failed.Add(1)
					continue
				}
				w.analysis = a["id"].(string)
				if err := w.open(); err != nil {
					w.err = err
					failed.Add(1)
				}
			}
		}()
	}
	for i := 0; i < *n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if f := failed.Load(); f > 0 {
		for _, w := range watchers {
			if w.err != nil {
				log.Fatalf("%d of %d clients could not start; first: %v", f, *n, w.err)
			}
		}
	}
	fmt.Printf("  %d analyses queued and %d streams open in %.1f s\n", *n, *n, time.Since(setupStart).Seconds())
	for _, w := range watchers {
		wg.Add(1)
		go func(w *watcher) { defer wg.Done(); w.read() }(w)
	}
	readStart := time.Now()
	if *start != "" {
		cmd := exec.Command("sh", "-c", *start)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			log.Fatalf("-start: %v", err)
		}
	}
	wg.Wait()
	elapsed := time.Since(readStart)
	var all []int64
	events, deltas, bad := 0, 0, 0
	var firstErr error
	for _, w := range watchers {
		events += w.events
		deltas += w.deltas
		all = append(all, w.latencies...)
		if w.err != nil {
			bad++
			if firstErr == nil {
				firstErr = w.err
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	fmt.Printf("  %d clients read %d events (%d deltas, %d words) in %.1f s: %.0f events/s\n", *n, events, deltas, len(all),
		elapsed.Seconds(), float64(events)/elapsed.Seconds())
	fmt.Printf("  latency added from the provider's bytes to the client, per word: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		percentile(all, 0.5), percentile(all, 0.9), percentile(all, 0.99), percentile(all, 1))
	if *summary != "" {
		if err := os.WriteFile(*summary, []byte(strconv.Itoa(events)), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if bad > 0 {
		fmt.Printf("  %d of %d clients did NOT receive their analysis's text exactly; first: %v\n", bad, *n, firstErr)
		os.Exit(1)
	}
	fmt.Printf("  every client received every piece of its analysis once, in order (its text = the stored output)\n")
}
