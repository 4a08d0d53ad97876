#ifndef PLINTH_SERVICES_ANALYSIS_WORKER_WORKER_H_
#define PLINTH_SERVICES_ANALYSIS_WORKER_WORKER_H_

// The analysis worker: runs analyses taken from the job queue, many at once.
//
// One fetcher thread reads the consumer group for as many entries as there
// are free slots (`concurrency` jobs in flight). A few executor threads run
// the short blocking steps of a job (database, gRPC, Redis); the provider
// call in between is asynchronous (Provider::CompleteAsync: libcurl's multi
// interface, one I/O thread for every call in flight), so a slot waiting on
// the model holds no thread. A maintenance thread moves due retries back
// onto the stream, reclaims entries of dead consumers, re-enqueues analyses
// Redis lost, and settles terminal analyses whose side effects were
// interrupted.
//
// A job: claim the row (running, attempts + 1) → mark the resource
// `processing` (which also returns its content) → call the provider within
// what is left of the limit → write the outcome under the attempt's fence →
// side effects (resource `completed`/`failed`, refund) → settled → ack.
// What an attempt's outcome leads to is attempt.h's AfterAttempt.

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/health_check_service_interface.h>

#include "plinth/v1/billing.grpc.pb.h"
#include "plinth/v1/resource.grpc.pb.h"
#include "services/analysis/job_queue.h"
#include "services/analysis_worker/event_publisher.h"
#include "services/analysis_worker/provider.h"
#include "services/analysis_worker/provider_limiter.h"
#include "services/analysis_worker/worker_store.h"

namespace plinth::analysis {

struct WorkerOptions {
  std::string consumer;   // unique per process (host name and pid)
  int concurrency = 512;  // ANALYSIS_WORKER_CONCURRENCY's default
  std::chrono::seconds job_limit{300};
  int max_attempts = 4;  // the first and 3 retries
  std::chrono::seconds sweep_interval{30};
  // A queued analysis not claimed this long after it was due is re-enqueued.
  std::chrono::seconds stranded_after{60};
  std::string service_token;
  std::chrono::milliseconds rpc_timeout{5000};
  // How often the provider is asked whether the configured model is usable.
  std::chrono::seconds model_check_interval{300};
  // The output tokens a call may use (LLM_MAX_TOKENS): what it takes from
  // the shared output budget until it answers.
  int64_t max_output_tokens = 4096;
  // The most slots one user's analyses hold while other users' wait, in
  // percent of `concurrency` (ANALYSIS_MAX_USER_SHARE_PERCENT); 100: no cap.
  int max_user_share_percent = 50;
};

class Worker {
 public:
  // `events` (may be null): where each analysis's live log is written.
  // `limiter` (may be null): the provider's limits shared by every worker.
  Worker(WorkerOptions options, WorkerStore* store, JobQueue* queue, Provider* provider,
         std::shared_ptr<v1::ResourceService::StubInterface> resources,
         std::shared_ptr<v1::BillingService::StubInterface> billing, EventPublisher* events = nullptr,
         ProviderLimiter* limiter = nullptr);
  ~Worker();

  // Checks the model once (see CheckModel), then starts the threads.
  void Start();
  // The health service to report the model's state on (NOT_SERVING while it
  // is unusable); optional.
  void SetHealth(grpc::HealthCheckServiceInterface* health, std::string service_name);
  // Stops taking work, hands entries not started back to the queue, and
  // waits up to `grace` for the jobs in progress. Returns how many were
  // still running (their entries are reclaimed after the limit).
  int Drain(std::chrono::seconds grace);

  // The analysis is gone (its resource deleted) while its provider call may
  // be in flight: drop the transfer. Called by the listener on the
  // database's notification, from any thread.
  void AbortCall(const std::string& analysis_id);
  // After the listener (re)connected: aborts the calls of analyses that
  // ended while notifications could have been missed.
  void AbortCallsOfGoneAnalyses();

 private:
  void FetchLoop();
  void ExecuteLoop();
  void MaintenanceLoop();
  // A provider call that has answered, waiting for an executor.
  struct Answered {
    JobEntry entry;
    ClaimedJob job;
    std::chrono::steady_clock::time_point started;
    ProviderResult result;
  };
  // Returns true when the job goes on asynchronously (its provider call is
  // in flight; FinishAttempt completes it), false when it is over.
  bool Process(const JobEntry& entry);
  bool StartAttempt(const JobEntry& entry, const ClaimedJob& job);
  // The outcome of an attempt recorded (under its fence), side effects.
  void RecordOutcome(const ClaimedJob& job, std::chrono::steady_clock::time_point started, ProviderResult result);
  // RecordOutcome on an executor once the provider answered, then the ack.
  void FinishAttempt(const JobEntry& entry, const ClaimedJob& job, std::chrono::steady_clock::time_point started,
                     ProviderResult result);
  void Sweep();
  // The shared provider budget for one call: true to go on; false when the
  // entry was put back to wait for it.
  bool TakeProviderBudget(const JobEntry& entry);
  // The entry's user holds its share of the slots while others' analyses
  // wait: the entry goes to the back of the queue (true).
  bool DeferForFairness(const JobEntry& entry);
  // Resource status and refund for a terminal analysis; true when all done.
  bool SettleSideEffects(const TerminalJob& job);
  absl::StatusOr<v1::Resource> SetResourceStatus(const std::string& user_id, const std::string& resource_id,
                                                 const std::string& status);
  int FreeSlots() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Straight back to the stream, unclaimed (for another worker, or later).
  void HandBack(const std::deque<JobEntry>& entries);
  // Asks the provider whether the model is usable. Unusable: no entry is read
  // (analyses stay queued, none fails for it), no stranded analysis is
  // re-enqueued, health NOT_SERVING, one error log naming LLM_MODEL. A
  // provider that cannot be asked leaves the last answer as it was.
  void CheckModel();
  void SetModelUsable(bool usable, const std::string& detail);
  // The health service's overall and named entries (health_mu_ held).
  void PublishHealthLocked(bool serving) ABSL_EXCLUSIVE_LOCKS_REQUIRED(health_mu_);

  WorkerOptions options_;
  WorkerStore* store_;
  JobQueue* queue_;
  Provider* provider_;
  std::shared_ptr<v1::ResourceService::StubInterface> resources_;
  std::shared_ptr<v1::BillingService::StubInterface> billing_;
  EventPublisher* events_;
  ProviderLimiter* limiter_;

  absl::Mutex mu_;
  absl::CondVar work_ready_;  // executors wait for entries
  absl::CondVar slot_free_;   // the fetcher waits for a free slot; Drain for idle
  std::deque<JobEntry> pending_ ABSL_GUARDED_BY(mu_);
  std::deque<Answered> answered_ ABSL_GUARDED_BY(mu_);  // executors take these first: they free slots
  // Provider calls about to start or in flight, by analysis id.
  std::map<std::string, std::shared_ptr<http::AbortSignal>> calls_ ABSL_GUARDED_BY(mu_);
  // Jobs taken and not over, provider calls in flight included; and by user
  // (the entries that name theirs).
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int> running_by_user_ ABSL_GUARDED_BY(mu_);
  // Whether other users' analyses wait, by user, asked at most once a second.
  std::map<std::string, std::pair<bool, std::chrono::steady_clock::time_point>> others_wait_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;  // Start and Drain only
  // -1 not checked yet, 0 unusable, 1 usable.
  std::atomic<int> model_state_{-1};
  bool ModelUsable() const { return model_state_ == 1; }
  absl::Mutex health_mu_;
  grpc::HealthCheckServiceInterface* health_ ABSL_GUARDED_BY(health_mu_) = nullptr;
  std::string health_service_ ABSL_GUARDED_BY(health_mu_);
};

// Executor threads for `concurrency` slots: the blocking steps of a job are
// short, so a few threads serve thousands of slots.
int ExecutorThreads(int concurrency);

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WORKER_WORKER_H_
