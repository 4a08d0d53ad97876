package e2e

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A fake Supabase Auth issuer on loopback: GET /auth/v1/.well-known/jwks.json
// serves the public halves of one RSA and one P-256 key, as Supabase does.
var (
	issuerRSA   *rsa.PrivateKey
	issuerEC    *ecdsa.PrivateKey
	jwksFetches atomic.Int64
)

func startFakeIssuer() *httptest.Server {
	issuerRSA, _ = rsa.GenerateKey(rand.Reader, 2048)
	issuerEC, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pad := func(b *big.Int) string { return b64(b.FillBytes(make([]byte, 32))) }
	doc, _ := json.Marshal(map[string]any{"keys": []any{
		map[string]any{"kty": "RSA", "kid": "rsa-2026", "use": "sig", "alg": "RS256",
			"n": b64(issuerRSA.N.Bytes()), "e": b64(big.NewInt(int64(issuerRSA.E)).Bytes())},
		map[string]any{"kty": "EC", "kid": "ec-2026", "use": "sig", "alg": "ES256", "crv": "P-256",
			"x": pad(issuerEC.X), "y": pad(issuerEC.Y)},
	}})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth/v1/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		jwksFetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=600")
		w.Write(doc)
	})
	return httptest.NewServer(mux)
}

func signAsymmetric(alg, kid string, claims map[string]any) string {
	h, _ := json.Marshal(map[string]any{"alg": alg, "kid": kid, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(c)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	switch alg {
	case "RS256":
		sig, _ = rsa.SignPKCS1v15(rand.Reader, issuerRSA, crypto.SHA256, digest[:])
	case "ES256":
		r, s, _ := ecdsa.Sign(rand.Reader, issuerEC, digest[:])
		sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	}
	return input + "." + b64(sig)
}

func TestAsymmetricTokens(t *testing.T) {
	for _, c := range []struct{ alg, kid string }{{"RS256", "rsa-2026"}, {"ES256", "ec-2026"}} {
		u := newUser()
		token := signAsymmetric(c.alg, c.kid, claimsFor(u.id, u.email))
		r := do(t, "GET", "/api/v1/profiles/me", token, nil)
		if r.status != 200 || r.data()["id"] != u.id {
			t.Fatalf("%s: %d %s", c.alg, r.status, r.raw)
		}
		if r := do(t, "POST", "/api/v1/resources", token, map[string]any{"title": "via " + c.alg}); r.status != 201 {
			t.Fatalf("%s on resource service: %d %s", c.alg, r.status, r.raw)
		}
	}
}

func TestAsymmetricTokenAttacks(t *testing.T) {
	u := newUser()
	now := time.Now().Unix()
	pubDER, _ := x509.MarshalPKIXPublicKey(&issuerRSA.PublicKey)
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	good := signAsymmetric("RS256", "rsa-2026", claimsFor(u.id, u.email))
	parts := strings.Split(good, ".")
	with := func(mod func(map[string]any)) map[string]any {
		c := claimsFor(u.id, u.email)
		mod(c)
		return c
	}
	cases := map[string]string{
		"alg none": b64([]byte(`{"alg":"none","kid":"rsa-2026"}`)) + "." + parts[1] + ".",
		// HS256 keyed with the RSA public key (algorithm confusion).
		"HS256 with the public key":    signToken(map[string]any{"alg": "HS256", "kid": "rsa-2026"}, claimsFor(u.id, u.email), pubPEM),
		"ES256 claimed on the RSA key": signAsymmetric("ES256", "rsa-2026", claimsFor(u.id, u.email)),
		"unknown kid":                  signAsymmetric("RS256", "rotated-away", claimsFor(u.id, u.email)),
		"expired":                      signAsymmetric("RS256", "rsa-2026", with(func(c map[string]any) { c["exp"] = now - 120 })),
		"nbf ahead":                    signAsymmetric("ES256", "ec-2026", with(func(c map[string]any) { c["nbf"] = now + 600 })),
		"wrong audience":               signAsymmetric("RS256", "rsa-2026", with(func(c map[string]any) { c["aud"] = "anon" })),
		"truncated":                    good[:len(good)-10],
		"not base64url":                parts[0] + ".%%%." + parts[2],
		"signature swapped":            parts[0] + "." + parts[1] + "." + strings.Split(signAsymmetric("RS256", "rsa-2026", claimsFor(newUUID(), "x@y")), ".")[2],
		"oversized":                    parts[0] + "." + b64([]byte(strings.Repeat("x", 7000))) + "." + parts[2],
	}
	for name, token := range cases {
		t.Run(name, func(t *testing.T) {
			expectError(t, do(t, "GET", "/api/v1/profiles/me", token, nil), 401, "UNAUTHENTICATED")
		})
	}
}

func TestUnknownKidDoesNotHammerTheIssuer(t *testing.T) {
	u := newUser()
	before := jwksFetches.Load()
	for i := 0; i < 30; i++ {
		token := signAsymmetric("RS256", "bogus-"+newUUID(), claimsFor(u.id, u.email))
		expectError(t, do(t, "GET", "/api/v1/profiles/me", token, nil), 401, "UNAUTHENTICATED")
	}
	// Gateway + profile service each refetch at most once per 30 s interval.
	if n := jwksFetches.Load() - before; n > 2 {
		t.Fatalf("30 unknown kids caused %d JWKS fetches", n)
	}
}
