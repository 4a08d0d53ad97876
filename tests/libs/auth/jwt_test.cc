#include "libs/auth/jwt.h"
#include "libs/validation/text.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "libs/auth/base64url.h"

namespace plinth::auth {
namespace {

constexpr char kSecret[] = "test-secret-of-at-least-thirty-two-bytes!!";
constexpr char kSub[] = "5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f";
constexpr int64_t kNow = 1'800'000'000;

std::string Payload(int64_t exp, const std::string& extra = "") {
  return R"({"aud":"authenticated","sub":")" + std::string(kSub) +
         R"(","email":"a@example.com","role":"authenticated","exp":)" + std::to_string(exp) + extra + "}";
}

JwtVerifier Verifier() {
  VerifierOptions o;
  o.hs256_secret = kSecret;
  return JwtVerifier(o);
}

std::string WithHeader(const std::string& header_json, const std::string& payload,
                       const std::string& secret = kSecret) {
  std::string token = SignHs256(payload, secret);
  std::string rest = token.substr(token.find('.'));
  return Base64UrlEncode(header_json) + rest;  // signature no longer matches the header
}

TEST(Jwt, AcceptsAValidToken) {
  auto claims = Verifier().Verify(SignHs256(Payload(kNow + 60), kSecret), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->sub, kSub);
  EXPECT_EQ(claims->email, "a@example.com");
  EXPECT_NE(claims->raw_json.find(kSub), std::string::npos);
}

TEST(Jwt, ExpiryHasLeewayOfThirtySeconds) {
  EXPECT_TRUE(Verifier().Verify(SignHs256(Payload(kNow - 29), kSecret), kNow).ok());
  auto expired = Verifier().Verify(SignHs256(Payload(kNow - 31), kSecret), kNow);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(expired.status().message(), "token expired");
}

TEST(Jwt, NotBeforeInTheFutureIsRejected) {
  EXPECT_TRUE(
      Verifier().Verify(SignHs256(Payload(kNow + 600, ",\"nbf\":" + std::to_string(kNow + 20)), kSecret), kNow).ok());
  auto early =
      Verifier().Verify(SignHs256(Payload(kNow + 600, ",\"nbf\":" + std::to_string(kNow + 31)), kSecret), kNow);
  EXPECT_EQ(early.status().message(), "token not valid yet");
}

TEST(Jwt, RejectsMissingExp) {
  std::string payload = R"({"aud":"authenticated","sub":")" + std::string(kSub) + R"("})";
  EXPECT_FALSE(Verifier().Verify(SignHs256(payload, kSecret), kNow).ok());
}

TEST(Jwt, RejectsWrongSecret) {
  auto r = Verifier().Verify(SignHs256(Payload(kNow + 60), "another-secret-of-thirty-two-bytes-xx"), kNow);
  EXPECT_EQ(r.status().message(), "invalid token signature");
}

TEST(Jwt, RejectsTamperedPayload) {
  std::string token = SignHs256(Payload(kNow + 60), kSecret);
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string forged_payload = Base64UrlEncode(Payload(kNow + 999999));
  std::string forged = token.substr(0, d1 + 1) + forged_payload + token.substr(d2);
  EXPECT_EQ(Verifier().Verify(forged, kNow).status().message(), "invalid token signature");
}

// A verified token is reused by its text: the clock still decides at every
// use, and nothing about another text (an edited payload under a copied
// signature) comes from the remembered one.
TEST(Jwt, AVerifiedTokenIsReusedOnlyWhileItsTimesAllowAndOnlyForItsExactText) {
  auto v = Verifier();
  std::string token = SignHs256(Payload(kNow + 60, ",\"nbf\":" + std::to_string(kNow - 10)), kSecret);
  ASSERT_TRUE(v.Verify(token, kNow).ok());
  ASSERT_TRUE(v.Verify(token, kNow + 80).ok());  // within exp's leeway
  EXPECT_EQ(v.Verify(token, kNow + 91).status().message(), "token expired");
  EXPECT_EQ(v.Verify(token, kNow - 50).status().message(), "token not valid yet");
  ASSERT_TRUE(v.Verify(token, kNow).ok());

  size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string forged = token.substr(0, d1 + 1) + Base64UrlEncode(Payload(kNow + 999999)) + token.substr(d2);
  EXPECT_EQ(v.Verify(forged, kNow).status().message(), "invalid token signature");
  // A refused token is not remembered either.
  EXPECT_EQ(v.Verify(forged, kNow).status().message(), "invalid token signature");

  // Thousands of distinct tokens (more than are kept) all still verify, with
  // their own claims.
  for (int i = 0; i < 5000; ++i) {
    std::string sub = "00000000-0000-4000-8000-" + std::string(12 - std::to_string(i).size(), '0') + std::to_string(i);
    std::string t =
        SignHs256(R"({"aud":"authenticated","sub":")" + sub + R"(","exp":)" + std::to_string(kNow + 60) + "}", kSecret);
    auto first = v.Verify(t, kNow);
    auto again = v.Verify(t, kNow);
    ASSERT_TRUE(first.ok() && again.ok()) << i;
    ASSERT_EQ(again->sub, sub);
    ASSERT_EQ(again->raw_json, first->raw_json);
  }
}

TEST(Jwt, RejectsAlgorithmsOutsideTheAllowList) {
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512"})", R"({"alg":"RS256"})",
                             R"({"alg":"hs256"})", R"({"typ":"JWT"})", R"({"alg":null})"}) {
    auto r = Verifier().Verify(WithHeader(header, Payload(kNow + 60)), kNow);
    EXPECT_EQ(r.status().message(), "token algorithm not allowed") << header;
  }
  // alg none with an empty signature, the classic.
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(Payload(kNow + 60)) + ".";
  EXPECT_FALSE(Verifier().Verify(none, kNow).ok());
}

TEST(Jwt, RejectsWrongAudienceAndAcceptsAudienceArrays) {
  std::string anon = R"({"aud":"anon","sub":")" + std::string(kSub) + R"(","exp":)" + std::to_string(kNow + 60) + "}";
  EXPECT_EQ(Verifier().Verify(SignHs256(anon, kSecret), kNow).status().message(), "token audience not accepted");
  std::string arr =
      R"({"aud":["x","authenticated"],"sub":")" + std::string(kSub) + R"(","exp":)" + std::to_string(kNow + 60) + "}";
  EXPECT_TRUE(Verifier().Verify(SignHs256(arr, kSecret), kNow).ok());
}

TEST(Jwt, IssuerIsCheckedWhenConfigured) {
  VerifierOptions o;
  o.hs256_secret = kSecret;
  o.issuer = "https://project.supabase.co/auth/v1";
  JwtVerifier v(o);
  EXPECT_EQ(v.Verify(SignHs256(Payload(kNow + 60), kSecret), kNow).status().message(), "token issuer not accepted");
  EXPECT_TRUE(
      v.Verify(SignHs256(Payload(kNow + 60, R"(,"iss":"https://project.supabase.co/auth/v1")"), kSecret), kNow).ok());
}

TEST(Jwt, RejectsMalformedTokensWithoutCrashing) {
  std::string good = SignHs256(Payload(kNow + 60), kSecret);
  for (const std::string& t :
       {std::string(""), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"), std::string("..."), good + "x",
        good.substr(0, good.size() - 3), "!!." + good.substr(good.find('.') + 1), std::string("e30.e30.e30"),
        std::string(10000, 'a')}) {
    auto r = Verifier().Verify(t, kNow);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated) << t.substr(0, 40);
  }
}

TEST(Jwt, SubjectMustBeAUuid) {
  std::string p = R"({"aud":"authenticated","sub":"1' or '1'='1","exp":)" + std::to_string(kNow + 60) + "}";
  EXPECT_EQ(Verifier().Verify(SignHs256(p, kSecret), kNow).status().message(), "token subject is not a user id");
}

TEST(Jwt, AuthorizationHeaderParsing) {
  EXPECT_EQ(*JwtVerifier::FromAuthorizationHeader("Bearer abc"), "abc");
  EXPECT_EQ(*JwtVerifier::FromAuthorizationHeader("bearer abc"), "abc");
  EXPECT_FALSE(JwtVerifier::FromAuthorizationHeader("").ok());
  EXPECT_FALSE(JwtVerifier::FromAuthorizationHeader("Basic abc").ok());
  EXPECT_FALSE(JwtVerifier::FromAuthorizationHeader("Bearer ").ok());
}

TEST(Base64Url, RoundTripsAndRejectsNonAlphabet) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"}) {
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(s)), s);
  }
  EXPECT_FALSE(Base64UrlDecode("Zm9v=").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm+v").has_value());
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());  // non-zero trailing bits
}

}  // namespace
}  // namespace plinth::auth

namespace plinth::auth {
namespace {

TEST(NewUuid, VersionFourFromTheSystemsRandomnessAndNeverRepeated) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewUuid();
    ASSERT_TRUE(validation::IsUuid(id)) << id;
    ASSERT_EQ(id[14], '4') << id;                                          // version 4
    ASSERT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // RFC 4122 variant
    ASSERT_TRUE(seen.insert(id).second) << "repeated: " << id;
  }
}

}  // namespace
}  // namespace plinth::auth
