// The job queue against a real Redis: delivery through the consumer group,
// reclaiming a dead consumer's entries, the delay set, and recovery when
// Redis lost the stream and the group.

#include "services/analysis/job_queue.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "tests/support/redis.h"

namespace plinth::analysis {
namespace {

using std::chrono::milliseconds;

class JobQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = redis::ParseUrl(testing::RedisUrl());
    ASSERT_TRUE(options.ok());
    options->timeout = milliseconds(2000);
    redis_ = std::make_shared<redis::RedisClient>(*options);
    // The queue's keys are fixed; this test owns them for its run.
    ASSERT_TRUE(redis_->Call({"DEL", JobQueue::kStream, JobQueue::kDelayed}).ok());
    queue_ = std::make_unique<JobQueue>(redis_);
    ASSERT_TRUE(queue_->EnsureGroup().ok());
    ASSERT_TRUE(queue_->EnsureGroup().ok()) << "EnsureGroup must be idempotent";
  }
  void TearDown() override { (void)redis_->Call({"DEL", JobQueue::kStream, JobQueue::kDelayed}); }

  std::shared_ptr<redis::RedisClient> redis_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_F(JobQueueTest, EachEntryGoesToOneConsumerAndAckRemovesIt) {
  ASSERT_TRUE(queue_->Enqueue("a1").ok());
  ASSERT_TRUE(queue_->Enqueue("a2").ok());
  auto first = queue_->Read("c1", 1, milliseconds(100));
  auto second = queue_->Read("c2", 10, milliseconds(100));
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->size(), 1u);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*first)[0].analysis_id, "a1");
  EXPECT_EQ((*second)[0].analysis_id, "a2");
  auto none = queue_->Read("c3", 10, milliseconds(50));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(queue_->Ack((*first)[0].entry_id).ok());
  EXPECT_EQ(redis_->Call({"XLEN", JobQueue::kStream})->integer, 1);
}

// The operators' figures: each consumer's entries not yet acknowledged.
TEST_F(JobQueueTest, ConsumersShowWhatEachHoldsInFlight) {
  for (const char* id : {"b1", "b2", "b3"}) ASSERT_TRUE(queue_->Enqueue(id).ok());
  auto two = queue_->Read("w1", 2, milliseconds(100));
  auto one = queue_->Read("w2", 5, milliseconds(100));
  ASSERT_TRUE(two.ok() && one.ok());
  ASSERT_TRUE(queue_->Ack((*two)[0].entry_id).ok());
  auto consumers = queue_->Consumers();
  ASSERT_TRUE(consumers.ok()) << consumers.status();
  std::map<std::string, int64_t> in_flight;
  for (const auto& c : *consumers) {
    in_flight[c.name] = c.in_flight;
    EXPECT_LT(c.idle_ms, 60000) << c.name;
  }
  EXPECT_EQ(in_flight, (std::map<std::string, int64_t>{{"w1", 1}, {"w2", 1}}));
}

TEST_F(JobQueueTest, RateLimitedCallsAreCountedPerMinute) {
  const int64_t minute =
      std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto before = queue_->RateLimitedRecently(5);
  ASSERT_TRUE(before.ok()) << before.status();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(queue_->CountRateLimited().ok());
  auto after = queue_->RateLimitedRecently(5);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after - *before, 3);
  // The counts expire (the minute may have turned since `minute`).
  int64_t ttl = -2;
  for (int64_t m : {minute, minute + 1}) {
    auto t = redis_->Call({"TTL", std::string(JobQueue::kRateLimitedPrefix) + std::to_string(m)});
    ASSERT_TRUE(t.ok());
    ttl = std::max<int64_t>(ttl, t->integer);
  }
  EXPECT_GT(ttl, 0);
}

TEST_F(JobQueueTest, EntriesOfADeadConsumerAreReclaimedAfterTheLimit) {
  ASSERT_TRUE(queue_->Enqueue("orphan").ok());
  auto taken = queue_->Read("dead", 1, milliseconds(100));
  ASSERT_TRUE(taken.ok() && taken->size() == 1u);
  auto too_soon = queue_->Reclaim("alive", milliseconds(60000), 10);
  ASSERT_TRUE(too_soon.ok());
  EXPECT_TRUE(too_soon->empty());
  usleep(30000);
  auto reclaimed = queue_->Reclaim("alive", milliseconds(10), 10);
  ASSERT_TRUE(reclaimed.ok());
  ASSERT_EQ(reclaimed->size(), 1u);
  EXPECT_EQ((*reclaimed)[0].analysis_id, "orphan");
  EXPECT_EQ((*reclaimed)[0].entry_id, (*taken)[0].entry_id);
}

TEST_F(JobQueueTest, DelayedAnalysesComeBackOnceDue) {
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(queue_->Delay("later", now + std::chrono::hours(1)).ok());
  ASSERT_TRUE(queue_->Delay("due", now - std::chrono::seconds(1)).ok());
  auto moved = queue_->PromoteDue(100);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 1);
  EXPECT_EQ(*queue_->PromoteDue(100), 0) << "a due analysis is promoted once";
  auto entries = queue_->Read("c", 10, milliseconds(100));
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].analysis_id, "due");
  EXPECT_EQ(redis_->Call({"ZCARD", JobQueue::kDelayed})->integer, 1);
}

TEST_F(JobQueueTest, ReadRecreatesAGroupRedisLost) {
  ASSERT_TRUE(redis_->Call({"DEL", JobQueue::kStream}).ok());  // as after a restart without persistence
  auto empty = queue_->Read("c", 10, milliseconds(50));
  ASSERT_TRUE(empty.ok()) << empty.status();
  ASSERT_TRUE(queue_->Enqueue("after-loss").ok());
  auto entries = queue_->Read("c", 10, milliseconds(100));
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].analysis_id, "after-loss");
}

}  // namespace
}  // namespace plinth::analysis
