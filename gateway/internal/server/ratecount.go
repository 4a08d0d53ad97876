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
// which sends all their scripts in one pipeline. Each request still gets its
// own exact count (replicas share the same keys as before); what is saved is
// the per-request write, wake-up and read, which were the limiter's cost
// (docs/PERFORMANCE.md).
type counter struct {
	client *redis.Client
	window int64 // ms
	queue  chan *countRequest
}

type countRequest struct {
	key  string
	done chan countResult // buffered: the batch never waits for a reader
}

type countResult struct {
	count, ttlMs int64
	err          error
}

const (
	maxBatch         = 256
	countersInFlight = 2 // pipelines at once: a slow one does not stall the next
)

func newCounter(client *redis.Client, window time.Duration) *counter {
	c := &counter{client: client, window: window.Milliseconds(), queue: make(chan *countRequest, 4096)}
	for i := 0; i < countersInFlight; i++ {
		go c.loop()
	}
	return c
}

// count charges one request to key; ctx bounds the wait.
func (c *counter) count(ctx context.Context, key string) (count, ttlMs int64, err error) {
	req := &countRequest{key: key, done: make(chan countResult, 1)}
	select {
	case c.queue <- req:
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
	select {
	case res := <-req.done:
		return res.count, res.ttlMs, res.err
	case <-ctx.Done():
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

func (c *counter) run(batch []*countRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	cmds, err := c.pipeline(ctx, batch)
	if isNoScript(err) { // Redis restarted or flushed its script cache
		if err = rateLimitScript.Load(ctx, c.client).Err(); err == nil {
			cmds, err = c.pipeline(ctx, batch)
		}
	}
	for i, req := range batch {
		if err != nil && cmds == nil {
			req.done <- countResult{err: err}
			continue
		}
		res, cmdErr := cmds[i].Int64Slice()
		if cmdErr == nil && len(res) != 2 {
			cmdErr = errors.New("rate limit script: unexpected reply")
		}
		if cmdErr != nil {
			req.done <- countResult{err: cmdErr}
			continue
		}
		req.done <- countResult{count: res[0], ttlMs: res[1]}
	}
}

func (c *counter) pipeline(ctx context.Context, batch []*countRequest) ([]*redis.Cmd, error) {
	cmds := make([]*redis.Cmd, len(batch))
	_, err := c.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, req := range batch {
			cmds[i] = rateLimitScript.EvalSha(ctx, p, []string{req.key}, c.window)
		}
		return nil
	})
	if err != nil && !isRedisReply(err) {
		return nil, err // the connection failed: no reply for anyone
	}
	return cmds, err
}

func isNoScript(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") }

// isRedisReply: an error Redis answered (per command), not a transport one.
func isRedisReply(err error) bool {
	var e redis.Error
	return errors.As(err, &e)
}
