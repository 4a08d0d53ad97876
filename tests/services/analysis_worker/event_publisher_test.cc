// The analyses' live logs written through a real Redis: order, pieces of one
// attempt joined, the ended log's expiry, nothing kept when Redis is down.
#include "services/analysis_worker/event_publisher.h"

#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "services/analysis/events.h"
#include "tests/support/net.h"
#include "tests/support/redis.h"

namespace plinth::analysis {
namespace {

using std::chrono::milliseconds;

std::shared_ptr<redis::RedisClient> Client(const std::string& url) {
  auto options = redis::ParseUrl(url);
  EXPECT_TRUE(options.ok());
  options->timeout = milliseconds(2000);
  return std::make_shared<redis::RedisClient>(*options);
}

// Each entry's type and its one telling field.
std::vector<std::string> Log(redis::RedisClient& redis, const std::string& id) {
  auto entries = redis.Call({"XRANGE", events::KeyOf(id), "-", "+"});
  EXPECT_TRUE(entries.ok()) << entries.status();
  std::vector<std::string> out;
  for (const auto& entry : entries->elements) {
    std::map<std::string, std::string> f;
    const auto& kv = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < kv.size(); i += 2) f[kv[i].str] = kv[i + 1].str;
    out.push_back(f["type"] + ":" + (f["type"] == "delta" ? f["attempt"] + ":" + f["text"] : f["status"]));
  }
  return out;
}

TEST(EventPublisher, WritesInOrderJoiningAnAttemptsPieces) {
  auto redis = Client(testing::RedisUrl());
  const std::string id = auth::NewUuid();
  {
    EventPublisher events(redis, milliseconds(50));
    events.Running(id, 1);
    events.Delta(id, 1, "Once ");
    events.Delta(id, 1, "upon");
    events.Retrying(id, 1, "overloaded", std::chrono::seconds(2));
    events.Running(id, 2);
    events.Delta(id, 2, "A new ");
    events.Delta(id, 2, "text.");
    events.Done(id, "succeeded");
  }  // the destructor writes what is left
  EXPECT_EQ(Log(*redis, id), (std::vector<std::string>{"status:running", "delta:1:Once upon", "status:queued",
                                                       "status:running", "delta:2:A new text.", "done:succeeded"}));
  auto ttl = redis->Call({"TTL", events::KeyOf(id)});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, events::kKeepAfterEnd.count());
}

TEST(EventPublisher, ARunningAnalysisLogExpiresToo) {
  auto redis = Client(testing::RedisUrl());
  const std::string id = auth::NewUuid();
  {
    EventPublisher events(redis, milliseconds(10));
    events.Running(id, 1);
  }
  auto ttl = redis->Call({"TTL", events::KeyOf(id)});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, events::kKeepAfterEnd.count());
  EXPECT_LE(ttl->integer, events::kKeepWhileRunning.count());
}

TEST(EventPublisher, RedisDownDropsWithoutBlockingTheCaller) {
  // Nothing listens there.
  auto redis = Client("redis://127.0.0.1:" + std::to_string(testing::FreePort()) + "/0");
  EventPublisher events(redis, milliseconds(10));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) events.Delta("a", 1, "x");
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_EQ(events.written(), 0);
}

}  // namespace
}  // namespace plinth::analysis
