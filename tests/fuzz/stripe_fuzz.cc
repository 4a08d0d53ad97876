// libFuzzer target: the Stripe webhook path (Stripe-Signature header, then
// the event JSON). The first byte picks what the rest is:
//   0: "<header>\n<payload>", verified with the webhook secret;
//   1: a payload, signed correctly, so verification passes and the event
//      parser sees every input.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/billing/catalog.h"
#include "services/billing/signature.h"
#include "services/billing/stripe_event.h"

namespace {

constexpr char kSecret[] = "whsec_fuzzing_secret";
constexpr int64_t kNow = 1800000000;

const plinth::billing::Catalog& TestPlans() {
  static const auto* catalog = new plinth::billing::Catalog(plinth::billing::Catalog::FromStripePrices(
      {nlohmann::json::parse(R"({"id":"price_pro","active":true,"currency":"usd","unit_amount":1900,
        "type":"recurring","recurring":{"interval":"month","interval_count":1},
        "product":{"id":"prod_pro","name":"Pro","metadata":{"plinth_tier":"pro","plinth_credits":"100"}}})")},
      10));
  return *catalog;
}

void Parse(std::string_view payload) {
  auto event = plinth::billing::ParseEvent(std::string(payload), TestPlans());
  // Stripe's answers go through the same readers (a price list, a subscription).
  auto doc = nlohmann::json::parse(payload, nullptr, false);
  if (!doc.is_discarded()) {
    (void)plinth::billing::Catalog::FromStripePrices({doc}, 10);
    (void)plinth::billing::ParseSubscription(doc, TestPlans());
    (void)plinth::billing::InvoiceCredits(doc, TestPlans());
  }
  // What the store relies on for an accepted event.
  if (event.ok() && (event->id.rfind("evt_", 0) != 0 || event->type.empty() || event->created <= 0)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    size_t newline = rest.find('\n');
    std::string_view header = rest.substr(0, newline);
    std::string_view payload = newline == std::string_view::npos ? "" : rest.substr(newline + 1);
    if (plinth::billing::VerifyStripeSignature(payload, header, kSecret, kNow).ok()) Parse(payload);
  } else {
    std::string header = plinth::billing::StripeSignatureHeader(rest, kSecret, kNow);
    if (!plinth::billing::VerifyStripeSignature(rest, header, kSecret, kNow).ok()) std::abort();
    Parse(rest);
  }
  return 0;
}
