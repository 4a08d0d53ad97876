#include "services/billing/billing_store.h"

#include <chrono>

#include <pqxx/pqxx>

#include "libs/errors/errors.h"

namespace plinth::billing {
namespace {

constexpr char kCustomerOf[] = "billing_customer_of";
constexpr char kSetCustomer[] = "billing_set_customer";
constexpr char kSubscriptionStatus[] = "billing_subscription_status";
constexpr char kRecordEvent[] = "billing_record_event";
constexpr char kUserByCustomer[] = "billing_user_by_customer";
constexpr char kCheckoutCompleted[] = "billing_checkout_completed";
constexpr char kSubscription[] = "billing_subscription";
constexpr char kSubscriptionEnded[] = "billing_subscription_ended";
constexpr char kRecordEnded[] = "billing_record_ended";
constexpr char kPaymentFailed[] = "billing_payment_failed";
constexpr char kAccountsWithCustomer[] = "billing_accounts_with_customer";
constexpr char kRepair[] = "billing_repair";
constexpr char kExpireGrace[] = "billing_expire_grace";
constexpr char kAudit[] = "billing_operator_audit";
constexpr char kLedger[] = "billing_ledger";
constexpr char kAddCredits[] = "billing_add_credits";
constexpr char kConsume[] = "billing_consume";
constexpr char kAnalysisStatus[] = "billing_analysis_status";
constexpr char kRefund[] = "billing_refund";
constexpr char kSetFreeTierCredits[] = "billing_set_free_tier_credits";

const char* Opt(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// The columns a subscription sets ($2 status, $3 tier, $4 period end, $5 id,
// $6 customer, $8 cancel at period end, $9 grace seconds).
#define SUBSCRIPTION_COLUMNS                                                                      \
  "subscription_tier = case when $2 = 'past_due' and coalesce(past_due_since, now()) <= now() - " \
  "make_interval(secs => $9) then 'free' else $3 end, "                                           \
  "past_due_since = case when $2 = 'past_due' then coalesce(past_due_since, now()) end, "         \
  "subscription_current_period_end = case when $4::bigint > 0 then to_timestamp($4) end, "        \
  "stripe_subscription_id = $5, stripe_customer_id = coalesce(stripe_customer_id, $6), "          \
  "subscription_cancel_at_period_end = $8, "

}  // namespace

BillingStore::BillingStore(db::Pool* pool) : pool_(pool) {}

std::vector<db::PreparedStatement> BillingStore::Statements() {
  return {
      {kCustomerOf, "select stripe_customer_id from public.billing_accounts where user_id = $1"},
      {kSubscriptionStatus, "select subscription_status from public.billing_accounts where user_id = $1"},
      {kSetCustomer,
       "update public.billing_accounts set stripe_customer_id = $2 where user_id = $1 and stripe_customer_id is null"},
      {kRecordEvent,
       "insert into public.stripe_events (id, type, created_at) values ($1, $2, to_timestamp($3)) "
       "on conflict (id) do nothing"},
      {kUserByCustomer, "select user_id::text from public.billing_accounts where stripe_customer_id = $1"},
      {kCheckoutCompleted,
       "update public.billing_accounts set stripe_customer_id = coalesce(stripe_customer_id, $2), "
       "stripe_subscription_id = coalesce($3, stripe_subscription_id) where user_id = $1"},
      // Applies only to the account's own subscription (or to a new one when
      // the account has none still current), only if it is not older than
      // the last one applied, and never to a subscription that ended.
      // past_due keeps the plan's tier for the grace period ($9 seconds)
      // from when it was first seen so, then the free tier.
      {kSubscription,
       "update public.billing_accounts set subscription_status = $2, " SUBSCRIPTION_COLUMNS
       "subscription_event_at = to_timestamp($7::double precision) "
       "where user_id = $1 and (subscription_event_at is null or subscription_event_at <= to_timestamp($7::double "
       "precision)) "
       "and (stripe_subscription_id is null or stripe_subscription_id = $5 "
       "or subscription_status in ('free', 'canceled', 'incomplete_expired')) "
       "and not exists (select 1 from public.stripe_ended_subscriptions where subscription_id = $5)"},
      // The end of a subscription is final (migration 0009): it applies to the
      // account whose subscription it is whatever the order of arrival, and
      // is recorded so that no later-arriving event of it applies.
      {kRecordEnded,
       "insert into public.stripe_ended_subscriptions (subscription_id) values ($1) on conflict do nothing"},
      {kSubscriptionEnded,
       "update public.billing_accounts set subscription_status = $2, " SUBSCRIPTION_COLUMNS
       "subscription_event_at = greatest(subscription_event_at, to_timestamp($7::double precision)) "
       "where user_id = $1 and (stripe_subscription_id is null or stripe_subscription_id = $5)"},
      // Reconcile: Stripe's object, whatever was applied before ($7: now).
      {kRepair, "update public.billing_accounts set subscription_status = $2, " SUBSCRIPTION_COLUMNS
                "subscription_event_at = greatest(subscription_event_at, to_timestamp($7::double precision)) "
                "where user_id = $1"},
      {kAccountsWithCustomer,
       "select user_id::text, stripe_customer_id, coalesce(stripe_subscription_id, ''), subscription_status, "
       "subscription_tier, coalesce(extract(epoch from subscription_current_period_end)::bigint, 0), "
       "subscription_cancel_at_period_end from public.billing_accounts where stripe_customer_id is not null "
       "order by user_id"},
      {kExpireGrace,
       "update public.billing_accounts set subscription_tier = 'free' where subscription_status = 'past_due' "
       "and subscription_tier <> 'free' and past_due_since <= now() - make_interval(secs => $1)"},
      {kAudit,
       "insert into public.operator_audit (operator_id, action, targets, request, reason, request_id) "
       "values ($1, $2, $3::uuid[], $4::jsonb, '', $5)"},
      {kPaymentFailed,
       "update public.billing_accounts set subscription_status = 'past_due', subscription_event_at = to_timestamp($2), "
       "past_due_since = coalesce(past_due_since, now()) "
       "where user_id = $1 and subscription_status <> 'canceled' "
       "and (subscription_event_at is null or subscription_event_at <= to_timestamp($2)) "
       "and ($3::text is null or stripe_subscription_id is null or stripe_subscription_id = $3)"},
      {kLedger,
       "insert into public.credit_ledger (key, user_id, delta, reason) values ($1, $2, $3, $4) "
       "on conflict (key) do nothing"},
      {kAddCredits,
       "update public.billing_accounts set credits_remaining = credits_remaining + $2 where user_id = $1 "
       "returning credits_remaining"},
      // Migration 0007: the one place credits are taken and given back.
      {kConsume, "select plinth_private.consume_credit($1, $2)"},
      {kAnalysisStatus, "select status from public.analyses where id = $1 and user_id = $2"},
      {kRefund, "select plinth_private.refund_credit($1, $2)"},
      // The free plan's credits for new accounts (migration 0012).
      {kSetFreeTierCredits, "update plinth_private.billing_settings set free_tier_credits = $1"},
  };
}

absl::StatusOr<std::optional<std::string>> BillingStore::CustomerOf(const std::string& user_id, db::Deadline deadline) {
  std::optional<std::string> customer;
  bool found = false;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kCustomerOf, user_id);
    found = !rows.empty();
    if (found && !rows[0][0].is_null()) customer = rows[0][0].as<std::string>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found) return errors::NotFound("profile not found");
  return customer;
}

absl::StatusOr<std::string> BillingStore::SubscriptionStatus(const std::string& user_id, db::Deadline deadline) {
  std::optional<std::string> status;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kSubscriptionStatus, user_id);
    if (!rows.empty()) status = rows[0][0].as<std::string>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!status) return errors::NotFound("profile not found");
  return *status;
}

absl::Status BillingStore::SetFreeTierCredits(int32_t credits, db::Deadline deadline) {
  return pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    tx.exec_prepared(kSetFreeTierCredits, credits);
    return absl::OkStatus();
  });
}

absl::Status BillingStore::SetCustomer(const std::string& user_id, const std::string& customer, db::Deadline deadline) {
  return pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    tx.exec_prepared(kSetCustomer, user_id, customer);
    return absl::OkStatus();
  });
}

namespace {

// The subscription applied to the account (see Apply; `force`: whatever was
// applied before, for reconcile), in the caller's transaction. Whether the
// account changed.
bool ApplySubscription(pqxx::transaction_base& tx, const std::string& user, const SubscriptionState& t, double at,
                       bool force, int64_t grace_seconds) {
  if (t.Ended()) tx.exec_prepared(kRecordEnded, t.id);
  const char* statement = force ? kRepair : t.Ended() ? kSubscriptionEnded : kSubscription;
  return tx.exec_prepared(statement, user, t.status, t.tier, t.period_end, t.id, Opt(t.customer), at,
                          t.cancel_at_period_end, grace_seconds)
             .affected_rows() > 0;
}

// Credits under a ledger key, at most once per key (an invoice, a credit
// pack's session): whether they were added now.
bool GrantOnce(pqxx::transaction_base& tx, const std::string& user, const std::string& key, int credits,
               const char* reason) {
  return credits > 0 && tx.exec_prepared(kLedger, key, user, credits, reason).affected_rows() == 1 &&
         !tx.exec_prepared(kAddCredits, user, credits).empty();
}

}  // namespace

absl::StatusOr<EventResult> BillingStore::Apply(const BillingEvent& e, const std::optional<SubscriptionTruth>& truth,
                                                int64_t grace_seconds, db::Deadline deadline) {
  EventResult result;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    result = EventResult();
    // Concurrent deliveries of one event block here on the key until the
    // first commits, then find it: one effect.
    if (tx.exec_prepared(kRecordEvent, e.id, e.type, e.created).affected_rows() == 0) {
      result.duplicate = true;
      return absl::OkStatus();
    }
    std::string user = e.user_id;
    if (user.empty() && truth) user = truth->state.user_id;
    const std::string& customer = e.customer.empty() && truth ? truth->state.customer : e.customer;
    if (user.empty() && !customer.empty()) {
      auto rows = tx.exec_prepared(kUserByCustomer, customer);
      if (!rows.empty()) user = rows[0][0].as<std::string>();
    }
    if (user.empty()) return absl::OkStatus();  // not ours (or not yet linked): recorded, ignored
    bool changed = false;
    auto grant = [&](const std::string& key, int credits, const char* reason) {
      if (GrantOnce(tx, user, key, credits, reason)) {
        changed = true;
        result.credits_granted += credits;
      }
    };
    if (e.type == "checkout.session.completed") {
      changed = tx.exec_prepared(kCheckoutCompleted, user, Opt(e.customer), Opt(e.subscription)).affected_rows() > 0;
    }
    if (!e.checkout_session.empty()) grant("checkout:" + e.checkout_session, e.pack_credits, "credit_pack");
    if (truth) {
      changed = ApplySubscription(tx, user, truth->state, truth->at, /*force=*/false, grace_seconds) || changed;
    } else if (e.type == "invoice.payment_failed") {
      // Without Stripe's object (no client configured): the event says it.
      changed = tx.exec_prepared(kPaymentFailed, user, e.created, Opt(e.subscription)).affected_rows() > 0 || changed;
    }
    if (e.type == "invoice.paid") grant("invoice:" + e.invoice, e.credits, "invoice.paid");
    if (changed) result.user_id = user;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<std::vector<AccountRow>> BillingStore::AccountsWithCustomer(db::Deadline deadline) {
  std::vector<AccountRow> out;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    out.clear();
    for (const auto& r : tx.exec_prepared(kAccountsWithCustomer)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>(), r[5].as<int64_t>(), r[6].as<bool>()});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status BillingStore::Repair(const std::string& user_id, const SubscriptionState& t, int64_t grace_seconds,
                                  db::Deadline deadline) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    ApplySubscription(tx, user_id, t, now, /*force=*/true, grace_seconds);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> BillingStore::GrantInvoice(const std::string& user_id, const std::string& invoice, int credits,
                                                db::Deadline deadline) {
  bool granted = false;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    granted = GrantOnce(tx, user_id, "invoice:" + invoice, credits, "reconcile");
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return granted;
}

absl::StatusOr<int64_t> BillingStore::ExpireGrace(int64_t grace_seconds, db::Deadline deadline) {
  int64_t n = 0;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    n = static_cast<int64_t>(tx.exec_prepared(kExpireGrace, grace_seconds).affected_rows());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return n;
}

absl::Status BillingStore::Audit(const std::string& operator_id, const std::string& action,
                                 const std::vector<std::string>& targets, const std::string& request_json,
                                 const std::string& request_id, db::Deadline deadline) {
  return pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    tx.exec_prepared(kAudit, operator_id, action, db::UuidArray(targets), request_json, request_id);
    return absl::OkStatus();
  });
}

absl::StatusOr<int32_t> BillingStore::Consume(const std::string& user_id, const std::string& key,
                                              db::Deadline deadline) {
  int32_t left = 0;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    try {
      left = tx.exec_prepared(kConsume, user_id, key)[0][0].as<int32_t>();
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == "P0402") return errors::InsufficientCredits("no credits left");
      if (e.sqlstate() == "P0409") return errors::Conflict("idempotency key already used");
      throw;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return left;
}

absl::StatusOr<int32_t> BillingStore::RefundFailedAnalysis(const std::string& user_id, const std::string& analysis_id,
                                                           db::Deadline deadline) {
  int32_t left = 0;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    auto analysis = tx.exec_prepared(kAnalysisStatus, analysis_id, user_id);
    if (analysis.empty()) return errors::NotFound("analysis not found");
    if (analysis[0][0].as<std::string>() != "failed") {
      return errors::Conflict("only a failed analysis gives its credit back");
    }
    auto refunded = tx.exec_prepared(kRefund, user_id, "analysis:" + analysis_id);
    if (refunded[0][0].is_null()) return errors::NotFound("no credit was taken for this analysis");
    left = refunded[0][0].as<int32_t>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return left;
}

}  // namespace plinth::billing
