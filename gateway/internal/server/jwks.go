package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// jwksCache holds a Supabase project's public keys by kid, refreshed every
// ttl and early on an unknown kid — at most once per minRefetch. The same
// policy as the services' libs/auth/jwks.
type jwksCache struct {
	url        string
	ttl        time.Duration
	minRefetch time.Duration
	client     *http.Client

	mu          sync.Mutex
	keys        map[string]any // *rsa.PublicKey or *ecdsa.PublicKey
	fetchedAt   time.Time
	lastAttempt time.Time
}

func newJWKSCache(url string) *jwksCache {
	return &jwksCache{url: url, ttl: 10 * time.Minute, minRefetch: 30 * time.Second,
		client: &http.Client{Timeout: 2 * time.Second}, keys: map[string]any{}}
}

func (c *jwksCache) key(kid string) (any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.fetchedAt) > c.ttl {
		c.refresh()
	}
	if k, ok := c.keys[kid]; ok {
		return k, nil
	}
	if c.refresh() {
		if k, ok := c.keys[kid]; ok {
			return k, nil
		}
	}
	return nil, fmt.Errorf("unknown key id")
}

func (c *jwksCache) refresh() bool {
	if !c.lastAttempt.IsZero() && time.Since(c.lastAttempt) < c.minRefetch {
		return false
	}
	c.lastAttempt = time.Now()
	resp, err := c.client.Get(c.url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	var doc struct {
		Keys []struct {
			Kty, Kid, Use, Alg, N, E, Crv, X, Y string
		} `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return false
	}
	keys := map[string]any{}
	b := func(s string) *big.Int {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) == 0 {
			return nil
		}
		return new(big.Int).SetBytes(raw)
	}
	for _, k := range doc.Keys {
		if k.Kid == "" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		switch {
		case k.Kty == "RSA" && (k.Alg == "" || k.Alg == "RS256"):
			n, e := b(k.N), b(k.E)
			if n != nil && e != nil && n.BitLen() >= 2048 && e.IsInt64() {
				keys[k.Kid] = &rsa.PublicKey{N: n, E: int(e.Int64())}
			}
		case k.Kty == "EC" && k.Crv == "P-256" && (k.Alg == "" || k.Alg == "ES256"):
			// The uncompressed point 04 || X || Y; parsing checks it is on the curve.
			x, errX := base64.RawURLEncoding.DecodeString(k.X)
			y, errY := base64.RawURLEncoding.DecodeString(k.Y)
			if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
				continue
			}
			if key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...)); err == nil {
				keys[k.Kid] = key
			}
		}
	}
	c.keys, c.fetchedAt = keys, time.Now()
	return true
}
