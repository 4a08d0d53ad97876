#include "services/analysis_worker/attempt.h"

#include <algorithm>
#include <cstdint>

namespace plinth::analysis {

std::chrono::seconds RetryDelay(int attempt, std::chrono::seconds retry_after, std::chrono::seconds cap) {
  std::chrono::seconds backoff(int64_t{1} << std::clamp(attempt, 0, 20));
  return std::min(std::max(backoff, retry_after), cap);
}

NextStep AfterAttempt(ProviderResult::Outcome outcome, int attempt, int max_attempts, std::chrono::seconds retry_after,
                      std::chrono::seconds job_limit) {
  using Outcome = ProviderResult::Outcome;
  NextStep next;
  switch (outcome) {
    case Outcome::kOk:
      next.kind = NextStep::Kind::kSucceed;
      break;
    case Outcome::kAborted:
      next.kind = NextStep::Kind::kDrop;
      break;
    case Outcome::kTransient:
      if (attempt < max_attempts) {
        next.kind = NextStep::Kind::kRetry;
        next.retry_in = RetryDelay(attempt, retry_after, job_limit);
      }
      break;
    case Outcome::kModelUnavailable:
      next.model_unusable = true;
      break;
    case Outcome::kPermanent:
      break;
  }
  return next;
}

}  // namespace plinth::analysis
