#ifndef PLINTH_SERVICES_BILLING_BILLING_STORE_H_
#define PLINTH_SERVICES_BILLING_BILLING_STORE_H_

// SQL of the billing service. Everything here writes columns users may not
// write (credits, subscription, customer ids), so it runs as the service's
// own role; each Stripe event and its effects share one transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/db/pool.h"

namespace plinth::billing {

// The parts of a Stripe event Plinth acts on.
struct BillingEvent {
  std::string id;       // evt_…
  std::string type;
  int64_t created = 0;  // unix seconds
  std::string user_id;  // from metadata / client_reference_id, may be empty
  std::string customer;
  std::string subscription;
  std::string status;       // subscription status
  std::string tier;         // resolved from the price; empty if unknown
  int64_t period_end = 0;   // unix seconds, 0 if absent
  std::string invoice;      // in_…
  int credits = 0;          // invoice.paid: the tier's monthly credits
};

struct EventResult {
  bool duplicate = false;
  std::string user_id;  // whose profile changed (empty: none)
};

class BillingStore {
 public:
  explicit BillingStore(db::Pool* pool);
  static std::vector<db::PreparedStatement> Statements();

  // The caller's Stripe customer id, if any.
  absl::StatusOr<std::optional<std::string>> CustomerOf(const std::string& user_id, db::Deadline deadline);
  absl::Status SetCustomer(const std::string& user_id, const std::string& customer, db::Deadline deadline);

  // Records the event and applies its effects, exactly once per event id.
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
