#include "services/analysis_worker/event_publisher.h"

#include <set>

#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"
#include "services/analysis/events.h"

namespace plinth::analysis {
namespace {

// plinth_analysis_events_total{result}: live-log entries written or dropped.
void Count(const char* result, size_t n) {
  static auto& family =
      metrics::CounterFamily("plinth_analysis_events_total", "Entries of the analyses' live logs, by result.");
  family.Add({{"result", result}}).Increment(static_cast<double>(n));
}

}  // namespace

EventPublisher::EventPublisher(std::shared_ptr<redis::RedisClient> redis, std::chrono::milliseconds flush_every)
    : redis_(std::move(redis)), flush_every_(flush_every) {
  Count("written", 0);  // both series exist from the start
  Count("dropped", 0);
  thread_ = std::thread([this] { Loop(); });
}

EventPublisher::~EventPublisher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void EventPublisher::Push(Entry entry) {
  absl::MutexLock lock(&mu_);
  if (entry.type == "delta") {
    auto it = last_delta_.find(entry.analysis_id);
    if (it != last_delta_.end() && pending_[it->second].attempt == entry.attempt) {
      pending_[it->second].text += entry.text;
      return;
    }
    last_delta_[entry.analysis_id] = pending_.size();
  } else {
    last_delta_.erase(entry.analysis_id);
  }
  pending_.push_back(std::move(entry));
}

void EventPublisher::Running(const std::string& analysis_id, int attempt) {
  Push({analysis_id, "status", attempt, "", "running", "", 0});
}

void EventPublisher::Delta(const std::string& analysis_id, int attempt, std::string_view text) {
  Push({analysis_id, "delta", attempt, std::string(text), "", "", 0});
}

void EventPublisher::Retrying(const std::string& analysis_id, int attempt, const std::string& error,
                              std::chrono::seconds retry_in) {
  Push({analysis_id, "status", attempt, "", "queued", error, retry_in.count()});
}

void EventPublisher::Done(const std::string& analysis_id, const std::string& status, const std::string& error) {
  Push({analysis_id, "done", 0, "", status, error, 0});
}

int64_t EventPublisher::written() const {
  absl::MutexLock lock(&mu_);
  return written_;
}

void EventPublisher::Loop() {
  while (true) {
    std::vector<Entry> batch;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      flushed_.WaitWithTimeout(&mu_, absl::FromChrono(flush_every_));
      batch.swap(pending_);
      last_delta_.clear();
      stopping = stopping_;
    }
    if (!batch.empty()) Write(batch);
    if (stopping) return;
  }
}

void EventPublisher::Write(const std::vector<Entry>& entries) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(entries.size() + 8);
  std::set<std::string> ended, touched;
  for (const auto& e : entries) {
    events::Fields fields;
    if (e.attempt > 0) fields.push_back({"attempt", std::to_string(e.attempt)});
    if (!e.text.empty()) fields.push_back({"text", e.text});
    if (!e.status.empty()) fields.push_back({"status", e.status});
    if (!e.error.empty()) fields.push_back({"error", e.error});
    if (e.retry_in_s > 0) fields.push_back({"retry_in_s", std::to_string(e.retry_in_s)});
    commands.push_back(events::AddCommand(e.analysis_id, e.type, fields));
    (e.type == "done" ? ended : touched).insert(e.analysis_id);
  }
  for (const auto& id : touched) {
    if (ended.count(id) == 0) {
      commands.push_back({"EXPIRE", events::KeyOf(id), std::to_string(events::kKeepWhileRunning.count())});
    }
  }
  for (const auto& id : ended) {
    commands.push_back({"EXPIRE", events::KeyOf(id), std::to_string(events::kKeepAfterEnd.count())});
  }
  auto replies = redis_->CallPipelined(commands);
  if (!replies.ok()) {
    Count("dropped", entries.size());
    logging::Warn("analysis live log not written",
                  {{"entries", std::to_string(entries.size())}, {"error", std::string(replies.status().message())}});
    return;
  }
  Count("written", entries.size());
  absl::MutexLock lock(&mu_);
  written_ += static_cast<int64_t>(entries.size());
}

}  // namespace plinth::analysis
