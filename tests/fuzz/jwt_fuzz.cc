// libFuzzer target: the JWT path of every authenticated request
// (Authorization header → token → header/payload/signature → claims) and
// base64url. The first byte picks what the rest is:
//   0: an Authorization header, verified as the services verify it;
//   1: a payload, signed with the verifier's own secret, so the fuzzer gets
//      past the signature into the claims checks;
//   2: bytes for base64url (decoding must invert encoding).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "libs/validation/text.h"
#include "libs/auth/base64url.h"
#include "libs/auth/jwt.h"

namespace {

constexpr char kSecret[] = "fuzzing-secret-of-at-least-thirty-two-bytes";
constexpr int64_t kNow = 1800000000;

const plinth::auth::JwtVerifier& Verifier() {
  static const auto* verifier = [] {
    plinth::auth::VerifierOptions options;
    options.hs256_secret = kSecret;
    return new plinth::auth::JwtVerifier(options);
  }();
  return *verifier;
}

void CheckClaims(const absl::StatusOr<plinth::auth::Claims>& claims) {
  // What the services rely on once a token is accepted.
  if (claims.ok() && (!plinth::validation::IsUuid(claims->sub) || claims->raw_json.empty())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto token = plinth::auth::JwtVerifier::FromAuthorizationHeader(rest);
      if (token.ok()) CheckClaims(Verifier().Verify(*token, kNow));
      break;
    }
    case 1:
      CheckClaims(Verifier().Verify(plinth::auth::SignHs256(rest, kSecret), kNow));
      break;
    case 2: {
      if (plinth::auth::Base64UrlDecode(plinth::auth::Base64UrlEncode(rest)) != std::string(rest)) std::abort();
      (void)plinth::auth::Base64UrlDecode(rest);
      break;
    }
  }
  return 0;
}
