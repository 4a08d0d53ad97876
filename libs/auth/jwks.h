#ifndef PLINTH_LIBS_AUTH_JWKS_H_
#define PLINTH_LIBS_AUTH_JWKS_H_

// Public keys of a Supabase project (`<project>/auth/v1/.well-known/jwks.json`)
// for RS256 and ES256 tokens. Fetched over HTTPS, cached for `ttl`, and
// re-fetched early when a token names an unknown `kid` — at most once per
// `min_refetch_interval`, so a flood of made-up kids cannot flood the issuer.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/status/statusor.h>

typedef struct evp_pkey_st EVP_PKEY;

namespace plinth::auth {

struct PublicKey {
  std::string alg;  // RS256 or ES256: what the key may verify
  std::shared_ptr<EVP_PKEY> key;
};

// Parses a JWKS document; keys of other types or curves are skipped.
absl::StatusOr<std::map<std::string, PublicKey>> ParseJwks(const std::string& json);

// Verifies a JWS signature (raw r||s for ES256) over `signing_input`.
bool VerifySignature(const PublicKey& key, std::string_view signing_input, std::string_view signature);

class JwksCache {
 public:
  using Fetcher = std::function<absl::StatusOr<std::string>(const std::string& url)>;

  JwksCache(std::string url, std::chrono::seconds ttl = std::chrono::minutes(10),
            std::chrono::seconds min_refetch_interval = std::chrono::seconds(30), Fetcher fetcher = nullptr);

  // The key for `kid`, fetching or re-fetching as described above.
  std::optional<PublicKey> Find(const std::string& kid);
  int fetches() const;

 private:
  bool Refresh() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::string url_;
  std::chrono::seconds ttl_;
  std::chrono::seconds min_refetch_interval_;
  Fetcher fetcher_;
  mutable absl::Mutex mu_;
  std::map<std::string, PublicKey> keys_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point fetched_at_ ABSL_GUARDED_BY(mu_){};
  std::chrono::steady_clock::time_point last_attempt_ ABSL_GUARDED_BY(mu_){};
  bool ever_fetched_ ABSL_GUARDED_BY(mu_) = false;
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
};

// GET with libcurl (2 s timeout, HTTPS verified), body on 200.
absl::StatusOr<std::string> HttpGet(const std::string& url);

}  // namespace plinth::auth

#endif  // PLINTH_LIBS_AUTH_JWKS_H_
