// ProfileStore and the profiles table's RLS against a real PostgreSQL.

#include "services/profile/profile_store.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "libs/errors/errors.h"
#include "libs/auth/jwt.h"
#include "tests/support/pg.h"

namespace plinth::profile {
namespace {

class ProfileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string url = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url.empty());
    // What billing writes at start (FREE_TIER_CREDITS): accounts open with it.
    pqxx::connection owner(url);
    pqxx::nontransaction(owner).exec("update plinth_private.billing_settings set free_tier_credits = 25");
    pool_ = testing::OpenPool(testing::AsRole(url, "plinth_profile"), ProfileStore::Statements(), 4);
    store_ = std::make_unique<ProfileStore>(pool_.get());
  }
  auth::Claims User(const std::string& email = "a@example.com") {
    auth::Claims c;
    c.sub = auth::NewUuid();
    c.email = email;
    c.raw_json = testing::ClaimsJson(c.sub);
    return c;
  }
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<ProfileStore> store_;
};

// The profile and billing's account open together (migration 0012's trigger).
TEST_F(ProfileStoreTest, CreatesOnFirstSightWithFreeTierCredits) {
  auto user = User();
  auto p = store_->GetOrCreate(user, db::NoDeadline());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->id, user.sub);
  EXPECT_EQ(p->email, "a@example.com");
  EXPECT_EQ(p->subscription_status, "free");
  EXPECT_EQ(p->credits_remaining, 25);
  EXPECT_FALSE(p->full_name.has_value());
  auto again = store_->GetOrCreate(user, db::NoDeadline());
  EXPECT_EQ(again->created_at_us, p->created_at_us);
}

TEST_F(ProfileStoreTest, ConcurrentFirstRequestsCreateOneRow) {
  auto user = User();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { ok += store_->GetOrCreate(user, db::NoDeadline()).ok(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 4);
}

TEST_F(ProfileStoreTest, UpdateChangesOnlyNamedFields) {
  auto user = User();
  ProfileChanges c;
  c.full_name = {true, "Ada"};
  c.avatar_url = {true, "https://x.example/a.png"};
  ASSERT_TRUE(store_->Update(user, c, db::NoDeadline()).ok());
  ProfileChanges clear_avatar;
  clear_avatar.avatar_url = {true, std::nullopt};
  auto p = store_->Update(user, clear_avatar, db::NoDeadline());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->full_name, "Ada");
  EXPECT_FALSE(p->avatar_url.has_value());
  EXPECT_GE(p->updated_at_us, p->created_at_us);
}

// RLS alone, without the store's id filter, hides other users' rows and
// forbids the columns users must not write.
TEST_F(ProfileStoreTest, RowLevelSecurityIsolatesUsers) {
  auto a = User(), b = User();
  ASSERT_TRUE(store_->GetOrCreate(a, db::NoDeadline()).ok());
  ASSERT_TRUE(store_->GetOrCreate(b, db::NoDeadline()).ok());
  int visible = -1, updated = -1;
  ASSERT_TRUE(pool_
                  ->UserTx(a.raw_json, db::NoDeadline(),
                           [&](pqxx::transaction_base& tx) {
                             visible = tx.exec("select count(*) from profiles")[0][0].as<int>();
                             updated = tx.exec("update profiles set full_name = 'pwned'").affected_rows();
                             return absl::OkStatus();
                           })
                  .ok());
  EXPECT_EQ(visible, 1);
  EXPECT_EQ(updated, 1);  // only A's own row
  auto b_row = store_->GetOrCreate(b, db::NoDeadline());
  EXPECT_FALSE(b_row->full_name.has_value());

  for (const char* sql : {"update billing_accounts set credits_remaining = 1000000",
                          "update billing_accounts set subscription_tier = 'pro'",
                          "insert into billing_accounts (user_id) values (gen_random_uuid())",
                          "insert into profiles (id) values (gen_random_uuid())", "delete from profiles"}) {
    auto status = pool_->UserTx(a.raw_json, db::NoDeadline(), [&](pqxx::transaction_base& tx) {
      tx.exec(sql);
      return absl::OkStatus();
    });
    EXPECT_EQ(errors::ContractCode(status), "INTERNAL") << sql;  // permission denied
  }
  EXPECT_EQ(store_->GetOrCreate(a, db::NoDeadline())->credits_remaining, 25);
}

}  // namespace
}  // namespace plinth::profile
