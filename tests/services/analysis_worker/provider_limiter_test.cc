// The shared provider budget against a real Redis: two limiters (two
// worker processes) draw from one bucket; what a call did not use comes
// back; a provider's 429 pauses everyone.

#include "services/analysis_worker/provider_limiter.h"

#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "tests/support/redis.h"

namespace plinth::analysis {
namespace {

using std::chrono::milliseconds;

class ProviderLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = redis::ParseUrl(testing::RedisUrl());
    ASSERT_TRUE(options.ok());
    options->timeout = milliseconds(2000);
    redis_ = std::make_shared<redis::RedisClient>(*options);
    scope_ = "test:" + auth::NewUuid();
  }
  std::shared_ptr<redis::RedisClient> redis_;
  std::string scope_;
};

TEST_F(ProviderLimiterTest, TwoWorkersShareOneRequestBudget) {
  ProviderLimits limits;
  limits.requests = 4;
  limits.window = std::chrono::seconds(60);  // refills 1 per 15 s: none during the test
  ProviderLimiter a(redis_, scope_, limits), b(redis_, scope_, limits);
  int taken = 0;
  for (int i = 0; i < 3; ++i) {
    for (ProviderLimiter* l : {&a, &b}) {
      auto wait = l->Acquire(0);
      ASSERT_TRUE(wait.ok());
      if (wait->count() == 0) ++taken;
    }
  }
  EXPECT_EQ(taken, 4);
  auto wait = a.Acquire(0);
  ASSERT_TRUE(wait.ok());
  EXPECT_GT(wait->count(), 10000);  // the next request refills in about 15 s
  EXPECT_LE(wait->count(), 15000);
}

TEST_F(ProviderLimiterTest, UnusedOutputComesBackAndInputIsCharged) {
  ProviderLimits limits;
  limits.output_tokens = 1000;
  limits.input_tokens = 1000;
  limits.window = std::chrono::seconds(3600);
  ProviderLimiter l(redis_, scope_, limits);
  ASSERT_EQ(l.Acquire(800)->count(), 0);      // reserves max_tokens
  EXPECT_GT(l.Acquire(800)->count(), 0);      // 200 left
  ASSERT_TRUE(l.Settle(900, 800, 100).ok());  // used 100 of 800; 900 input
  EXPECT_EQ(l.Acquire(800)->count(), 0);      // 900 output back
  // Input is charged after the fact: overdrawn, the next call waits.
  ASSERT_TRUE(l.Settle(200, 800, 800).ok());
  EXPECT_GT(l.Acquire(0)->count(), 0);
}

TEST_F(ProviderLimiterTest, AProviders429PausesEveryWorker) {
  ProviderLimits limits;
  limits.requests = 1000;
  ProviderLimiter a(redis_, scope_, limits), b(redis_, scope_, limits);
  ASSERT_TRUE(a.PauseFor(milliseconds(3000)).ok());
  auto wait = b.Acquire(0);
  ASSERT_TRUE(wait.ok());
  EXPECT_GT(wait->count(), 2000);
  EXPECT_LE(wait->count(), 3000);
}

}  // namespace
}  // namespace plinth::analysis
