#ifndef PLINTH_SERVICES_BILLING_STRIPE_EVENT_H_
#define PLINTH_SERVICES_BILLING_STRIPE_EVENT_H_

// Reading Stripe's JSON: the parts of a (verified) webhook event Plinth acts
// on, a subscription object as Plinth keeps it, and strings out of API
// responses. Pure functions of their input, so they are fuzzed (tests/fuzz).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "services/billing/catalog.h"

namespace plinth::billing {

// A subscription as the account keeps it.
struct SubscriptionState {
  std::string id;  // sub_…
  std::string customer;
  std::string user_id;  // from its metadata, may be empty
  std::string status;
  // The plan of its price while it gives access; "free" once it ended or
  // went unpaid, or when its price is not in the catalog.
  std::string tier;
  int64_t period_end = 0;  // unix seconds, 0 if absent
  bool cancel_at_period_end = false;
  int64_t created = 0;
  bool Ended() const { return status == "canceled" || status == "incomplete_expired"; }
};

// The parts of a Stripe event Plinth acts on.
struct BillingEvent {
  std::string id;  // evt_…
  std::string type;
  int64_t created = 0;  // unix seconds
  std::string user_id;  // from metadata / client_reference_id, may be empty
  std::string customer;
  std::string subscription;  // the subscription it is about (sub_…), may be empty
  // customer.subscription.*: the object the event carries (which may be
  // older than Stripe's current one).
  std::optional<SubscriptionState> state;
  std::string invoice;  // in_…
  int credits = 0;      // invoice.paid: what the invoice's plan grants (0 for a proration)
  // checkout.session.completed / async_payment_succeeded in payment mode:
  std::string checkout_session;  // cs_…
  int pack_credits = 0;          // the pack's credits, once paid
};

// Parses a verified webhook body into what Plinth acts on.
absl::StatusOr<BillingEvent> ParseEvent(const std::string& payload, const Catalog& catalog);

// A subscription object (an event's, or GET /v1/subscriptions/{id}'s).
absl::StatusOr<SubscriptionState> ParseSubscription(const nlohmann::json& object, const Catalog& catalog);

// The credits one paid invoice grants under `catalog`: its plan's month (a
// year's: twelve); for a plan change's proration, an upgrade's difference
// of monthly credits (a downgrade: 0); 0 for a price not in the catalog.
int InvoiceCredits(const nlohmann::json& invoice, const Catalog& catalog);

// Whether the event's effect depends on a subscription's current state.
bool ConcernsSubscription(const BillingEvent& event);

// The string at a path of nested objects, or "" (absent, or not a string).
std::string StringAt(const nlohmann::json& j, std::initializer_list<const char*> path);

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_STRIPE_EVENT_H_
