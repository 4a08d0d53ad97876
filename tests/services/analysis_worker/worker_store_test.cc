// The worker's SQL against a real PostgreSQL: claims are exclusive, every
// write of an attempt is fenced by its number, back-offs hold, expired
// attempts are reclaimed or failed, and the sweeper's queries find what was
// stranded or left unsettled.

#include "services/analysis_worker/worker_store.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "tests/support/pg.h"

namespace plinth::analysis {
namespace {

using std::chrono::seconds;

class WorkerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url_.empty());
    pool_ = testing::OpenPool(testing::AsRole(url_, "plinth_worker"), WorkerStore::Statements(), 8);
    admin_ = testing::OpenPool(url_, {}, 2);  // fixtures, as the superuser
    store_ = std::make_unique<WorkerStore>(pool_.get());
    user_ = testing::CreateUserWithProfile(url_);
  }

  // A queued analysis of a new resource.
  std::string NewAnalysis() {
    std::string resource = auth::NewUuid(), id = auth::NewUuid();
    Exec("insert into resources (id, user_id, title) values ('" + resource + "', '" + user_ + "', 't')");
    Exec("insert into analyses (id, resource_id, user_id, prompt) values ('" + id + "', '" + resource + "', '" + user_ +
         "', 'p')");
    return id;
  }
  void Exec(const std::string& sql) {
    ASSERT_TRUE(admin_
                    ->ServiceTx(db::NoDeadline(),
                                [&](pqxx::transaction_base& tx) {
                                  tx.exec(sql);
                                  return absl::OkStatus();
                                })
                    .ok());
  }
  std::string Query(const std::string& sql) {
    std::string out;
    EXPECT_TRUE(admin_
                    ->ServiceTx(db::NoDeadline(),
                                [&](pqxx::transaction_base& tx) {
                                  auto r = tx.exec(sql);
                                  out = r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
                                  return absl::OkStatus();
                                })
                    .ok());
    return out;
  }
  ClaimedJob MustClaim(const std::string& id) {
    auto c = store_->Claim(id, seconds(300), 4);
    EXPECT_TRUE(c.ok() && c->has_value());
    return c.ok() && c->has_value() ? **c : ClaimedJob{};
  }

  std::string url_, user_;
  std::unique_ptr<db::Pool> pool_, admin_;
  std::unique_ptr<WorkerStore> store_;
};

TEST_F(WorkerStoreTest, OneOfManyConcurrentClaimsWins) {
  const std::string id = NewAnalysis();
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto c = store_->Claim(id, seconds(300), 4);
      if (c.ok() && c->has_value()) ++won;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(Query("select status || ':' || attempts from analyses where id = '" + id + "'"), "running:1");
}

TEST_F(WorkerStoreTest, FinishedAnalysesAreNeverClaimedAgain) {
  const std::string id = NewAnalysis();
  ClaimedJob job = MustClaim(id);
  auto ok = store_->Succeed(job, {"text", "model-x", 12, 3, 7, 2});
  ASSERT_TRUE(ok.ok() && *ok);
  auto again = store_->Claim(id, seconds(0), 4);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(Query("select output || model || input_tokens || output_tokens || ':' || cache_read_input_tokens || "
                  "':' || cache_write_input_tokens from analyses where id = '" +
                  id + "'"),
            "textmodel-x123:7:2");
}

TEST_F(WorkerStoreTest, AStaleAttemptCannotWriteAfterItsJobWasReclaimed) {
  const std::string id = NewAnalysis();
  ClaimedJob first = MustClaim(id);
  // The limit passed (a limit of 0 s makes the attempt stale at once): another
  // worker reclaims it as attempt 2.
  auto second = store_->Claim(id, seconds(0), 4);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->attempt, 2);
  auto late = store_->Succeed(first, {"late", "m", 1, 1});
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(*late);
  auto fail_late = store_->Fail(first, "late failure");
  ASSERT_TRUE(fail_late.ok());
  EXPECT_FALSE(*fail_late);
  auto current = store_->Succeed(**second, {"current", "m", 1, 1});
  ASSERT_TRUE(current.ok() && *current);
  EXPECT_EQ(Query("select output from analyses where id = '" + id + "'"), "current");
}

TEST_F(WorkerStoreTest, RetryWaitsOutItsBackoff) {
  const std::string id = NewAnalysis();
  ClaimedJob job = MustClaim(id);
  auto r = store_->Retry(job, "HTTP 529", seconds(3600));
  ASSERT_TRUE(r.ok() && *r);
  EXPECT_EQ(Query("select status || ':' || error || ':' || (started_at is null) from analyses where id = '" + id + "'"),
            "queued:HTTP 529:true");
  auto early = store_->Claim(id, seconds(300), 4);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value()) << "claimed before the back-off was over";
  Exec("update analyses set retry_at = now() - interval '1 s' where id = '" + id + "'");
  EXPECT_EQ(MustClaim(id).attempt, 2);
}

TEST_F(WorkerStoreTest, AnExpiredLastAttemptFailsInsteadOfRunningAgain) {
  const std::string id = NewAnalysis();
  Exec(
      "update analyses set status = 'running', attempts = 4, started_at = now() - interval '10 minutes' "
      "where id = '" +
      id + "'");
  auto claim = store_->Claim(id, seconds(300), 4);
  ASSERT_TRUE(claim.ok());
  EXPECT_FALSE(claim->has_value());
  auto failed = store_->FailExpired(id, seconds(300), 4);
  ASSERT_TRUE(failed.ok() && failed->has_value());
  EXPECT_EQ((*failed)->status, "failed");
  EXPECT_EQ((*failed)->user_id, user_);
  EXPECT_EQ(Query("select error from analyses where id = '" + id + "'"), "the last attempt exceeded the 300 s limit");
  // Once only.
  auto again = store_->FailExpired(id, seconds(300), 4);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST_F(WorkerStoreTest, SweeperQueriesFindStrandedAndUnsettledAnalyses) {
  const std::string fresh = NewAnalysis(), old_queued = NewAnalysis(), stale_running = NewAnalysis(),
                    done = NewAnalysis();
  Exec("update analyses set created_at = now() - interval '5 minutes' where id = '" + old_queued + "'");
  Exec(
      "update analyses set status = 'running', attempts = 1, started_at = now() - interval '10 minutes' "
      "where id = '" +
      stale_running + "'");
  auto stranded = store_->Stranded(seconds(60), seconds(300), 100);
  ASSERT_TRUE(stranded.ok());
  EXPECT_EQ(std::set<std::string>(stranded->begin(), stranded->end()),
            (std::set<std::string>{old_queued, stale_running}));

  ClaimedJob job = MustClaim(done);
  ASSERT_TRUE(*store_->Fail(job, "HTTP 400"));
  Exec("update analyses set completed_at = now() - interval '5 minutes' where id = '" + done + "'");
  auto unsettled = store_->Unsettled(seconds(60), 100);
  ASSERT_TRUE(unsettled.ok());
  ASSERT_EQ(unsettled->size(), 1u);
  EXPECT_EQ((*unsettled)[0].id, done);
  EXPECT_EQ((*unsettled)[0].status, "failed");
  EXPECT_FALSE((*unsettled)[0].superseded);
  // Once the user started a newer analysis of the resource, settling the old
  // one must leave the resource's status alone.
  Exec("insert into analyses (id, resource_id, user_id, prompt) select '" + auth::NewUuid() +
       "', resource_id, user_id, 'again' from analyses where id = '" + done + "'");
  EXPECT_TRUE((*store_->Unsettled(seconds(60), 100))[0].superseded);
  ASSERT_TRUE(store_->Settle(done).ok());
  EXPECT_TRUE(store_->Unsettled(seconds(60), 100)->empty());
}

}  // namespace
}  // namespace plinth::analysis
