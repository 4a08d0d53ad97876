#ifndef PLINTH_SERVICES_BILLING_BILLING_STORE_H_
#define PLINTH_SERVICES_BILLING_BILLING_STORE_H_

// SQL of the billing service, on the tables it owns (billing_accounts:
// credits, subscription, customer ids; Stripe events; the credit ledger;
// migration 0012). It runs as the service's own role; each Stripe event and
// its effects share one transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/db/pool.h"
#include "services/billing/stripe_event.h"

namespace plinth::billing {

struct EventResult {
  bool duplicate = false;
  std::string user_id;  // whose account changed (empty: none)
};

class BillingStore {
 public:
  explicit BillingStore(db::Pool* pool);
  static std::vector<db::PreparedStatement> Statements();

  // The caller's Stripe customer id, if any.
  absl::StatusOr<std::optional<std::string>> CustomerOf(const std::string& user_id, db::Deadline deadline);
  // The account's subscription_status (NOT_FOUND without an account: no profile yet).
  absl::StatusOr<std::string> SubscriptionStatus(const std::string& user_id, db::Deadline deadline);
  absl::Status SetCustomer(const std::string& user_id, const std::string& customer, db::Deadline deadline);
  // FREE_TIER_CREDITS, the credits an account is opened with.
  absl::Status SetFreeTierCredits(int32_t credits, db::Deadline deadline);

  // Records the event and applies its effects, exactly once per event id.
  // Subscription events change the profile only for its own subscription
  // (or when it has none that is still current): an event of another
  // subscription of the same customer is recorded and ignored.
  absl::StatusOr<EventResult> Apply(const BillingEvent& event, db::Deadline deadline);

  // One credit, never below zero; idempotent by key. Returns credits left.
  absl::StatusOr<int32_t> Consume(const std::string& user_id, const std::string& key, db::Deadline deadline);
  // Gives back the credit of the user's analysis, once, and only if that
  // analysis failed (CONFLICT otherwise). Returns credits left.
  absl::StatusOr<int32_t> RefundFailedAnalysis(const std::string& user_id, const std::string& analysis_id,
                                               db::Deadline deadline);

 private:
  db::Pool* pool_;
};

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_BILLING_STORE_H_
