#include "services/billing/signature.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_split.h>

#include "libs/crypto/crypto.h"
#include "libs/errors/errors.h"

namespace plinth::billing {
namespace {

std::string HexHmac(std::string_view secret, std::string_view data) {
  return crypto::Hex(crypto::HmacSha256(secret, data));
}

absl::Status Bad(const char* why) { return errors::InvalidField("Stripe-Signature", why); }

}  // namespace

absl::Status VerifyStripeSignature(std::string_view payload, std::string_view header, std::string_view secret,
                                   int64_t now, int64_t tolerance) {
  if (header.empty()) return Bad("missing");
  int64_t t = -1;
  std::vector<std::string> v1;
  for (absl::string_view part : absl::StrSplit(absl::string_view(header.data(), header.size()), ',')) {
    auto eq = part.find('=');
    if (eq == absl::string_view::npos) continue;
    absl::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "t" && !absl::SimpleAtoi(value, &t)) return Bad("malformed timestamp");
    if (key == "v1") v1.emplace_back(value);
  }
  if (t < 0 || v1.empty()) return Bad("malformed");
  if (now - t > tolerance || t - now > tolerance) return Bad("timestamp outside the tolerance");
  std::string signed_payload = std::to_string(t) + "." + std::string(payload);
  std::string expected = HexHmac(secret, signed_payload);
  bool match = false;
  for (const auto& candidate : v1) {
    if (crypto::Equal(candidate, expected)) {
      match = true;  // keep comparing: constant work whatever matches
    }
  }
  if (!match) return Bad("no matching signature");
  return absl::OkStatus();
}

std::string StripeSignatureHeader(std::string_view payload, std::string_view secret, int64_t t) {
  return "t=" + std::to_string(t) + ",v1=" + HexHmac(secret, std::to_string(t) + "." + std::string(payload));
}

}  // namespace plinth::billing
