#ifndef PLINTH_SERVICES_BILLING_SIGNATURE_H_
#define PLINTH_SERVICES_BILLING_SIGNATURE_H_

// Stripe webhook signatures: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`,
// v1 = hex(HMAC-SHA256(secret, "<t>.<raw body>")), any v1 may match (secret
// rolling), |now - t| ≤ tolerance, compared in constant time.

#include <cstdint>
#include <string>
#include <string_view>

#include <absl/status/status.h>

namespace plinth::billing {

absl::Status VerifyStripeSignature(std::string_view payload, std::string_view header, std::string_view secret,
                                   int64_t now_unix, int64_t tolerance_seconds = 300);

// For tests and `./plinth stripe trigger`: the header for `payload` at `t`.
std::string StripeSignatureHeader(std::string_view payload, std::string_view secret, int64_t t);

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_SIGNATURE_H_
