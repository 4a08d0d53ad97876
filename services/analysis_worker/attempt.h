#ifndef PLINTH_SERVICES_ANALYSIS_WORKER_ATTEMPT_H_
#define PLINTH_SERVICES_ANALYSIS_WORKER_ATTEMPT_H_

// What becomes of an analysis after one attempt's provider call: the
// worker's state machine as a function of the call's outcome and the
// attempt (Worker::RecordOutcome carries it out; tests/services/
// analysis_worker/attempt_test.cc pins it).
//
//   kOk                         → succeeded (resource completed)
//   kAborted                    → nothing to record: a deletion or a cancel
//                                 aborted it (and wrote the outcome)
//   kTransient, attempts left   → queued again after RetryDelay
//   kTransient, last attempt    → failed, refunded
//   kPermanent                  → failed, refunded
//   kModelUnavailable           → failed, refunded; the worker stops taking
//                                 work until the model check finds the model

#include <chrono>

#include "services/analysis_worker/provider.h"

namespace plinth::analysis {

struct NextStep {
  enum class Kind { kSucceed, kDrop, kRetry, kFail };
  Kind kind = Kind::kFail;
  std::chrono::seconds retry_in{0};  // kRetry
  bool model_unusable = false;
};

// 2^attempt s, or the provider's retry-after when longer; never more than
// `cap` (the job's limit).
std::chrono::seconds RetryDelay(int attempt, std::chrono::seconds retry_after, std::chrono::seconds cap);

// `attempt` counts from 1; `max_attempts` includes the first.
NextStep AfterAttempt(ProviderResult::Outcome outcome, int attempt, int max_attempts, std::chrono::seconds retry_after,
                      std::chrono::seconds job_limit);

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WORKER_ATTEMPT_H_
