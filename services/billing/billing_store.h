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
  int credits_granted = 0;
};

// An account that has a Stripe customer, as reconcile compares it.
struct AccountRow {
  std::string user_id;
  std::string customer;
  std::string subscription;  // may be empty
  std::string status;
  std::string tier;
  int64_t period_end = 0;
  bool cancel_at_period_end = false;
};

// The subscription to apply with an event: Stripe's current object
// (retrieved when the event arrived) or, without a Stripe client, the
// event's own; `at` orders applications (seconds since the epoch).
struct SubscriptionTruth {
  SubscriptionState state;
  double at = 0;
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

  // Records the event and applies its effects, exactly once per event id:
  // the subscription (`truth`) to the account whose subscription it is (or
  // that has none still current; never one that ended, never older than
  // the last applied), an invoice's or a credit pack's credits (each once,
  // by key in the ledger); past_due gives access for `grace_seconds`.
  absl::StatusOr<EventResult> Apply(const BillingEvent& event, const std::optional<SubscriptionTruth>& truth,
                                    int64_t grace_seconds, db::Deadline deadline);

  // Reconcile: every account with a Stripe customer.
  absl::StatusOr<std::vector<AccountRow>> AccountsWithCustomer(db::Deadline deadline);
  // Sets the account's subscription to Stripe's, whatever was applied before.
  absl::Status Repair(const std::string& user_id, const SubscriptionState& state, int64_t grace_seconds,
                      db::Deadline deadline);
  // A paid invoice's credits, unless granted already: whether they were now.
  absl::StatusOr<bool> GrantInvoice(const std::string& user_id, const std::string& invoice, int credits,
                                    db::Deadline deadline);
  // Accounts past_due beyond the grace period fall to the free tier: how many.
  absl::StatusOr<int64_t> ExpireGrace(int64_t grace_seconds, db::Deadline deadline);
  // An operator's billing action, in the audit table (migration 0016).
  absl::Status Audit(const std::string& operator_id, const std::string& action, const std::vector<std::string>& targets,
                     const std::string& request_json, const std::string& request_id, db::Deadline deadline);

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
