// Credits against a real PostgreSQL: atomic, never below zero, idempotent.

#include "services/billing/billing_store.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "libs/errors/errors.h"
#include "tests/support/pg.h"

namespace plinth::billing {
namespace {

constexpr int64_t kGrace = 7 * 86400;

class BillingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url_.empty());
    pool_ = testing::OpenPool(testing::AsRole(url_, "plinth_billing"), BillingStore::Statements(), 16);
    admin_ = testing::OpenPool(url_, {}, 2);  // fixtures, as the superuser
    store_ = std::make_unique<BillingStore>(pool_.get());
  }
  std::string UserWithCredits(int credits) { return testing::CreateUserWithProfile(url_, credits); }
  int Credits(const std::string& id) {
    int c = -1;
    admin_->ServiceTx(db::NoDeadline(), [&](pqxx::transaction_base& tx) {
      c = tx.exec_params("select credits_remaining from billing_accounts where user_id = $1", id)[0][0].as<int>();
      return absl::OkStatus();
    });
    return c;
  }
  // A queued analysis of a new resource of `user`.
  std::string Analysis(const std::string& user) {
    std::string id;
    EXPECT_TRUE(admin_
                    ->ServiceTx(db::NoDeadline(),
                                [&](pqxx::transaction_base& tx) {
                                  auto resource = tx.exec_params(
                                                        "insert into resources (user_id, title) values ($1, 'T') "
                                                        "returning id",
                                                        user)[0][0]
                                                      .as<std::string>();
                                  id = tx.exec_params(
                                             "insert into analyses (id, resource_id, user_id, prompt) "
                                             "values (gen_random_uuid(), $1, $2, 'p') returning id",
                                             resource, user)[0][0]
                                           .as<std::string>();
                                  return absl::OkStatus();
                                })
                    .ok());
    return id;
  }
  void SetStatus(const std::string& analysis, const std::string& status) {
    ASSERT_TRUE(admin_
                    ->ServiceTx(db::NoDeadline(),
                                [&](pqxx::transaction_base& tx) {
                                  tx.exec_params("update analyses set status = $2 where id = $1", analysis, status);
                                  return absl::OkStatus();
                                })
                    .ok());
  }
  std::string url_;
  std::unique_ptr<db::Pool> pool_, admin_;
  std::unique_ptr<BillingStore> store_;
};

TEST_F(BillingStoreTest, FiftyParallelConsumesOnTenCreditsExactlyTenSucceed) {
  std::string user = UserWithCredits(10);
  std::atomic<int> ok{0}, insufficient{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      auto r = store_->Consume(user, "analysis-" + std::to_string(i), db::NoDeadline());
      if (r.ok()) {
        ++ok;
      } else if (errors::ContractCode(r.status()) == "INSUFFICIENT_CREDITS") {
        ++insufficient;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 10);
  EXPECT_EQ(insufficient, 40);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(Credits(user), 0);
}

TEST_F(BillingStoreTest, ConsumeIsIdempotentByKeyAndOnlyAFailedAnalysisIsRefundedOnce) {
  std::string user = UserWithCredits(3);
  std::string analysis = Analysis(user);
  const std::string key = "analysis:" + analysis;
  EXPECT_EQ(*store_->Consume(user, key, db::NoDeadline()), 2);
  EXPECT_EQ(*store_->Consume(user, key, db::NoDeadline()), 2);  // same key: no second credit
  // Queued, then succeeded: nothing to give back.
  EXPECT_EQ(errors::ContractCode(store_->RefundFailedAnalysis(user, analysis, db::NoDeadline()).status()), "CONFLICT");
  SetStatus(analysis, "succeeded");
  EXPECT_EQ(errors::ContractCode(store_->RefundFailedAnalysis(user, analysis, db::NoDeadline()).status()), "CONFLICT");
  EXPECT_EQ(Credits(user), 2);
  SetStatus(analysis, "failed");
  EXPECT_EQ(*store_->RefundFailedAnalysis(user, analysis, db::NoDeadline()), 3);
  EXPECT_EQ(*store_->RefundFailedAnalysis(user, analysis, db::NoDeadline()), 3);  // refunded once
  // A failed analysis that never took a credit gives nothing.
  std::string free_ride = Analysis(user);
  SetStatus(free_ride, "failed");
  EXPECT_EQ(errors::ContractCode(store_->RefundFailedAnalysis(user, free_ride, db::NoDeadline()).status()),
            "NOT_FOUND");
  // Another user can neither use someone else's key nor refund their analysis.
  std::string other = UserWithCredits(5);
  EXPECT_EQ(errors::ContractCode(store_->Consume(other, key, db::NoDeadline()).status()), "CONFLICT");
  EXPECT_EQ(errors::ContractCode(store_->RefundFailedAnalysis(other, analysis, db::NoDeadline()).status()),
            "NOT_FOUND");
  EXPECT_EQ(Credits(other), 5);
  EXPECT_EQ(Credits(user), 3);
}

TEST_F(BillingStoreTest, DeletingAResourceRefundsItsUnfinishedAnalysesOnce) {
  std::string user = UserWithCredits(6);
  std::string queued = Analysis(user), running = Analysis(user), calling = Analysis(user), succeeded = Analysis(user),
              failed = Analysis(user);
  for (const auto& a : {queued, running, calling, succeeded, failed}) {
    ASSERT_TRUE(store_->Consume(user, "analysis:" + a, db::NoDeadline()).ok());
  }
  SetStatus(running, "running");
  SetStatus(calling, "running");
  ASSERT_TRUE(admin_
                  ->ServiceTx(db::NoDeadline(),
                              [&](pqxx::transaction_base& tx) {
                                tx.exec_params("update analyses set provider_called_at = now() where id = $1", calling);
                                return absl::OkStatus();
                              })
                  .ok());
  SetStatus(succeeded, "succeeded");
  SetStatus(failed, "failed");
  ASSERT_TRUE(store_->RefundFailedAnalysis(user, failed, db::NoDeadline()).ok());  // the worker's refund
  EXPECT_EQ(Credits(user), 2);
  // The user deletes the resources, as the resource service does.
  ASSERT_TRUE(admin_
                  ->UserTx(testing::ClaimsJson(user), db::NoDeadline(),
                           [&](pqxx::transaction_base& tx) {
                             tx.exec_params("delete from resources where user_id = $1", user);
                             return absl::OkStatus();
                           })
                  .ok());
  // Queued and running-but-not-calling come back; the one whose provider
  // call had started is spent (migration 0009), as is succeeded; failed was
  // refunded already.
  EXPECT_EQ(Credits(user), 4);
}

TEST_F(BillingStoreTest, InsufficientCreditsLeavesNoLedgerEntry) {
  std::string user = UserWithCredits(0);
  EXPECT_EQ(errors::ContractCode(store_->Consume(user, "k", db::NoDeadline()).status()), "INSUFFICIENT_CREDITS");
  // A later grant makes the same key usable: the failed attempt recorded nothing.
  admin_->ServiceTx(db::NoDeadline(), [&](pqxx::transaction_base& tx) {
    tx.exec_params("update billing_accounts set credits_remaining = 1 where user_id = $1", user);
    return absl::OkStatus();
  });
  EXPECT_EQ(*store_->Consume(user, "k", db::NoDeadline()), 0);
}

TEST_F(BillingStoreTest, InvoiceGrantsOncePerInvoice) {
  std::string user = UserWithCredits(10);
  for (int i = 0; i < 3; ++i) {
    BillingEvent e;
    e.id = "evt_" + std::to_string(i);  // distinct events for one invoice (e.g. resent)
    e.type = "invoice.paid";
    e.created = 1800000000 + i;
    e.user_id = user;
    e.invoice = "in_same";
    e.credits = 100;
    ASSERT_TRUE(store_->Apply(e, std::nullopt, kGrace, db::NoDeadline()).ok());
  }
  EXPECT_EQ(Credits(user), 110);
}

TEST_F(BillingStoreTest, ACreditPackGrantsOncePerSession) {
  std::string user = UserWithCredits(10);
  for (int i = 0; i < 3; ++i) {
    BillingEvent e;
    e.id = "evt_pack_" + std::to_string(i);  // completed, then async_payment_succeeded, then a resend
    e.type = i == 1 ? "checkout.session.async_payment_succeeded" : "checkout.session.completed";
    e.created = 1800000000 + i;
    e.user_id = user;
    e.checkout_session = "cs_pack";
    e.pack_credits = 50;
    auto r = store_->Apply(e, std::nullopt, kGrace, db::NoDeadline());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->credits_granted, i == 0 ? 50 : 0);
  }
  EXPECT_EQ(Credits(user), 60);
}

SubscriptionTruth Truth(const std::string& user, const std::string& status, const std::string& tier, double at) {
  return {{"sub_t_" + user.substr(0, 8), "cus_t_" + user.substr(0, 8), user, status, tier, 1900000000, false, 1}, at};
}

BillingEvent SubscriptionEvent(const std::string& user, int n) {
  BillingEvent e;
  e.id = "evt_sub_" + user.substr(0, 8) + "_" + std::to_string(n);
  e.type = "customer.subscription.updated";
  e.created = 1800000000 + n;
  e.user_id = user;
  e.subscription = "sub_t_" + user.substr(0, 8);
  return e;
}

// past_due keeps the tier for the grace period, then the free tier; paying
// brings it back.
TEST_F(BillingStoreTest, PastDueKeepsTheTierForTheGracePeriod) {
  std::string user = UserWithCredits(10);
  auto tier = [&] {
    std::string t;
    admin_->ServiceTx(db::NoDeadline(), [&](pqxx::transaction_base& tx) {
      t = tx.exec_params("select subscription_tier from billing_accounts where user_id = $1", user)[0][0]
              .as<std::string>();
      return absl::OkStatus();
    });
    return t;
  };
  ASSERT_TRUE(
      store_->Apply(SubscriptionEvent(user, 1), Truth(user, "active", "pro", 1), kGrace, db::NoDeadline()).ok());
  ASSERT_TRUE(
      store_->Apply(SubscriptionEvent(user, 2), Truth(user, "past_due", "pro", 2), kGrace, db::NoDeadline()).ok());
  EXPECT_EQ(tier(), "pro");
  EXPECT_EQ(*store_->ExpireGrace(kGrace, db::NoDeadline()), 0);
  // The grace period over (as if past_due since two weeks).
  admin_->ServiceTx(db::NoDeadline(), [&](pqxx::transaction_base& tx) {
    tx.exec_params("update billing_accounts set past_due_since = now() - interval '14 days' where user_id = $1", user);
    return absl::OkStatus();
  });
  EXPECT_GE(*store_->ExpireGrace(kGrace, db::NoDeadline()), 1);
  EXPECT_EQ(tier(), "free");
  // Another past_due event does not give the tier back...
  ASSERT_TRUE(
      store_->Apply(SubscriptionEvent(user, 3), Truth(user, "past_due", "pro", 3), kGrace, db::NoDeadline()).ok());
  EXPECT_EQ(tier(), "free");
  // ...paying does.
  ASSERT_TRUE(
      store_->Apply(SubscriptionEvent(user, 4), Truth(user, "active", "pro", 4), kGrace, db::NoDeadline()).ok());
  EXPECT_EQ(tier(), "pro");
}

}  // namespace
}  // namespace plinth::billing
