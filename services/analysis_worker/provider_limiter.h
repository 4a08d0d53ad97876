#ifndef PLINTH_SERVICES_ANALYSIS_WORKER_PROVIDER_LIMITER_H_
#define PLINTH_SERVICES_ANALYSIS_WORKER_PROVIDER_LIMITER_H_

// The provider's rate limits, shared by every worker process: one budget
// per provider and model in Redis (token buckets for requests, input tokens
// and output tokens per window, refilled continuously as Anthropic's are),
// so that all workers together stay under what the organisation may send,
// however many there are. Each process holding its own share (Celery's
// rate limits, per worker) overshoots as soon as it scales.
//
// A call takes one request and its output budget (max_tokens) before it
// starts; once answered, its real input tokens are taken and the output
// tokens it did not use are given back (as Anthropic estimates output at
// max_tokens, then adjusts). A bucket may so go below zero: later calls
// wait for it. When the provider answers 429 anyway (another client of the
// same organisation; a limit lower than configured), PauseFor stops every
// worker for the retry-after it gave.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <absl/status/statusor.h>

#include "libs/redis/redis_client.h"

namespace plinth::analysis {

struct ProviderLimits {
  // Per window; 0: no limit of that kind.
  int64_t requests = 0, input_tokens = 0, output_tokens = 0;
  std::chrono::seconds window{60};
  bool any() const { return requests > 0 || input_tokens > 0 || output_tokens > 0; }
};

class ProviderLimiter {
 public:
  // `scope`: the provider and model ("anthropic:claude-sonnet-5").
  ProviderLimiter(std::shared_ptr<redis::RedisClient> redis, const std::string& scope, ProviderLimits limits);

  // Takes one request and `output_tokens` from the shared budget: zero when
  // taken, else how long to wait before asking again (nothing taken).
  absl::StatusOr<std::chrono::milliseconds> Acquire(int64_t output_tokens);
  // After the call: its input tokens taken, the output not used given back.
  absl::Status Settle(int64_t input_tokens, int64_t reserved_output, int64_t used_output);
  // Every worker waits this long before its next call (the provider's 429).
  absl::Status PauseFor(std::chrono::milliseconds pause);

  const ProviderLimits& limits() const { return limits_; }

 private:
  std::shared_ptr<redis::RedisClient> redis_;
  std::string bucket_key_, pause_key_;
  ProviderLimits limits_;
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WORKER_PROVIDER_LIMITER_H_
