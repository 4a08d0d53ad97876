// RS256/ES256 verification against keys published as JWKS, and the attacks
// the verifier must refuse.

#include "libs/auth/jwks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "libs/auth/base64url.h"
#include "libs/auth/jwt.h"

namespace plinth::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr char kSub[] = "5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f";

std::string Bn(EVP_PKEY* key, const char* name, size_t pad = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out(std::max<size_t>(pad, BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

struct Keys {
  EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ~Keys() {
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ec);
  }
  std::string Jwks() const {
    nlohmann::json rsa_jwk = {{"kty", "RSA"},
                              {"kid", "rsa-1"},
                              {"use", "sig"},
                              {"alg", "RS256"},
                              {"n", Base64UrlEncode(Bn(rsa, OSSL_PKEY_PARAM_RSA_N))},
                              {"e", Base64UrlEncode(Bn(rsa, OSSL_PKEY_PARAM_RSA_E))}};
    nlohmann::json ec_jwk = {{"kty", "EC"},
                             {"kid", "ec-1"},
                             {"crv", "P-256"},
                             {"alg", "ES256"},
                             {"x", Base64UrlEncode(Bn(ec, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                             {"y", Base64UrlEncode(Bn(ec, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
    return nlohmann::json{{"keys", {rsa_jwk, ec_jwk, {{"kty", "oct"}, {"kid", "x"}}}}}.dump();
  }
  std::string RsaPublicPem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, rsa);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, len);
    BIO_free(bio);
    return pem;
  }
};

std::string Sign(EVP_PKEY* key, const std::string& alg, const std::string& kid, const std::string& payload) {
  std::string input = Base64UrlEncode(nlohmann::json{{"alg", alg}, {"kid", kid}, {"typ", "JWT"}}.dump()) + "." +
                      Base64UrlEncode(payload);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (alg == "ES256") {  // DER → r||s
    const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(es);
    sig = raw;
  }
  return input + "." + Base64UrlEncode(sig);
}

std::string Payload(int64_t exp = kNow + 60, const std::string& extra = "") {
  return R"({"aud":"authenticated","sub":")" + std::string(kSub) + R"(","exp":)" + std::to_string(exp) + extra + "}";
}

class JwksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    jwks_ =
        std::make_shared<JwksCache>("http://issuer.test/jwks.json", std::chrono::minutes(10), std::chrono::seconds(30),
                                    [this](const std::string&) -> absl::StatusOr<std::string> { return keys_.Jwks(); });
    VerifierOptions o;
    o.hs256_secret = "legacy-secret-of-at-least-thirty-two-bytes";
    o.jwks = jwks_;
    verifier_ = std::make_unique<JwtVerifier>(o);
  }
  Keys keys_;
  std::shared_ptr<JwksCache> jwks_;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(JwksTest, AcceptsRs256AndEs256) {
  auto rs = verifier_->Verify(Sign(keys_.rsa, "RS256", "rsa-1", Payload()), kNow);
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(rs->sub, kSub);
  auto es = verifier_->Verify(Sign(keys_.ec, "ES256", "ec-1", Payload()), kNow);
  ASSERT_TRUE(es.ok()) << es.status();
  // The legacy secret still works alongside.
  EXPECT_TRUE(verifier_->Verify(SignHs256(Payload(), "legacy-secret-of-at-least-thirty-two-bytes"), kNow).ok());
}

TEST_F(JwksTest, AlgorithmConfusionIsRefused) {
  // HS256 "signed" with the RSA public key (PEM) as the HMAC secret.
  std::string forged = SignHs256(Payload(), keys_.RsaPublicPem());
  EXPECT_EQ(verifier_->Verify(forged, kNow).status().message(), "invalid token signature");
  // ES256 claimed for the RSA key id, and RS256 for the EC key.
  EXPECT_EQ(verifier_->Verify(Sign(keys_.ec, "ES256", "rsa-1", Payload()), kNow).status().message(),
            "token algorithm does not match its key");
  EXPECT_EQ(verifier_->Verify(Sign(keys_.rsa, "RS256", "ec-1", Payload()), kNow).status().message(),
            "token algorithm does not match its key");
}

TEST_F(JwksTest, UnknownKidRefetchesAtMostOncePerInterval) {
  ASSERT_TRUE(verifier_->Verify(Sign(keys_.rsa, "RS256", "rsa-1", Payload()), kNow).ok());
  int before = jwks_->fetches();
  for (int i = 0; i < 20; ++i) {
    auto r = verifier_->Verify(Sign(keys_.rsa, "RS256", "made-up-" + std::to_string(i), Payload()), kNow);
    EXPECT_EQ(r.status().message(), "token signed with an unknown key");
  }
  EXPECT_LE(jwks_->fetches() - before, 1);
}

TEST_F(JwksTest, ClaimsAreCheckedAsForHs256) {
  EXPECT_EQ(verifier_->Verify(Sign(keys_.rsa, "RS256", "rsa-1", Payload(kNow - 120)), kNow).status().message(),
            "token expired");
  EXPECT_EQ(
      verifier_
          ->Verify(Sign(keys_.ec, "ES256", "ec-1", Payload(kNow + 600, ",\"nbf\":" + std::to_string(kNow + 300))), kNow)
          .status()
          .message(),
      "token not valid yet");
  std::string anon = R"({"aud":"anon","sub":")" + std::string(kSub) + R"(","exp":)" + std::to_string(kNow + 60) + "}";
  EXPECT_FALSE(verifier_->Verify(Sign(keys_.rsa, "RS256", "rsa-1", anon), kNow).ok());
}

TEST_F(JwksTest, TamperedAndMalformedTokensAreRefused) {
  std::string good = Sign(keys_.ec, "ES256", "ec-1", Payload());
  std::string tampered = good;
  tampered[good.find('.') + 5] ^= 1;
  EXPECT_FALSE(verifier_->Verify(tampered, kNow).ok());
  EXPECT_FALSE(verifier_->Verify(good.substr(0, good.size() - 4), kNow).ok());
  EXPECT_FALSE(verifier_->Verify(good + "!", kNow).ok());
  std::string no_kid = Base64UrlEncode(R"({"alg":"RS256"})") + "." + Base64UrlEncode(Payload()) + ".AAAA";
  EXPECT_EQ(verifier_->Verify(no_kid, kNow).status().message(), "token has no key id");
}

TEST(Jwks, ParserSkipsWhatItCannotUse) {
  auto keys = ParseJwks(R"({"keys":[{"kty":"RSA","kid":"short","n":"AQAB","e":"AQAB"},
                                      {"kty":"EC","kid":"p384","crv":"P-384","x":"AA","y":"AA"},
                                      {"kty":"oct","kid":"sym","k":"c2VjcmV0"}, 7]})");
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->empty());
  EXPECT_FALSE(ParseJwks("[]").ok());
  EXPECT_FALSE(ParseJwks("not json").ok());
}

}  // namespace
}  // namespace plinth::auth
