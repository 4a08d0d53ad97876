#ifndef PLINTH_SERVICES_BILLING_STRIPE_EVENT_H_
#define PLINTH_SERVICES_BILLING_STRIPE_EVENT_H_

// Reading Stripe's JSON: the parts of a (verified) webhook event Plinth acts
// on, and strings out of API responses. Pure functions of their input, so
// they are fuzzed (tests/fuzz).

#include <cstdint>
#include <initializer_list>
#include <string>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "services/billing/plans.h"

namespace plinth::billing {

// The parts of a Stripe event Plinth acts on.
struct BillingEvent {
  std::string id;  // evt_…
  std::string type;
  int64_t created = 0;  // unix seconds
  std::string user_id;  // from metadata / client_reference_id, may be empty
  std::string customer;
  std::string subscription;
  std::string status;      // subscription status
  std::string tier;        // resolved from the price; empty if unknown
  int64_t period_end = 0;  // unix seconds, 0 if absent
  std::string invoice;     // in_…
  int credits = 0;         // invoice.paid: the tier's monthly credits
};

// Parses a verified webhook body into what Plinth acts on.
absl::StatusOr<BillingEvent> ParseEvent(const std::string& payload, const Plans& plans);

// The string at a path of nested objects, or "" (absent, or not a string).
std::string StringAt(const nlohmann::json& j, std::initializer_list<const char*> path);

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_STRIPE_EVENT_H_
