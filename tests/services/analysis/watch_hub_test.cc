// The watch hub against a real Redis: entries after a watcher's position,
// in order, each once; watchers of one log at different positions; a new
// watcher is served without waiting out the block time; the check of
// quiet logs ends watchers of analyses that are over or gone.

#include "services/analysis/watch_hub.h"

#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "services/analysis/events.h"
#include "tests/support/redis.h"

namespace plinth::analysis {
namespace {

using std::chrono::milliseconds;

class Recorder : public WatchHub::Watcher {
 public:
  void OnEntries(const std::vector<LogEntry>& entries) override {
    absl::MutexLock lock(&mu_);
    for (const auto& e : entries) got_.push_back(e);
  }
  void OnClosing() override {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }
  // Waits until `n` entries arrived (or 5 s) and returns them.
  std::vector<LogEntry> Await(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&] { return got_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(5));
    return got_;
  }
  bool closing() {
    absl::MutexLock lock(&mu_);
    return closing_;
  }

 private:
  absl::Mutex mu_;
  std::vector<LogEntry> got_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
};

class WatchHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = redis::ParseUrl(testing::RedisUrl());
    ASSERT_TRUE(options.ok());
    options->timeout = milliseconds(5000);
    redis_ = std::make_shared<redis::RedisClient>(*options);
    id_ = auth::NewUuid();
  }
  void TearDown() override { (void)redis_->Call({"DEL", events::KeyOf(id_)}); }

  std::string Add(const std::string& type, const events::Fields& fields) {
    auto reply = redis_->Call(events::AddCommand(id_, type, fields));
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? reply->str : "";
  }
  std::unique_ptr<WatchHub> Hub(std::map<std::string, std::string> statuses = {},
                                std::chrono::seconds check = std::chrono::seconds(3600)) {
    WatchHub::Options options;
    options.block = milliseconds(30000);  // a new watcher must not wait for it
    options.check_every = check;
    return std::make_unique<WatchHub>(
        redis_, redis_,
        [statuses](const std::vector<std::string>&) -> absl::StatusOr<std::map<std::string, std::string>> {
          return statuses;
        },
        options);
  }

  std::shared_ptr<redis::RedisClient> redis_;
  std::string id_;
};

TEST_F(WatchHubTest, DeliversEntriesAfterEachWatchersPositionInOrderOnce) {
  const std::string first = Add("status", {{"status", "running"}, {"attempt", "1"}});
  const std::string second = Add("delta", {{"attempt", "1"}, {"text", "Hello"}});
  auto hub = Hub();
  Recorder from_start, after_first;
  const auto started = std::chrono::steady_clock::now();
  hub->Add(id_, "", &from_start);
  ASSERT_EQ(from_start.Await(2).size(), 2u);
  // Well within the 30 s block: the wake-up ended the read.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  hub->Add(id_, first, &after_first);
  auto got = after_first.Await(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, second);
  EXPECT_EQ(got[0].type, "delta");
  EXPECT_EQ(got[0].fields.at("text"), "Hello");

  const std::string third = Add("delta", {{"attempt", "1"}, {"text", " world"}});
  auto all = from_start.Await(3);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, first);
  EXPECT_EQ(all[1].id, second);
  EXPECT_EQ(all[2].id, third);
  ASSERT_EQ(after_first.Await(2).size(), 2u);
  EXPECT_EQ(after_first.Await(2)[1].id, third);

  hub->Remove(&from_start);
  Add("done", {{"status", "succeeded"}});
  EXPECT_EQ(after_first.Await(3).size(), 3u);
  EXPECT_EQ(from_start.Await(3).size(), 3u) << "a removed watcher got more";
  hub->Remove(&after_first);
  EXPECT_EQ(hub->watchers(), 0u);
}

TEST_F(WatchHubTest, TheCheckEndsWatchersOfAnalysesOverOrGone) {
  auto hub = Hub({{id_, "succeeded"}}, std::chrono::seconds(1));
  Recorder watcher;
  hub->Add(id_, "", &watcher);  // a log nobody writes
  auto got = watcher.Await(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, "done");
  EXPECT_EQ(got[0].id, "");
  hub->Remove(&watcher);
}

TEST_F(WatchHubTest, CloseTellsEveryWatcherToGo) {
  auto hub = Hub();
  Recorder before, after;
  hub->Add(id_, "", &before);
  hub->Close();
  EXPECT_TRUE(before.closing());
  hub->Add(id_, "", &after);
  EXPECT_TRUE(after.closing());
  hub->Remove(&before);
  hub->Remove(&after);
}

TEST(ParseEntryId, AcceptsRedisIdsOnly) {
  EXPECT_EQ(ParseEntryId("1733382000000-7"), (std::pair<uint64_t, uint64_t>{1733382000000, 7}));
  for (const char* bad : {"", "-", "1-", "-1", "1", "a-1", "1-1-1", "99999999999999999999999-0", "1 -2"}) {
    EXPECT_FALSE(ParseEntryId(bad)) << bad;
  }
}

}  // namespace
}  // namespace plinth::analysis
