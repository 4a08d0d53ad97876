// The worker's state machine after an attempt (attempt.h), every outcome.
#include "services/analysis_worker/attempt.h"

#include <gtest/gtest.h>

namespace plinth::analysis {
namespace {

using Outcome = ProviderResult::Outcome;
using Kind = NextStep::Kind;
using std::chrono::seconds;

constexpr int kMaxAttempts = 4;
constexpr seconds kLimit{300};

TEST(AfterAttempt, SuccessAndAbortNeedNoRetry) {
  EXPECT_EQ(AfterAttempt(Outcome::kOk, 1, kMaxAttempts, seconds(0), kLimit).kind, Kind::kSucceed);
  EXPECT_EQ(AfterAttempt(Outcome::kOk, kMaxAttempts, kMaxAttempts, seconds(0), kLimit).kind, Kind::kSucceed);
  EXPECT_EQ(AfterAttempt(Outcome::kAborted, 1, kMaxAttempts, seconds(0), kLimit).kind, Kind::kDrop);
}

TEST(AfterAttempt, TransientFailuresRetryWhileAttemptsRemain) {
  for (int attempt = 1; attempt < kMaxAttempts; ++attempt) {
    NextStep next = AfterAttempt(Outcome::kTransient, attempt, kMaxAttempts, seconds(0), kLimit);
    EXPECT_EQ(next.kind, Kind::kRetry) << attempt;
    EXPECT_EQ(next.retry_in, seconds(1 << attempt)) << attempt;  // 2, 4, 8 s
    EXPECT_FALSE(next.model_unusable);
  }
  EXPECT_EQ(AfterAttempt(Outcome::kTransient, kMaxAttempts, kMaxAttempts, seconds(0), kLimit).kind, Kind::kFail);
}

TEST(AfterAttempt, PermanentFailuresAndAGoneModelFailAtOnce) {
  EXPECT_EQ(AfterAttempt(Outcome::kPermanent, 1, kMaxAttempts, seconds(0), kLimit).kind, Kind::kFail);
  NextStep gone = AfterAttempt(Outcome::kModelUnavailable, 1, kMaxAttempts, seconds(0), kLimit);
  EXPECT_EQ(gone.kind, Kind::kFail);
  EXPECT_TRUE(gone.model_unusable);
}

TEST(RetryDelay, TheProvidersRetryAfterWinsWhenLongerAndTheLimitCapsBoth) {
  EXPECT_EQ(RetryDelay(1, seconds(30), kLimit), seconds(30));
  EXPECT_EQ(RetryDelay(3, seconds(1), kLimit), seconds(8));
  EXPECT_EQ(RetryDelay(3, seconds(900), kLimit), kLimit);
  EXPECT_EQ(RetryDelay(60, seconds(0), kLimit), kLimit);  // no overflow
}

}  // namespace
}  // namespace plinth::analysis
