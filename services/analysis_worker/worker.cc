#include "services/analysis_worker/worker.h"

#include "services/analysis_worker/attempt.h"

#include <algorithm>
#include <map>
#include <optional>

#include <absl/strings/str_cat.h>

#include "libs/validation/text.h"
#include "libs/auth/jwt.h"
#include "libs/errors/errors.h"
#include "libs/grpc_server/call.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"

namespace plinth::analysis {
namespace {

using Clock = std::chrono::system_clock;
using Outcome = ProviderResult::Outcome;

constexpr std::chrono::milliseconds kReadBlock{1000};
constexpr std::chrono::milliseconds kPromoteEvery{250};
constexpr std::chrono::seconds kReclaimEvery{5};
constexpr std::chrono::seconds kInfraRetry{5};

// One warning per kind per 30 s, so a dead Redis does not flood the log.
void WarnThrottled(const char* what, const absl::Status& s) {
  static absl::Mutex mu;
  static std::map<std::string, Clock::time_point> last ABSL_GUARDED_BY(mu);
  absl::MutexLock lock(&mu);
  auto now = Clock::now();
  auto& t = last[what];
  if (now - t < std::chrono::seconds(30)) return;
  t = now;
  logging::Warn(what, {{"error", std::string(s.message())}});
}

// PostgreSQL text cannot hold NUL; providers' JSON can.
std::string WithoutNul(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '\0'), s.end());
  return s;
}

// An attempt that failed before the provider was called, to be retried.
ProviderResult TransientFailure(std::string error) {
  ProviderResult result;
  result.outcome = Outcome::kTransient;
  result.error = std::move(error);
  return result;
}

// The job's log lines, its calls to the services and the provider carry the
// trace of the request that created it.
void UseTraceOf(const JobEntry& entry) {
  logging::RequestContext::SetTraceParent(logging::ValidTraceParent(entry.traceparent) ? entry.traceparent : "");
}

}  // namespace

int ExecutorThreads(int concurrency) { return std::clamp(concurrency, 1, 32); }

Worker::Worker(WorkerOptions options, WorkerStore* store, JobQueue* queue, Provider* provider,
               std::shared_ptr<v1::ResourceService::StubInterface> resources,
               std::shared_ptr<v1::BillingService::StubInterface> billing, EventPublisher* events,
               ProviderLimiter* limiter)
    : options_(std::move(options)),
      store_(store),
      queue_(queue),
      provider_(provider),
      resources_(std::move(resources)),
      billing_(std::move(billing)),
      limiter_(limiter),
      events_(events) {}

Worker::~Worker() {
  for (auto& t : threads_) {
    if (t.joinable()) t.detach();
  }
}

namespace {

// plinth_analyses_total{outcome}: succeeded, failed, retried,
// model_unavailable, and for analyses deleted while they ran:
// deleted_before_call (not called, refunded), aborted (call dropped,
// charged), answer_dropped (answered before the abort, charged).
void CountOutcome(const char* outcome) {
  static auto& family = metrics::CounterFamily("plinth_analyses_total", "Analysis attempts, by outcome.");
  family.Add({{"outcome", outcome}}).Increment();
}

// plinth_llm_throttled_total{reason}: calls that waited for the shared
// provider budget (limiter), for other users' turn (fair_share), and the
// provider's own 429s (provider_429): the last should stay at zero when the
// limits are right.
prometheus::Gauge& QueueDepthGauge() {
  static auto& depth =
      metrics::GaugeFamily("plinth_analysis_queue_depth", "Analyses on the job queue or waiting out a back-off.")
          .Add({});
  return depth;
}

void CountThrottled(const char* reason) {
  static auto& family = metrics::CounterFamily(
      "plinth_llm_throttled_total", "Provider calls held back: by the shared limiter, or refused 429 by the provider.");
  family.Add({{"reason", reason}}).Increment();
}

// Every answer's tokens, whether or not its analysis still exists.
void CountTokens(const Completion& c) {
  static auto& tokens =
      metrics::CounterFamily("plinth_llm_tokens_total", "Tokens of provider answers, by direction and model.");
  tokens.Add({{"direction", "input"}, {"model", c.model}}).Increment(c.input_tokens);
  tokens.Add({{"direction", "output"}, {"model", c.model}}).Increment(c.output_tokens);
  // The prompt cache's share of the input (Anthropic bills them apart).
  if (c.cache_read_input_tokens > 0) {
    tokens.Add({{"direction", "cache_read"}, {"model", c.model}}).Increment(c.cache_read_input_tokens);
  }
  if (c.cache_write_input_tokens > 0) {
    tokens.Add({{"direction", "cache_write"}, {"model", c.model}}).Increment(c.cache_write_input_tokens);
  }
}

}  // namespace

void Worker::SetHealth(grpc::HealthCheckServiceInterface* health, std::string service_name) {
  absl::MutexLock lock(&health_mu_);
  health_ = health;
  health_service_ = std::move(service_name);
  PublishHealthLocked(ModelUsable());
}

void Worker::PublishHealthLocked(bool serving) {
  if (health_ == nullptr) return;
  health_->SetServingStatus(health_service_, serving);
  health_->SetServingStatus("", serving);
}

void Worker::SetModelUsable(bool usable, const std::string& detail) {
  const int was = model_state_.exchange(usable ? 1 : 0);
  if (usable && was != 1) {
    logging::Info("model usable: taking work", {{"model_check", detail.empty() ? "ok" : detail}});
    absl::MutexLock lock(&mu_);
    slot_free_.SignalAll();
  } else if (!usable && was != 0) {
    logging::Error(
        "the configured model is unusable (LLM_MODEL): no analyses are taken until it is; "
        "queued ones wait",
        {{"detail", detail}});
  }
  absl::MutexLock lock(&health_mu_);
  PublishHealthLocked(usable);
}

void Worker::CheckModel() {
  ModelCheck check = provider_->CheckModel(std::chrono::seconds(10));
  switch (check.state) {
    case ModelCheck::State::kUsable:
      SetModelUsable(true, "");
      break;
    case ModelCheck::State::kUnusable:
      SetModelUsable(false, check.detail);
      break;
    case ModelCheck::State::kUnknown:
      WarnThrottled("model check failed; keeping the last answer", absl::UnavailableError(check.detail));
      // No answer yet (the provider unreachable at start): work, and let
      // each analysis's own outcome tell.
      if (model_state_ == -1) SetModelUsable(true, "not checked: " + check.detail);
      break;
  }
}

void Worker::Start() {
  if (auto s = queue_->EnsureGroup(); !s.ok()) WarnThrottled("job queue unavailable", s);
  // Exposed from the start (the maintenance thread keeps it current).
  if (auto d = queue_->Depth(); d.ok()) QueueDepthGauge().Set(static_cast<double>(*d));
  CheckModel();
  threads_.emplace_back([this] { FetchLoop(); });
  threads_.emplace_back([this] { MaintenanceLoop(); });
  const int executors = ExecutorThreads(options_.concurrency);
  for (int i = 0; i < executors; ++i) threads_.emplace_back([this] { ExecuteLoop(); });
  logging::Info("worker started", {{"consumer", options_.consumer},
                                   {"concurrency", std::to_string(options_.concurrency)},
                                   {"executor_threads", std::to_string(executors)},
                                   {"job_limit_s", std::to_string(options_.job_limit.count())}});
}

int Worker::FreeSlots() { return options_.concurrency - running_ - static_cast<int>(pending_.size()); }

void Worker::FetchLoop() {
  while (true) {
    int free = 0;
    {
      absl::MutexLock lock(&mu_);
      const absl::Time until = absl::Now() + absl::FromChrono(kReadBlock);
      while (!(stopping_ || (FreeSlots() > 0 && ModelUsable()))) {
        if (slot_free_.WaitWithDeadline(&mu_, until)) break;
      }
      if (stopping_) return;
      free = ModelUsable() ? FreeSlots() : 0;
    }
    if (free <= 0) continue;
    auto entries = queue_->Read(options_.consumer, free, kReadBlock);
    if (!entries.ok()) {
      WarnThrottled("job queue read failed", entries.status());
      absl::MutexLock lock(&mu_);
      const absl::Time until = absl::Now() + absl::Seconds(1);
      while (!stopping_ && !slot_free_.WaitWithDeadline(&mu_, until)) {
      }
      continue;
    }
    if (entries->empty()) continue;
    absl::MutexLock lock(&mu_);
    for (auto& e : *entries) pending_.push_back(std::move(e));
    work_ready_.SignalAll();
  }
}

void Worker::ExecuteLoop() {
  while (true) {
    std::optional<Answered> answered;
    JobEntry entry;
    {
      absl::MutexLock lock(&mu_);
      // Answered calls first, also while draining: the drain waits for them.
      while (!(!answered_.empty() || (stopping_ ? running_ == 0 : !pending_.empty()))) work_ready_.Wait(&mu_);
      if (!answered_.empty()) {
        answered.emplace(std::move(answered_.front()));
        answered_.pop_front();
      } else if (stopping_) {
        return;
      } else {
        entry = std::move(pending_.front());
        pending_.pop_front();
        ++running_;
        if (!entry.user_id.empty()) ++running_by_user_[entry.user_id];
      }
    }
    if (answered) {
      FinishAttempt(answered->entry, answered->job, answered->started, std::move(answered->result));
    } else if (Process(entry)) {
      continue;  // its provider call is in flight; its answer frees the slot
    }
    absl::MutexLock lock(&mu_);
    --running_;
    const std::string& user = answered ? answered->entry.user_id : entry.user_id;
    if (auto it = running_by_user_.find(user); !user.empty() && it != running_by_user_.end() && --it->second <= 0) {
      running_by_user_.erase(it);
    }
    slot_free_.SignalAll();
    if (stopping_ && running_ == 0) work_ready_.SignalAll();
  }
}

void Worker::MaintenanceLoop() {
  auto next_reclaim = Clock::now() + kReclaimEvery;
  auto next_sweep = Clock::now() + std::chrono::seconds(1);
  auto next_model_check = Clock::now() + options_.model_check_interval;
  auto next_depth = Clock::now();
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const absl::Time until = absl::Now() + absl::FromChrono(kPromoteEvery);
      while (!stopping_ && !slot_free_.WaitWithDeadline(&mu_, until)) {
      }
      if (stopping_) return;
    }
    if (auto moved = queue_->PromoteDue(500); !moved.ok()) WarnThrottled("retry promotion failed", moved.status());
    const auto now = Clock::now();
    if (now >= next_depth) {
      next_depth = now + std::chrono::seconds(5);
      if (auto d = queue_->Depth(); d.ok()) QueueDepthGauge().Set(static_cast<double>(*d));
    }
    if (now >= next_model_check) {
      CheckModel();
      // While unusable, look again soon: queued analyses are waiting.
      next_model_check = now + (ModelUsable() ? options_.model_check_interval
                                              : std::min<std::chrono::seconds>(options_.model_check_interval,
                                                                               std::chrono::seconds(15)));
    }
    if (now >= next_reclaim && ModelUsable()) {
      next_reclaim = now + kReclaimEvery;
      int free = 0;
      {
        absl::MutexLock lock(&mu_);
        free = FreeSlots();
      }
      if (free > 0) {
        auto reclaimed = queue_->Reclaim(options_.consumer, options_.job_limit, free);
        if (!reclaimed.ok()) {
          WarnThrottled("reclaim failed", reclaimed.status());
        } else if (!reclaimed->empty()) {
          logging::Info("reclaimed entries of a dead consumer", {{"count", std::to_string(reclaimed->size())}});
          absl::MutexLock lock(&mu_);
          for (auto& e : *reclaimed) pending_.push_back(std::move(e));
          work_ready_.SignalAll();
        }
      }
    }
    if (now >= next_sweep) {
      next_sweep = now + options_.sweep_interval;
      Sweep();
    }
  }
}

void Worker::Sweep() {
  // Nothing is read while the model is unusable: re-enqueueing would only
  // pile up duplicate entries.
  auto stranded = ModelUsable() ? store_->Stranded(options_.stranded_after, options_.job_limit, 1000)
                                : absl::StatusOr<std::vector<std::string>>(std::vector<std::string>());
  if (!stranded.ok()) {
    WarnThrottled("sweep failed", stranded.status());
  } else {
    int enqueued = 0;
    for (const auto& id : *stranded) {
      if (auto s = queue_->Enqueue(id); !s.ok()) {
        WarnThrottled("sweep could not enqueue", s);
        break;
      }
      ++enqueued;
    }
    if (enqueued > 0) logging::Info("re-enqueued stranded analyses", {{"count", std::to_string(enqueued)}});
  }
  auto unsettled = store_->Unsettled(options_.stranded_after, 200);
  if (!unsettled.ok()) {
    WarnThrottled("sweep failed", unsettled.status());
    return;
  }
  for (const auto& job : *unsettled) {
    if (SettleSideEffects(job)) {
      logging::Info("settled an interrupted analysis", {{"analysis_id", job.id}, {"status", job.status}});
    }
  }
}

void Worker::HandBack(const std::deque<JobEntry>& entries) {
  // The entry we held is acknowledged only once its replacement exists.
  for (const auto& e : entries) {
    if (queue_->Enqueue(e.analysis_id, e.traceparent, e.user_id).ok()) (void)queue_->Ack(e.entry_id);
  }
}

int Worker::Drain(std::chrono::seconds grace) {
  std::deque<JobEntry> not_started;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    not_started.swap(pending_);
    work_ready_.SignalAll();
    slot_free_.SignalAll();
  }
  HandBack(not_started);
  int left = 0;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time until = absl::Now() + absl::FromChrono(grace);
    while (running_ != 0 && !slot_free_.WaitWithDeadline(&mu_, until)) {
    }
    left = running_;
  }
  if (left == 0) {
    for (auto& t : threads_) t.join();
    threads_.clear();
    // A read that was in flight when the drain began.
    std::deque<JobEntry> late;
    {
      absl::MutexLock lock(&mu_);
      late.swap(pending_);
    }
    HandBack(late);
  }
  logging::Info("worker drained",
                {{"handed_back", std::to_string(not_started.size())}, {"abandoned", std::to_string(left)}});
  return left;
}

absl::StatusOr<v1::Resource> Worker::SetResourceStatus(const std::string& user_id, const std::string& resource_id,
                                                       const std::string& status) {
  v1::SetResourceStatusRequest request;
  request.set_id(resource_id);
  request.set_status(status);
  v1::ResourceResponse response;
  auto context = grpc_server::InternalContext(options_.service_token, user_id, Clock::now() + options_.rpc_timeout);
  grpc::Status s = resources_->SetResourceStatus(context.get(), request, &response);
  if (!s.ok()) return errors::FromGrpcStatus(s);
  return response.data();
}

bool Worker::SettleSideEffects(const TerminalJob& job) {
  bool done = true;
  if (job.status == "failed") {
    v1::CreditRequest request;
    request.set_idempotency_key("analysis:" + job.id);
    v1::CreditResponse response;
    auto context =
        grpc_server::InternalContext(options_.service_token, job.user_id, Clock::now() + options_.rpc_timeout);
    grpc::Status s = billing_->RefundCredit(context.get(), request, &response);
    // NOT_FOUND: the analysis was deleted with its resource, and the
    // deletion gave the credit back (migration 0007).
    if (!s.ok() && s.error_code() != grpc::StatusCode::NOT_FOUND) {
      logging::Warn("refund failed; the sweeper retries it", {{"analysis_id", job.id}, {"error", s.error_message()}});
      done = false;
    }
  }
  // A cancelled analysis leaves its resource as if never analysed (one
  // never started was settled by the cancel itself).
  const char* resource_status = job.status == "succeeded"   ? "completed"
                                : job.status == "cancelled" ? "pending"
                                                            : "failed";
  if (job.superseded) {
    // Leave the resource to the newer analysis.
  } else if (auto resource = SetResourceStatus(job.user_id, job.resource_id, resource_status);
             !resource.ok() && !absl::IsNotFound(resource.status())) {
    // (A resource deleted since has nothing left to mark.)
    logging::Warn("resource status not updated; the sweeper retries it",
                  {{"analysis_id", job.id}, {"error", std::string(resource.status().message())}});
    done = false;
  }
  if (done) {
    if (auto s = store_->Settle(job.id); !s.ok()) return false;
  }
  return done;
}

bool Worker::Process(const JobEntry& entry) {
  UseTraceOf(entry);
  if (!validation::IsUuid(entry.analysis_id)) {
    logging::Warn("dropping a malformed queue entry", {{"entry_id", entry.entry_id}});
    (void)queue_->Ack(entry.entry_id);
    return false;
  }
  if (!ModelUsable()) {
    // Read just before the model check failed: back to the stream, unclaimed,
    // for when the model is usable again.
    HandBack({entry});
    return false;
  }
  if (DeferForFairness(entry)) return false;
  if (!TakeProviderBudget(entry)) return false;
  auto claimed = store_->Claim(entry.analysis_id, options_.job_limit, options_.max_attempts);
  if (!claimed.ok()) {
    // The database is unreachable: try again shortly rather than after the
    // reclaim limit.
    WarnThrottled("claim failed", claimed.status());
    if (queue_->Delay(entry.analysis_id, Clock::now() + kInfraRetry).ok()) (void)queue_->Ack(entry.entry_id);
    return false;
  }
  if (*claimed) {
    if (StartAttempt(entry, **claimed)) return true;
  } else {
    // Nothing to start: finished, deleted, waiting out a back-off (its own
    // wake-up is in the delay set), in progress elsewhere — or expired on
    // its last attempt, which fails it.
    auto expired = store_->FailExpired(entry.analysis_id, options_.job_limit, options_.max_attempts);
    if (expired.ok() && *expired) SettleSideEffects(**expired);
  }
  if (auto s = queue_->Ack(entry.entry_id); !s.ok()) WarnThrottled("ack failed", s);
  return false;
}

bool Worker::DeferForFairness(const JobEntry& entry) {
  if (entry.user_id.empty() || options_.max_user_share_percent >= 100) return false;
  const int cap = std::max(1, options_.concurrency * options_.max_user_share_percent / 100);
  const auto now = std::chrono::steady_clock::now();
  bool ask = false, others = false;
  {
    absl::MutexLock lock(&mu_);
    // This entry is counted already.
    if (running_by_user_[entry.user_id] <= cap) return false;
    auto it = others_wait_.find(entry.user_id);
    if (it != others_wait_.end() && now - it->second.second < std::chrono::seconds(1)) {
      others = it->second.first;
    } else {
      ask = true;
    }
  }
  if (ask) {
    auto waiting = store_->OthersWaiting(entry.user_id);
    if (!waiting.ok()) return false;  // the claim will meet the database's trouble itself
    others = *waiting;
    absl::MutexLock lock(&mu_);
    if (others_wait_.size() > 10000) others_wait_.clear();
    others_wait_[entry.user_id] = {others, now};
  }
  if (!others) return false;
  // Behind the others' entries: the delay set puts it back at the stream's end.
  CountThrottled("fair_share");
  if (queue_->Delay(entry.analysis_id, Clock::now() + std::chrono::milliseconds(500), entry.user_id).ok()) {
    (void)queue_->Ack(entry.entry_id);
  }
  return true;
}

bool Worker::TakeProviderBudget(const JobEntry& entry) {
  if (limiter_ == nullptr) return true;
  auto wait = limiter_->Acquire(options_.max_output_tokens);
  if (!wait.ok()) {
    // Redis is the queue too: without it nothing runs for long anyway.
    WarnThrottled("the shared provider limits could not be read; calling without them", wait.status());
    return true;
  }
  if (wait->count() == 0) return true;
  CountThrottled("limiter");
  // Back to the delay set, untouched: due again once the budget allows.
  if (queue_->Delay(entry.analysis_id, Clock::now() + *wait, entry.user_id).ok()) (void)queue_->Ack(entry.entry_id);
  return false;
}

bool Worker::StartAttempt(const JobEntry& entry, const ClaimedJob& job) {
  const auto started = std::chrono::steady_clock::now();
  const auto limit_at = started + options_.job_limit;
  auto resource = SetResourceStatus(job.user_id, job.resource_id, "processing");
  if (!resource.ok()) {
    if (absl::IsNotFound(resource.status())) return false;  // deleted: the analysis went with it
    RecordOutcome(job, started,
                  TransientFailure(absl::StrCat("the resource service failed: ", resource.status().message())));
    return false;
  }
  // Watched before the call is marked: a deletion right after the mark is
  // notified, and must find the signal.
  auto abort = std::make_shared<http::AbortSignal>();
  {
    absl::MutexLock lock(&mu_);
    calls_[job.id] = abort;
  }
  auto marked = store_->MarkProviderCall(job);
  if (!marked.ok() || !*marked) {
    {
      absl::MutexLock lock(&mu_);
      calls_.erase(job.id);
    }
    if (!marked.ok()) {
      RecordOutcome(job, started, TransientFailure(absl::StrCat("the database failed: ", marked.status().message())));
    } else {
      // Deleted since the claim: no call, and the deletion gave the credit back.
      logging::Info("analysis deleted before its provider call; not calling", {{"analysis_id", job.id}});
      CountOutcome("deleted_before_call");
    }
    return false;
  }
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(limit_at - std::chrono::steady_clock::now());
  // The live log: this attempt starts, then its text as the provider writes it.
  Provider::DeltaSink on_delta;
  if (events_ != nullptr) {
    events_->Running(job.id, job.attempt);
    on_delta = [events = events_, id = job.id, attempt = job.attempt](std::string_view text) {
      events->Delta(id, attempt, text);
    };
  }
  provider_->CompleteAsync(
      {job.prompt, resource->title(), resource->content()}, std::max(remaining, std::chrono::milliseconds(1)),
      [this, entry, job, started](ProviderResult result) {
        {
          absl::MutexLock lock(&mu_);
          calls_.erase(job.id);
          answered_.push_back({entry, job, started, std::move(result)});
          work_ready_.Signal();
        }
      },
      abort, std::move(on_delta));
  return true;
}

void Worker::AbortCall(const std::string& analysis_id) {
  std::shared_ptr<http::AbortSignal> abort;
  {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(analysis_id);
    if (it == calls_.end()) return;
    abort = it->second;
  }
  abort->Abort();
}

void Worker::AbortCallsOfGoneAnalyses() {
  std::vector<std::string> ids;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, signal] : calls_) ids.push_back(id);
  }
  auto gone = store_->NotRunning(ids);
  if (!gone.ok()) {
    WarnThrottled("could not check the calls in flight", gone.status());
    return;
  }
  for (const auto& id : *gone) AbortCall(id);
}

void Worker::FinishAttempt(const JobEntry& entry, const ClaimedJob& job, std::chrono::steady_clock::time_point started,
                           ProviderResult result) {
  UseTraceOf(entry);
  RecordOutcome(job, started, std::move(result));
  if (auto s = queue_->Ack(entry.entry_id); !s.ok()) WarnThrottled("ack failed", s);
}

void Worker::RecordOutcome(const ClaimedJob& job, std::chrono::steady_clock::time_point started,
                           ProviderResult result) {
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  static auto& attempt_seconds = metrics::HistogramFamily("plinth_analysis_attempt_duration_seconds",
                                                          "One analysis attempt: resource, provider call, outcome.")
                                     .Add({}, metrics::SlowBuckets());
  attempt_seconds.Observe(static_cast<double>(elapsed_ms) / 1000.0);
  logging::Fields fields = {
      {"analysis_id", job.id}, {"attempt", std::to_string(job.attempt)}, {"duration_ms", std::to_string(elapsed_ms)}};

  const bool rate_limited = result.outcome == ProviderResult::Outcome::kTransient && result.retry_after.count() > 0;
  if (rate_limited) {
    CountThrottled("provider_429");
    (void)queue_->CountRateLimited();  // the operators' figure
  }
  if (limiter_ != nullptr) {
    // What the call really took; a 429 pauses every worker for its retry-after.
    (void)limiter_->Settle(result.completion.input_tokens, options_.max_output_tokens, result.completion.output_tokens);
    if (rate_limited) {
      (void)limiter_->PauseFor(std::chrono::duration_cast<std::chrono::milliseconds>(result.retry_after));
    }
  }
  const NextStep next =
      AfterAttempt(result.outcome, job.attempt, options_.max_attempts, result.retry_after, options_.job_limit);
  if (next.kind == NextStep::Kind::kSucceed) {
    result.completion.text = WithoutNul(std::move(result.completion.text));
    auto applied = store_->Succeed(job, result.completion);
    if (applied.ok() && *applied) {
      CountTokens(result.completion);
      CountOutcome("succeeded");
      if (events_ != nullptr) events_->Done(job.id, "succeeded");
      SettleSideEffects({job.id, job.resource_id, job.user_id, "succeeded"});
      fields.push_back({"status", "succeeded"});
      logging::Info("analysis finished", fields);
    } else if (applied.ok()) {
      // Deleted while the call ran (the transfer finished before the abort
      // could drop it). The tokens were spent all the same.
      CountTokens(result.completion);
      CountOutcome("answer_dropped");
      fields.push_back({"input_tokens", std::to_string(result.completion.input_tokens)});
      fields.push_back({"output_tokens", std::to_string(result.completion.output_tokens)});
      logging::Warn("provider answer dropped: its analysis was deleted (charged) or its attempt superseded", fields);
    } else {
      // Still `running`: reclaimed after the limit and run again.
      logging::Warn("could not record a success",
                    {{"analysis_id", job.id}, {"error", std::string(applied.status().message())}});
    }
    return;
  }
  const std::string error = WithoutNul(result.error);
  fields.push_back({"error", error});
  if (next.kind == NextStep::Kind::kDrop) {
    // A deletion or a cancel aborted the call (charged either way): the row
    // is gone, or cancelled and left to settle.
    CountOutcome("aborted");
    logging::Info("provider call aborted: the analysis was deleted or cancelled (charged)", fields);
    auto cancelled = store_->UnsettledCancel(job.id);
    if (cancelled.ok() && *cancelled) SettleSideEffects(**cancelled);
    return;
  }
  // Failed below with this error and refunded; take nothing more until the
  // model check finds the model again.
  if (next.model_unusable) SetModelUsable(false, error);
  if (next.kind == NextStep::Kind::kRetry) {
    auto applied = store_->Retry(job, error, next.retry_in);
    if (applied.ok() && *applied) {
      // If this fails the sweeper finds the analysis once it is overdue.
      if (auto s = queue_->Delay(job.id, Clock::now() + next.retry_in); !s.ok()) WarnThrottled("delay failed", s);
      fields.push_back({"status", "queued"});
      fields.push_back({"retry_in_s", std::to_string(next.retry_in.count())});
      if (events_ != nullptr) events_->Retrying(job.id, job.attempt, error, next.retry_in);
      CountOutcome("retried");
      logging::Warn("analysis attempt failed; retrying", fields);
    }
    return;
  }
  auto applied = store_->Fail(job, error);
  if (applied.ok() && *applied) {
    CountOutcome(next.model_unusable ? "model_unavailable" : "failed");
    if (events_ != nullptr) events_->Done(job.id, "failed", error);
    SettleSideEffects({job.id, job.resource_id, job.user_id, "failed"});
    fields.push_back({"status", "failed"});
    logging::Warn("analysis failed", fields);
  }
}

}  // namespace plinth::analysis
