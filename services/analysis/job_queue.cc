#include "services/analysis/job_queue.h"

#include <absl/strings/match.h>
#include <absl/strings/numbers.h>

namespace plinth::analysis {
namespace {

// Atomic, so two workers promoting at once never enqueue an analysis twice
// for one back-off.
constexpr char kPromoteScript[] = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local id, user = string.match(member, '^(%S+) (%S+)$')
  if id then
    redis.call('XADD', KEYS[2], '*', 'analysis', id, 'user', user)
  else
    redis.call('XADD', KEYS[2], '*', 'analysis', member)
  end
end
return #due
)lua";

int64_t MillisSinceEpoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// [[id, [field, value, ...]], ...]
std::vector<JobEntry> Entries(const redis::Value& list) {
  std::vector<JobEntry> out;
  for (const auto& entry : list.elements) {
    if (entry.elements.size() < 2) continue;
    JobEntry job;
    job.entry_id = entry.elements[0].str;
    const auto& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "analysis") job.analysis_id = fields[i + 1].str;
      if (fields[i].str == "traceparent") job.traceparent = fields[i + 1].str;
      if (fields[i].str == "user") job.user_id = fields[i + 1].str;
    }
    out.push_back(std::move(job));
  }
  return out;
}

// INCR with the key's lifetime set by its first increment.
constexpr char kCountScript[] = R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
)lua";

int64_t EpochMinute() {
  return std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool IsNoGroup(const absl::Status& s) { return absl::StrContains(s.message(), "NOGROUP"); }

}  // namespace

JobQueue::JobQueue(std::shared_ptr<redis::RedisClient> redis, std::shared_ptr<redis::RedisClient> blocking)
    : redis_(std::move(redis)), blocking_(blocking ? std::move(blocking) : redis_) {}

absl::Status JobQueue::Enqueue(const std::string& analysis_id, const std::string& traceparent,
                               const std::string& user_id) {
  std::vector<std::string> argv = {"XADD", kStream, "*", "analysis", analysis_id};
  if (!traceparent.empty()) argv.insert(argv.end(), {"traceparent", traceparent});
  if (!user_id.empty()) argv.insert(argv.end(), {"user", user_id});
  return redis_->Call(argv).status();
}

absl::StatusOr<int64_t> JobQueue::Depth() {
  auto stream = redis_->Call({"XLEN", kStream});
  if (!stream.ok()) return stream.status();
  auto delayed = redis_->Call({"ZCARD", kDelayed});
  if (!delayed.ok()) return delayed.status();
  return stream->integer + delayed->integer;
}

absl::Status JobQueue::EnsureGroup() {
  auto r = redis_->Call({"XGROUP", "CREATE", kStream, kGroup, "0", "MKSTREAM"});
  if (!r.ok() && !absl::StrContains(r.status().message(), "BUSYGROUP")) return r.status();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<JobEntry>> JobQueue::Read(const std::string& consumer, int count,
                                                     std::chrono::milliseconds block) {
  std::vector<std::string> argv = {
      "XREADGROUP", "GROUP", kGroup, consumer, "COUNT", std::to_string(count), "BLOCK", std::to_string(block.count()),
      "STREAMS",    kStream, ">"};
  auto r = blocking_->Call(argv);
  if (!r.ok() && IsNoGroup(r.status())) {
    // Redis lost its data (restarted without persistence): start over.
    if (auto s = EnsureGroup(); !s.ok()) return s;
    r = blocking_->Call(argv);
  }
  if (!r.ok()) return r.status();
  // nil on timeout, else [[stream, entries]]
  if (r->type != redis::Value::Type::kArray || r->elements.empty() || r->elements[0].elements.size() < 2) {
    return std::vector<JobEntry>{};
  }
  return Entries(r->elements[0].elements[1]);
}

absl::StatusOr<std::vector<JobEntry>> JobQueue::Reclaim(const std::string& consumer, std::chrono::milliseconds min_idle,
                                                        int count) {
  auto r = redis_->Call({"XAUTOCLAIM", kStream, kGroup, consumer, std::to_string(min_idle.count()), reclaim_cursor_,
                         "COUNT", std::to_string(count)});
  if (!r.ok()) {
    if (IsNoGroup(r.status())) {
      reclaim_cursor_ = "0-0";
      if (auto s = EnsureGroup(); !s.ok()) return s;
      return std::vector<JobEntry>{};
    }
    return r.status();
  }
  // [next cursor, entries, deleted ids]
  if (r->elements.size() < 2) return std::vector<JobEntry>{};
  reclaim_cursor_ = r->elements[0].str.empty() ? "0-0" : r->elements[0].str;
  return Entries(r->elements[1]);
}

absl::Status JobQueue::Ack(const std::string& entry_id) {
  if (auto r = redis_->Call({"XACK", kStream, kGroup, entry_id}); !r.ok()) return r.status();
  return redis_->Call({"XDEL", kStream, entry_id}).status();
}

absl::Status JobQueue::Delay(const std::string& analysis_id, std::chrono::system_clock::time_point due,
                             const std::string& user_id) {
  // "<id> <user>" keeps whose it is through the delay (PromoteDue).
  const std::string member = user_id.empty() ? analysis_id : analysis_id + " " + user_id;
  return redis_->Call({"ZADD", kDelayed, std::to_string(MillisSinceEpoch(due)), member}).status();
}

absl::StatusOr<int64_t> JobQueue::PromoteDue(int max) {
  auto r = redis_->Call({"EVAL", kPromoteScript, "2", kDelayed, kStream,
                         std::to_string(MillisSinceEpoch(std::chrono::system_clock::now())), std::to_string(max)});
  if (!r.ok()) return r.status();
  return r->integer;
}

absl::StatusOr<std::vector<ConsumerLoad>> JobQueue::Consumers() {
  auto r = redis_->Call({"XINFO", "CONSUMERS", kStream, kGroup});
  if (!r.ok()) {
    if (IsNoGroup(r.status()) || absl::StrContains(r.status().message(), "no such key")) {
      return std::vector<ConsumerLoad>{};
    }
    return r.status();
  }
  std::vector<ConsumerLoad> out;
  for (const auto& consumer : r->elements) {
    ConsumerLoad load;
    const auto& f = consumer.elements;  // name, pending, idle (and, from Redis 7.2, inactive)
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      if (f[i].str == "name") load.name = f[i + 1].str;
      if (f[i].str == "pending") load.in_flight = f[i + 1].integer;
      if (f[i].str == "idle") load.idle_ms = f[i + 1].integer;
    }
    out.push_back(std::move(load));
  }
  return out;
}

absl::Status JobQueue::CountRateLimited() {
  return redis_->Call({"EVAL", kCountScript, "1", kRateLimitedPrefix + std::to_string(EpochMinute()), "960"}).status();
}

absl::StatusOr<int64_t> JobQueue::RateLimitedRecently(int minutes) {
  std::vector<std::string> argv = {"MGET"};
  const int64_t now = EpochMinute();
  for (int i = 0; i < minutes; ++i) argv.push_back(kRateLimitedPrefix + std::to_string(now - i));
  auto r = redis_->Call(argv);
  if (!r.ok()) return r.status();
  int64_t sum = 0;
  for (const auto& v : r->elements) {
    int64_t n = 0;
    if (!v.str.empty() && absl::SimpleAtoi(v.str, &n)) sum += n;
  }
  return sum;
}

}  // namespace plinth::analysis
