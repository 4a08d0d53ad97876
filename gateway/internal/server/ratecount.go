package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// counter runs the rate-limit script for many requests per Redis round trip:
// requests that arrive while a batch is in flight wait for the next one,
// which counts all their keys in one script call. Each request still gets its
// own exact count (replicas share the same keys as before); what is saved is
// the per-request write, wake-up, read and script call, which were the
// limiter's cost (docs/PERFORMANCE.md).
type counter struct {
	client *redis.Client
	window int64 // ms
	queue  chan *countRequest
}

type countRequest struct {
	key      string
	deadline time.Time        // not counted when its batch starts after this
	done     chan countResult // buffered: the batch never waits for a reader
}

type countResult struct {
	count, ttlMs int64
	err          error
}

// One batch in flight at a time: two (so that a slow one would not stall the
// next) made smaller batches and cost more per request in the gateway and in
// Redis, with a worse p99 (docs/PERFORMANCE.md); a slow batch is bounded by
// counterTimeout either way.
const (
	maxBatch       = 256
	counterTimeout = 100 * time.Millisecond
)

func newCounter(client *redis.Client, window time.Duration) *counter {
	c := &counter{client: client, window: window.Milliseconds(), queue: make(chan *countRequest, 4096)}
	go c.loop()
	return c
}

var (
	errCounterBusy    = errors.New("rate limit counter: queue full")
	errCounterTimeout = errors.New("rate limit counter: timed out")
)

// count charges one request to key. A request not in a batch within
// counterTimeout is not counted and gets an error; a batch's Redis call is
// bounded the same way, so the answer comes within about twice that.
// Deadlines instead of a context per request: a timer and a cancel goroutine
// per request were a tenth of the limiter's cost.
func (c *counter) count(ctx context.Context, key string) (count, ttlMs int64, err error) {
	req := &countRequest{key: key, deadline: time.Now().Add(counterTimeout), done: make(chan countResult, 1)}
	select {
	case c.queue <- req:
	default:
		return 0, 0, errCounterBusy
	}
	select {
	case res := <-req.done:
		return res.count, res.ttlMs, res.err
	case <-ctx.Done(): // the client went away; the batch still answers into done
		return 0, 0, ctx.Err()
	}
}

func (c *counter) loop() {
	batch := make([]*countRequest, 0, maxBatch)
	for first := range c.queue {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case req := <-c.queue:
				batch = append(batch, req)
			default:
				break drain
			}
		}
		c.run(batch)
	}
}

func (c *counter) run(all []*countRequest) {
	now := time.Now()
	batch := all[:0:0]
	for _, req := range all {
		if now.After(req.deadline) {
			req.done <- countResult{err: errCounterTimeout}
		} else {
			batch = append(batch, req)
		}
	}
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), counterTimeout)
	defer cancel()
	keys := make([]string, len(batch))
	for i, req := range batch {
		keys[i] = req.key
	}
	res, err := rateLimitScript.EvalSha(ctx, c.client, keys, c.window).Int64Slice()
	if isNoScript(err) { // Redis restarted or flushed its script cache
		if err = rateLimitScript.Load(ctx, c.client).Err(); err == nil {
			res, err = rateLimitScript.EvalSha(ctx, c.client, keys, c.window).Int64Slice()
		}
	}
	if err == nil && len(res) != 2*len(batch) {
		err = errors.New("rate limit script: unexpected reply")
	}
	for i, req := range batch {
		if err != nil {
			req.done <- countResult{err: err}
			continue
		}
		req.done <- countResult{count: res[2*i], ttlMs: res[2*i+1]}
	}
}

func isNoScript(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") }
