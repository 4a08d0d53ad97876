#ifndef PLINTH_SERVICES_ANALYSIS_WORKER_WORKER_STORE_H_
#define PLINTH_SERVICES_ANALYSIS_WORKER_WORKER_STORE_H_

// SQL of the LLM worker. The worker acts for no user in particular, so these
// run in service transactions; every statement names the analysis it means.
//
// The analysis row is the job's record. A claim moves it to `running` and
// bumps `attempts`; `attempts` is then the fencing token of that attempt:
// every later write of the attempt requires `status = 'running' and
// attempts = <its number>`, so a worker that outlived its limit (its job was
// reclaimed) can no longer change the row, and a row reaches a terminal state
// exactly once.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/db/pool.h"
#include "services/analysis_worker/provider.h"

namespace plinth::analysis {

struct ClaimedJob {
  std::string id, resource_id, user_id, prompt;
  int32_t attempt = 0;  // this attempt's number, 1-based
};

// A terminal analysis whose side effects are (or may not yet be) done.
struct TerminalJob {
  std::string id, resource_id, user_id, status;  // status: succeeded, failed or cancelled
  // A newer analysis of the resource exists: the resource's status is its
  // business now, only the refund is left to do.
  bool superseded = false;
};

class WorkerStore {
 public:
  explicit WorkerStore(db::Pool* pool);
  static std::vector<db::PreparedStatement> Statements();

  // Starts an attempt: a queued analysis whose back-off is over, or a running
  // one whose attempt outlived `limit` (its worker died) and that has
  // attempts left. nullopt: nothing to do now (finished, deleted, waiting,
  // or being worked on).
  absl::StatusOr<std::optional<ClaimedJob>> Claim(const std::string& id, std::chrono::seconds limit, int max_attempts);
  // A running analysis that outlived `limit` on its last attempt: failed.
  absl::StatusOr<std::optional<TerminalJob>> FailExpired(const std::string& id, std::chrono::seconds limit,
                                                         int max_attempts);
  // Records that the attempt's provider call starts now; false when the
  // analysis is no longer this attempt's (deleted meanwhile: do not call).
  // From here the analysis is charged whatever happens to it.
  absl::StatusOr<bool> MarkProviderCall(const ClaimedJob& job);
  // Of `ids`, those no longer running (deleted or finished).
  absl::StatusOr<std::vector<std::string>> NotRunning(const std::vector<std::string>& ids);
  // The attempt's outcomes; false when the attempt lost its fence.
  absl::StatusOr<bool> Succeed(const ClaimedJob& job, const Completion& completion);
  absl::StatusOr<bool> Retry(const ClaimedJob& job, const std::string& error, std::chrono::seconds delay);
  absl::StatusOr<bool> Fail(const ClaimedJob& job, const std::string& error);
  // The terminal state's side effects are done.
  absl::Status Settle(const std::string& id);

  // Analyses that should be in the queue but may not be: queued for longer
  // than `queued_for` past their due time (Redis was down at enqueue, or lost
  // its data), or running past `limit`.
  absl::StatusOr<std::vector<std::string>> Stranded(std::chrono::seconds queued_for, std::chrono::seconds limit,
                                                    int max);
  // Terminal for longer than `age` and not settled (a worker died between
  // the terminal write and its side effects).
  absl::StatusOr<std::vector<TerminalJob>> Unsettled(std::chrono::seconds age, int max);
  // Whether analyses of users other than `user_id` are queued and due.
  absl::StatusOr<bool> OthersWaiting(const std::string& user_id);
  // The analysis when it was cancelled and is not settled yet (its call was
  // just dropped: settle it now rather than at the next sweep).
  absl::StatusOr<std::optional<TerminalJob>> UnsettledCancel(const std::string& id);

 private:
  db::Pool* pool_;
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WORKER_WORKER_STORE_H_
