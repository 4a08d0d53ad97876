#include "libs/auth/jwt.h"

#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <optional>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/container/flat_hash_map.h>
#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "libs/auth/base64url.h"
#include "libs/auth/jwks.h"
#include "libs/crypto/crypto.h"
#include "libs/errors/errors.h"
#include "libs/validation/text.h"

namespace plinth::auth {
namespace {

absl::Status Invalid(std::string_view why) { return errors::Unauthenticated(why); }

// A NumericDate: JSON number (integer or not) within a sane range.
bool ReadNumericDate(const nlohmann::json& payload, const char* name, int64_t* out) {
  auto it = payload.find(name);
  if (it == payload.end()) return false;
  if (!it->is_number()) return false;
  double v = it->get<double>();
  if (!(v > -1e15 && v < 1e15)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

}  // namespace

std::string NewUuid() {
  // OpenSSL's CSPRNG: ids (analyses, Stripe idempotency keys) must not be
  // predictable from earlier ones, which a seeded PRNG's are.
  unsigned char b[16];
  if (RAND_bytes(b, sizeof(b)) != 1) std::abort();  // no entropy: nothing safe to do
  b[6] = (b[6] & 0x0f) | 0x40;                      // version 4
  b[8] = (b[8] & 0x3f) | 0x80;                      // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

// Tokens that verified, by their exact text. The text is the key because
// the signature covers the header and payload: the same text is the same
// verified claims, while any other text (a copied signature on an edited
// payload) misses and is verified in full.
class JwtVerifier::VerifiedTokens {
 public:
  // How long a verification is reused, and how many are kept (a few MB at
  // most; when full, all are dropped: re-verifying is only slower).
  static constexpr int64_t kMaxAgeSeconds = 60;
  static constexpr size_t kMaxEntries = 4096;

  // The claims if `token` verified within kMaxAgeSeconds of `now` and its
  // exp and nbf still allow `now`; otherwise nothing (verify in full, which
  // also gives the right error).
  std::optional<Claims> Find(std::string_view token, int64_t now, int64_t leeway) {
    absl::MutexLock lock(&mu_);
    // Debian's absl has its own string_view type.
    auto it = entries_.find(absl::string_view(token.data(), token.size()));
    if (it == entries_.end()) return std::nullopt;
    const Entry& e = it->second;
    if (now > e.verified_at + kMaxAgeSeconds || now > e.claims.exp + leeway || now + leeway < e.nbf) {
      entries_.erase(it);
      return std::nullopt;
    }
    return e.claims;
  }

  void Add(std::string_view token, const Claims& claims, int64_t nbf, int64_t now) {
    absl::MutexLock lock(&mu_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(std::string(token), Entry{claims, nbf, now});
  }

 private:
  struct Entry {
    Claims claims;
    int64_t nbf;
    int64_t verified_at;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

JwtVerifier::JwtVerifier(VerifierOptions options)
    : options_(std::move(options)), verified_(std::make_unique<VerifiedTokens>()) {}

JwtVerifier::~JwtVerifier() = default;

absl::StatusOr<std::string_view> JwtVerifier::FromAuthorizationHeader(std::string_view header) {
  if (header.empty()) return Invalid("missing bearer token");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() ||
      !std::equal(kPrefix.begin(), kPrefix.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return Invalid("authorization header must be 'Bearer <token>'");
  }
  return header.substr(kPrefix.size());
}

absl::StatusOr<Claims> JwtVerifier::Verify(std::string_view token) const {
  return Verify(token, static_cast<int64_t>(std::time(nullptr)));
}

absl::StatusOr<Claims> JwtVerifier::Verify(std::string_view token, int64_t now) const {
  const int64_t leeway = options_.leeway.count();
  if (auto claims = verified_->Find(token, now, leeway)) return *std::move(claims);
  int64_t nbf = 0;
  auto claims = VerifyUncached(token, now, &nbf);
  if (claims.ok()) verified_->Add(token, *claims, nbf, now);
  return claims;
}

absl::StatusOr<Claims> JwtVerifier::VerifyUncached(std::string_view token, int64_t now, int64_t* nbf_out) const {
  if (token.empty()) return Invalid("missing bearer token");
  if (token.size() > options_.max_token_bytes) return Invalid("token too large");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Invalid("malformed token");
  }
  std::string_view header_b64 = token.substr(0, dot1);
  std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = token.substr(dot2 + 1);

  auto header_json = Base64UrlDecode(header_b64);
  if (!header_json) return Invalid("malformed token header");
  auto header = nlohmann::json::parse(*header_json, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) return Invalid("malformed token header");
  auto alg_it = header.find("alg");
  const std::string alg = alg_it != header.end() && alg_it->is_string() ? alg_it->get<std::string>() : "";
  auto signature = Base64UrlDecode(signature_b64);
  if (alg == "HS256" && !options_.hs256_secret.empty()) {
    if (!signature || signature->size() != 32) return Invalid("invalid token signature");
    std::string expected = crypto::HmacSha256(options_.hs256_secret, token.substr(0, dot2));
    if (!crypto::Equal(expected, *signature)) {
      return Invalid("invalid token signature");
    }
  } else if ((alg == "RS256" || alg == "ES256") && options_.jwks) {
    auto kid_it = header.find("kid");
    if (kid_it == header.end() || !kid_it->is_string() || kid_it->get<std::string>().size() > 256) {
      return Invalid("token has no key id");
    }
    auto key = options_.jwks->Find(kid_it->get<std::string>());
    if (!key) return Invalid("token signed with an unknown key");
    // The key decides the algorithm: an RSA key never verifies ES256 and
    // vice versa.
    if (key->alg != alg) return Invalid("token algorithm does not match its key");
    if (!signature || !VerifySignature(*key, token.substr(0, dot2), *signature)) {
      return Invalid("invalid token signature");
    }
  } else {
    return Invalid("token algorithm not allowed");
  }

  auto payload_json = Base64UrlDecode(payload_b64);
  if (!payload_json) return Invalid("malformed token payload");
  auto payload = nlohmann::json::parse(*payload_json, nullptr, false);
  if (!payload.is_object()) return Invalid("malformed token payload");

  const int64_t leeway = options_.leeway.count();
  Claims claims;
  if (!ReadNumericDate(payload, "exp", &claims.exp)) return Invalid("token has no valid exp");
  if (now > claims.exp + leeway) return Invalid("token expired");
  int64_t nbf = 0;
  if (payload.contains("nbf")) {
    if (!ReadNumericDate(payload, "nbf", &nbf)) return Invalid("token has an invalid nbf");
    if (now + leeway < nbf) return Invalid("token not valid yet");
  }
  *nbf_out = nbf;

  // aud may be a string or an array of strings (RFC 7519 §4.1.3).
  bool audience_ok = false;
  if (auto aud = payload.find("aud"); aud != payload.end()) {
    if (aud->is_string()) {
      audience_ok = aud->get<std::string>() == options_.audience;
    } else if (aud->is_array()) {
      for (const auto& a : *aud) audience_ok |= a.is_string() && a.get<std::string>() == options_.audience;
    }
  }
  if (!audience_ok) return Invalid("token audience not accepted");
  if (!options_.issuer.empty()) {
    auto iss = payload.find("iss");
    if (iss == payload.end() || !iss->is_string() || iss->get<std::string>() != options_.issuer) {
      return Invalid("token issuer not accepted");
    }
  }

  auto sub = payload.find("sub");
  if (sub == payload.end() || !sub->is_string() || !validation::IsUuid(sub->get<std::string>())) {
    return Invalid("token subject is not a user id");
  }
  claims.sub = sub->get<std::string>();
  for (char& c : claims.sub) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto email = payload.find("email"); email != payload.end() && email->is_string()) {
    claims.email = email->get<std::string>();
  }
  if (auto app = payload.find("app_metadata"); app != payload.end() && app->is_object()) {
    if (auto role = app->find("plinth_role"); role != app->end() && role->is_string()) {
      claims.plinth_role = role->get<std::string>();
    }
  }
  if (auto role = payload.find("role"); role != payload.end() && role->is_string()) {
    claims.role = role->get<std::string>();
  }
  claims.raw_json = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return claims;
}

std::string SignHs256(std::string_view payload_json, std::string_view secret) {
  std::string signing_input = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." + Base64UrlEncode(payload_json);
  return signing_input + "." + Base64UrlEncode(crypto::HmacSha256(secret, signing_input));
}

}  // namespace plinth::auth
