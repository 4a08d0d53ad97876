#ifndef PLINTH_LIBS_AUTH_JWT_H_
#define PLINTH_LIBS_AUTH_JWT_H_

// Local verification of Supabase access tokens: HS256 with the project's JWT
// secret, RS256/ES256 with the project's published keys (JWKS). Nothing is
// trusted before the signature checks out: the header is only read to pick
// among the allow-listed algorithms — each bound to its own kind of key, so
// `alg: none` and algorithm confusion (HS256 "signed" with a public key)
// cannot verify.
//
// A token that verified is remembered by its exact text for up to a minute
// (bounded): a client sends the same token with every call for up to an
// hour, and base64, HMAC/RSA/ECDSA and two JSON passes were ~7 % of a cached
// profile read (docs/PERFORMANCE.md). exp and nbf are checked against the
// clock at every use; a changed byte is a different token, verified in full.
// A key removed from the JWKS is honoured up to that minute longer than the
// JWKS cache's own ttl already allows.

#include <chrono>
#include <memory>
#include <cstdint>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace plinth::auth {

struct Claims {
  std::string sub;    // the user's UUID
  std::string email;  // may be empty
  std::string role;   // "authenticated" for a signed-in user
  // app_metadata.plinth_role: "operator" for Plinth's operators (set by
  // Supabase's admin API, never by the user); empty otherwise.
  std::string plinth_role;
  int64_t exp = 0;
  // The verified payload's claims, re-serialized as compact JSON (same
  // claims and values as signed; key order and spacing may differ):
  // forwarded to PostgreSQL as request.jwt.claims so auth.uid()/auth.jwt()
  // see what Supabase would.
  std::string raw_json;
};

class JwksCache;

struct VerifierOptions {
  // Legacy shared secret (HS256); empty: HS256 refused.
  std::string hs256_secret;
  // Asymmetric keys (RS256, ES256) by `kid`; null: those refused.
  std::shared_ptr<JwksCache> jwks;
  std::string audience = "authenticated";
  // Empty: any issuer. Otherwise `iss` must equal it.
  std::string issuer;
  std::chrono::seconds leeway{30};
  // Tokens beyond this size are refused before any parsing.
  size_t max_token_bytes = 8192;
};

class JwtVerifier {
 public:
  explicit JwtVerifier(VerifierOptions options);
  ~JwtVerifier();

  // Every failure is UNAUTHENTICATED with a message safe to return to the caller.
  absl::StatusOr<Claims> Verify(std::string_view token) const;
  absl::StatusOr<Claims> Verify(std::string_view token, int64_t now_unix) const;

  // "Bearer <token>" → token; UNAUTHENTICATED if absent or malformed.
  static absl::StatusOr<std::string_view> FromAuthorizationHeader(std::string_view header);

 private:
  class VerifiedTokens;
  // The full verification; `nbf` gets the token's nbf (0 when none).
  absl::StatusOr<Claims> VerifyUncached(std::string_view token, int64_t now_unix, int64_t* nbf) const;

  VerifierOptions options_;
  std::unique_ptr<VerifiedTokens> verified_;
};

// Signs an HS256 token (dev tokens, tests). `payload_json` is used verbatim.
std::string SignHs256(std::string_view payload_json, std::string_view secret);

// A random (version 4) UUID, lowercase.
std::string NewUuid();

}  // namespace plinth::auth

#endif  // PLINTH_LIBS_AUTH_JWT_H_
