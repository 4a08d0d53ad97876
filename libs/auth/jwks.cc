#include "libs/auth/jwks.h"

#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "libs/auth/base64url.h"
#include "libs/http/http_client.h"
#include "libs/logging/logging.h"

namespace plinth::auth {
namespace {

std::shared_ptr<EVP_PKEY> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (ctx != nullptr && params != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (pkey == nullptr) return nullptr;
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> RsaKey(const std::string& n, const std::string& e) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  auto key = FromParams("RSA", bld);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  // Refuse short RSA keys outright.
  if (key && EVP_PKEY_get_bits(key.get()) < 2048) return nullptr;
  return key;
}

std::shared_ptr<EVP_PKEY> P256Key(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::string point = "\x04" + x + y;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  auto key = FromParams("EC", bld);
  OSSL_PARAM_BLD_free(bld);
  return key;
}

}  // namespace

absl::StatusOr<std::map<std::string, PublicKey>> ParseJwks(const std::string& json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return absl::InvalidArgumentError("not a JWKS document");
  }
  std::map<std::string, PublicKey> keys;
  for (const auto& k : doc["keys"]) {
    if (!k.is_object()) continue;
    auto str = [&](const char* name) -> std::string {
      auto it = k.find(name);
      return it != k.end() && it->is_string() ? it->get<std::string>() : "";
    };
    std::string kid = str("kid"), kty = str("kty"), use = str("use");
    if (kid.empty() || (!use.empty() && use != "sig")) continue;
    PublicKey key;
    if (kty == "RSA" && (str("alg").empty() || str("alg") == "RS256")) {
      auto n = Base64UrlDecode(str("n")), e = Base64UrlDecode(str("e"));
      if (n && e) key = {"RS256", RsaKey(*n, *e)};
    } else if (kty == "EC" && str("crv") == "P-256" && (str("alg").empty() || str("alg") == "ES256")) {
      auto x = Base64UrlDecode(str("x")), y = Base64UrlDecode(str("y"));
      if (x && y) key = {"ES256", P256Key(*x, *y)};
    }
    if (key.key) keys[kid] = key;
  }
  return keys;
}

bool VerifySignature(const PublicKey& key, std::string_view signing_input, std::string_view signature) {
  std::string der;
  std::string_view sig = signature;
  if (key.alg == "ES256") {
    // JWS carries r||s; OpenSSL wants a DER ECDSA-Sig-Value.
    if (signature.size() != 64) return false;
    ECDSA_SIG* es = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr);
    ECDSA_SIG_set0(es, r, s);
    unsigned char* buf = nullptr;
    int len = i2d_ECDSA_SIG(es, &buf);
    ECDSA_SIG_free(es);
    if (len <= 0) return false;
    der.assign(reinterpret_cast<char*>(buf), len);
    OPENSSL_free(buf);
    sig = der;
  } else if (key.alg != "RS256") {
    return false;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.key.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

absl::StatusOr<std::string> HttpGet(const std::string& url) {
  http::Request request;
  request.url = url;
  request.timeout = std::chrono::milliseconds(2000);
  request.max_response_bytes = 1 << 20;  // a JWKS is small
  auto response = http::Send(request);
  if (!response.ok()) return absl::UnavailableError("jwks fetch: " + std::string(response.status().message()));
  if (response->status != 200) return absl::UnavailableError("jwks fetch: HTTP " + std::to_string(response->status));
  return std::move(response->body);
}

JwksCache::JwksCache(std::string url, std::chrono::seconds ttl, std::chrono::seconds min_refetch_interval,
                     Fetcher fetcher)
    : url_(std::move(url)),
      ttl_(ttl),
      min_refetch_interval_(min_refetch_interval),
      fetcher_(fetcher ? std::move(fetcher) : Fetcher(HttpGet)) {}

int JwksCache::fetches() const {
  absl::MutexLock lock(&mu_);
  return fetches_;
}

bool JwksCache::Refresh() {
  auto now = std::chrono::steady_clock::now();
  if (ever_fetched_ && now - last_attempt_ < min_refetch_interval_) return false;
  last_attempt_ = now;
  ever_fetched_ = true;
  ++fetches_;
  auto body = fetcher_(url_);
  if (!body.ok()) {
    logging::Warn("JWKS fetch failed", {{"url", url_}, {"error", std::string(body.status().message())}});
    return false;
  }
  auto keys = ParseJwks(*body);
  if (!keys.ok()) {
    logging::Warn("JWKS document invalid", {{"url", url_}});
    return false;
  }
  keys_ = std::move(*keys);
  fetched_at_ = now;
  return true;
}

std::optional<PublicKey> JwksCache::Find(const std::string& kid) {
  absl::MutexLock lock(&mu_);
  if (std::chrono::steady_clock::now() - fetched_at_ > ttl_) Refresh();
  auto it = keys_.find(kid);
  if (it == keys_.end() && Refresh()) it = keys_.find(kid);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace plinth::auth
