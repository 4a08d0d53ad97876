package server

import (
	"sync"
	"time"
)

// subjectCache remembers verified tokens (by hash) until they expire, so
// that a client reusing its token is not re-verified on every request.
type subjectCache struct {
	mu      sync.Mutex
	entries map[string]subjectEntry
	max     int
}

type subjectEntry struct {
	sub     string
	expires time.Time
}

func newSubjectCache(max int) *subjectCache {
	return &subjectCache{entries: make(map[string]subjectEntry), max: max}
}

func (c *subjectCache) get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Now().After(e.expires) {
		return "", false
	}
	return e.sub, true
}

func (c *subjectCache) put(key, sub string, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		// Drop everything rather than track recency: refilling is cheap.
		c.entries = make(map[string]subjectEntry, c.max)
	}
	c.entries[key] = subjectEntry{sub: sub, expires: expires}
}
