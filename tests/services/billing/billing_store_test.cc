// Credits against a real PostgreSQL: atomic, never below zero, idempotent.

#include "services/billing/billing_store.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "libs/errors/errors.h"
#include "tests/support/pg.h"

namespace plinth::billing {
namespace {

class BillingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url_.empty());
    pool_ = testing::OpenPool(url_, BillingStore::Statements(), 16);
    store_ = std::make_unique<BillingStore>(pool_.get());
  }
  std::string UserWithCredits(int credits) { return testing::CreateUserWithProfile(url_, credits); }
  int Credits(const std::string& id) {
    int c = -1;
    pool_->ServiceTx(db::NoDeadline(), [&](pqxx::transaction_base& tx) {
      c = tx.exec_params("select credits_remaining from profiles where id = $1", id)[0][0].as<int>();
      return absl::OkStatus();
    });
    return c;
  }
  std::string url_;
  std::unique_ptr<db::Pool> pool_;
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

TEST_F(BillingStoreTest, ConsumeAndRefundAreIdempotentByKey) {
  std::string user = UserWithCredits(3);
  EXPECT_EQ(*store_->Consume(user, "k1", db::NoDeadline()), 2);
  EXPECT_EQ(*store_->Consume(user, "k1", db::NoDeadline()), 2);  // same key: no second credit
  EXPECT_EQ(*store_->Refund(user, "k1", db::NoDeadline()), 3);
  EXPECT_EQ(*store_->Refund(user, "k1", db::NoDeadline()), 3);  // refunded once
  EXPECT_EQ(errors::ContractCode(store_->Refund(user, "never-taken", db::NoDeadline()).status()), "NOT_FOUND");
  // Another user cannot use (or refund) someone else's key.
  std::string other = UserWithCredits(5);
  EXPECT_EQ(errors::ContractCode(store_->Consume(other, "k1", db::NoDeadline()).status()), "CONFLICT");
  EXPECT_EQ(errors::ContractCode(store_->Refund(other, "k1", db::NoDeadline()).status()), "NOT_FOUND");
  EXPECT_EQ(Credits(other), 5);
}

TEST_F(BillingStoreTest, InsufficientCreditsLeavesNoLedgerEntry) {
  std::string user = UserWithCredits(0);
  EXPECT_EQ(errors::ContractCode(store_->Consume(user, "k", db::NoDeadline()).status()), "INSUFFICIENT_CREDITS");
  // A later grant makes the same key usable: the failed attempt recorded nothing.
  pool_->ServiceTx(db::NoDeadline(), [&](pqxx::transaction_base& tx) {
    tx.exec_params("update profiles set credits_remaining = 1 where id = $1", user);
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
    ASSERT_TRUE(store_->Apply(e, db::NoDeadline()).ok());
  }
  EXPECT_EQ(Credits(user), 110);
}

}  // namespace
}  // namespace plinth::billing
