// ResourceStore and the resources table's RLS against a real PostgreSQL.

#include "services/resource/resource_store.h"

#include <map>

#include <gtest/gtest.h>

#include "libs/errors/errors.h"
#include "libs/auth/jwt.h"
#include "libs/validation/rules.h"
#include "plinth/v1/resource.pb.h"
#include "tests/support/pg.h"

namespace plinth::resource {
namespace {

class ResourceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url_.empty());
    pool_ = testing::OpenPool(testing::AsRole(url_, "plinth_resource"), ResourceStore::Statements(), 2);
    admin_ = testing::OpenPool(url_, {}, 2);  // fixtures, as the superuser
    store_ = std::make_unique<ResourceStore>(pool_.get());
  }
  // A user with a profile row (as the profile service would have created it).
  auth::Claims User() {
    auth::Claims c;
    c.sub = testing::CreateUserWithProfile(url_);
    c.raw_json = testing::ClaimsJson(c.sub);
    return c;
  }
  std::string url_;
  std::unique_ptr<db::Pool> pool_, admin_;
  std::unique_ptr<ResourceStore> store_;
};

TEST_F(ResourceStoreTest, CreateWithoutProfileIsOwnerMissing) {
  auth::Claims stranger;
  stranger.sub = auth::NewUuid();
  stranger.raw_json = testing::ClaimsJson(stranger.sub);
  auto r = store_->Create(stranger, {"t", "", "{}"}, db::NoDeadline());
  EXPECT_TRUE(ResourceStore::IsOwnerMissing(r.status())) << r.status();
}

TEST_F(ResourceStoreTest, ListCountsAndPagesInOneQuery) {
  auto a = User();
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store_->Create(a, {"t" + std::to_string(i), "", "{}"}, db::NoDeadline()).ok());
  ListQuery q;
  q.limit = 2;
  q.page = 3;
  q.sort = "-created_at";
  auto page = store_->List(a, q, db::NoDeadline());
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].title, "t0");  // newest first: t4 t3 | t2 t1 | t0
  q.page = 4;
  page = store_->List(a, q, db::NoDeadline());
  EXPECT_EQ(page->total, 5);
  EXPECT_TRUE(page->rows.empty());
}

// The function of migration 0018 serves every sort the protos declare, in
// its order, and refuses any other.
TEST_F(ResourceStoreTest, ListServesEverySortTheProtosDeclare) {
  auto a = User();
  for (const char* title : {"b", "a", "c"}) ASSERT_TRUE(store_->Create(a, {title, "", "{}"}, db::NoDeadline()).ok());
  // "a" changes last.
  ASSERT_TRUE(admin_
                  ->ServiceTx(db::NoDeadline(),
                              [&](pqxx::transaction_base& tx) {
                                tx.exec_params(
                                    "update resources set updated_at = now() + interval '1 hour' "
                                    "where user_id = $1 and title = 'a'",
                                    a.sub);
                                return absl::OkStatus();
                              })
                  .ok());
  const std::map<std::string, std::string> expected = {
      {"created_at", "bac"},  {"-created_at", "cab"}, {"updated_at", "bca"},
      {"-updated_at", "acb"}, {"title", "abc"},       {"-title", "cba"},
  };
  const auto& declared = validation::RulesOf(*v1::ListResourcesRequest::descriptor()->FindFieldByName("sort")).one_of();
  ASSERT_EQ(static_cast<size_t>(declared.size()), expected.size());
  for (const auto& sort : declared) {
    ListQuery q;
    q.limit = 10;
    q.page = 1;
    q.sort = sort;
    auto page = store_->List(a, q, db::NoDeadline());
    ASSERT_TRUE(page.ok()) << sort << ": " << page.status();
    std::string order;
    for (const auto& row : page->rows) order += row.title;
    EXPECT_EQ(order, expected.at(sort)) << sort;
  }
  ListQuery bad;
  bad.limit = 10;
  bad.page = 1;
  bad.sort = "title; drop table resources";
  EXPECT_FALSE(store_->List(a, bad, db::NoDeadline()).ok());
}

// The list sets the claims and the role inside its one statement: the
// connection is the service's own again right after, and the function is
// the resource service's alone.
TEST_F(ResourceStoreTest, ListLeavesTheConnectionAsItFoundIt) {
  auto pool = testing::OpenPool(testing::AsRole(url_, "plinth_resource"), ResourceStore::Statements(), 1);
  ResourceStore store(pool.get());
  auto a = User();
  ASSERT_TRUE(store.Create(a, {"x", "", "{}"}, db::NoDeadline()).ok());
  ListQuery q;
  q.limit = 10;
  q.page = 1;
  q.sort = "-created_at";
  ASSERT_TRUE(store.List(a, q, db::NoDeadline()).ok());
  std::string role, claims;
  ASSERT_TRUE(pool->ReadStatement(
                      db::NoDeadline(),
                      [&](pqxx::transaction_base& tx) {
                        auto r =
                            tx.exec("select current_user, coalesce(current_setting('request.jwt.claims', true), '')");
                        role = r[0][0].as<std::string>();
                        claims = r[0][1].as<std::string>();
                        return absl::OkStatus();
                      })
                  .ok());
  EXPECT_EQ(role, "plinth_resource");
  EXPECT_EQ(claims, "");
  auto other = testing::OpenPool(testing::AsRole(url_, "plinth_profile"), {}, 1);
  auto refused = other->ReadStatement(db::NoDeadline(), [&](pqxx::transaction_base& tx) {
    tx.exec_params("select * from plinth_private.list_resources($1, 10, 0, null, '-created_at')", a.raw_json);
    return absl::OkStatus();
  });
  EXPECT_FALSE(refused.ok());
}

// With the store's user filters removed, RLS alone still hides and protects
// other users' rows.
TEST_F(ResourceStoreTest, RowLevelSecurityAloneIsolatesUsers) {
  auto a = User(), b = User();
  auto a_row = store_->Create(a, {"A's", "", "{}"}, db::NoDeadline());
  ASSERT_TRUE(a_row.ok());
  ASSERT_TRUE(store_->Create(b, {"B's", "", "{}"}, db::NoDeadline()).ok());
  int visible = -1, updated = -1, deleted = -1;
  ASSERT_TRUE(pool_
                  ->UserTx(b.raw_json, db::NoDeadline(),
                           [&](pqxx::transaction_base& tx) {
                             visible = tx.exec("select count(*) from resources")[0][0].as<int>();
                             updated = tx.exec_params("update resources set title = 'pwned' where id = $1", a_row->id)
                                           .affected_rows();
                             deleted = tx.exec_params("delete from resources where id = $1", a_row->id).affected_rows();
                             return absl::OkStatus();
                           })
                  .ok());
  EXPECT_EQ(visible, 1);
  EXPECT_EQ(updated, 0);
  EXPECT_EQ(deleted, 0);
  // Inserting a row owned by someone else violates the insert policy.
  auto forged = pool_->UserTx(b.raw_json, db::NoDeadline(), [&](pqxx::transaction_base& tx) {
    tx.exec_params("insert into resources (user_id, title) values ($1, 'x')", a.sub);
    return absl::OkStatus();
  });
  EXPECT_FALSE(forged.ok());
  auto still = store_->Get(a, a_row->id, db::NoDeadline());
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->title, "A's");
  // And through the store: B gets NOT_FOUND for A's id.
  EXPECT_EQ(errors::ContractCode(store_->Get(b, a_row->id, db::NoDeadline()).status()), "NOT_FOUND");
  EXPECT_EQ(errors::ContractCode(store_->Delete(b, a_row->id, db::NoDeadline())), "NOT_FOUND");
}

TEST_F(ResourceStoreTest, ConstraintsBackUpTheServiceLimits) {
  auto a = User();
  for (const char* sql : {"insert into resources (user_id, title) values (auth.uid(), '')",
                          "insert into resources (user_id, title, metadata) values (auth.uid(), 'x', '[1]')",
                          "insert into resources (user_id, title, status) values (auth.uid(), 'x', 'done')"}) {
    auto s = pool_->UserTx(a.raw_json, db::NoDeadline(), [&](pqxx::transaction_base& tx) {
      tx.exec(sql);
      return absl::OkStatus();
    });
    EXPECT_FALSE(s.ok()) << sql;
  }
}

TEST_F(ResourceStoreTest, DeletingTheProfileDeletesItsResources) {
  auto a = User();
  ASSERT_TRUE(store_->Create(a, {"x", "", "{}"}, db::NoDeadline()).ok());
  int left = -1;
  ASSERT_TRUE(
      admin_
          ->ServiceTx(db::NoDeadline(),
                      [&](pqxx::transaction_base& tx) {
                        tx.exec_params("delete from auth.users where id = $1", a.sub);
                        left =
                            tx.exec_params("select count(*) from resources where user_id = $1", a.sub)[0][0].as<int>();
                        return absl::OkStatus();
                      })
          .ok());
  EXPECT_EQ(left, 0);
}

}  // namespace
}  // namespace plinth::resource
