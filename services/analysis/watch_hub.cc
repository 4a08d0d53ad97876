#include "services/analysis/watch_hub.h"

#include <charconv>

#include "libs/auth/jwt.h"
#include "libs/logging/logging.h"
#include "services/analysis/events.h"

namespace plinth::analysis {
namespace {

std::string Format(const std::pair<uint64_t, uint64_t>& p) {
  return std::to_string(p.first) + "-" + std::to_string(p.second);
}

// The wake-up stream lives this long after the process's last watcher.
constexpr int kWakeKeySeconds = 600;

}  // namespace

std::optional<std::pair<uint64_t, uint64_t>> ParseEntryId(const std::string& id) {
  const size_t dash = id.find('-');
  if (dash == std::string::npos) return std::nullopt;
  std::pair<uint64_t, uint64_t> p;
  const char* begin = id.data();
  const char* end = id.data() + id.size();
  auto [ms_end, ms_error] = std::from_chars(begin, begin + dash, p.first);
  auto [seq_end, seq_error] = std::from_chars(begin + dash + 1, end, p.second);
  if (ms_error != std::errc() || ms_end != begin + dash || seq_error != std::errc() || seq_end != end || dash == 0 ||
      dash + 1 == id.size()) {
    return std::nullopt;
  }
  return p;
}

WatchHub::WatchHub(std::shared_ptr<redis::RedisClient> reader, std::shared_ptr<redis::RedisClient> commands,
                   StatusOf status_of)
    : WatchHub(std::move(reader), std::move(commands), std::move(status_of), Options()) {}

WatchHub::WatchHub(std::shared_ptr<redis::RedisClient> reader, std::shared_ptr<redis::RedisClient> commands,
                   StatusOf status_of, Options options)
    : reader_(std::move(reader)),
      commands_(std::move(commands)),
      status_of_(std::move(status_of)),
      options_(options),
      wake_key_("plinth:analysis:watch-wake:" + auth::NewUuid()),
      wake_cursor_("0-0") {
  reader_thread_ = std::thread([this] { ReadLoop(); });
  checker_thread_ = std::thread([this] { CheckLoop(); });
}

WatchHub::~WatchHub() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    changed_.SignalAll();
  }
  Wake();
  reader_thread_.join();
  checker_thread_.join();
  (void)commands_->Call({"DEL", wake_key_});
}

void WatchHub::Add(const std::string& analysis_id, const std::string& after, Watcher* watcher) {
  const Position from = ParseEntryId(after).value_or(Position{0, 0});
  {
    absl::MutexLock lock(&mu_);
    Log& log = logs_[analysis_id];
    if (log.watchers.empty()) {
      log.cursor = from;
      log.active = std::chrono::steady_clock::now();
    } else {
      // Read again from the earliest position wanted; watchers further on
      // skip what they had.
      log.cursor = std::min(log.cursor, from);
    }
    log.watchers.insert(watcher);
    watching_[watcher] = {analysis_id, from};
    changed_.SignalAll();
    if (closing_) {
      watcher->OnClosing();
      return;
    }
  }
  Wake();
}

void WatchHub::Close() {
  absl::MutexLock lock(&mu_);
  closing_ = true;
  for (const auto& [watcher, watching] : watching_) watcher->OnClosing();
}

void WatchHub::Remove(Watcher* watcher) {
  absl::MutexLock lock(&mu_);
  auto it = watching_.find(watcher);
  if (it == watching_.end()) return;
  auto log = logs_.find(it->second.analysis_id);
  if (log != logs_.end()) {
    log->second.watchers.erase(watcher);
    if (log->second.watchers.empty()) logs_.erase(log);
  }
  watching_.erase(it);
}

size_t WatchHub::watchers() const {
  absl::MutexLock lock(&mu_);
  return watching_.size();
}

void WatchHub::Wake() {
  // The read blocks on this stream too: an entry here ends its wait.
  auto replies = commands_->CallPipelined({{"XADD", wake_key_, "MAXLEN", "~", "16", "*", "w", "1"},
                                           {"EXPIRE", wake_key_, std::to_string(kWakeKeySeconds)}});
  if (!replies.ok()) {
    logging::Warn("watch hub: wake-up not written (the next read starts within the block time)",
                  {{"error", std::string(replies.status().message())}});
  }
}

void WatchHub::Deliver(const std::string& analysis_id, const std::vector<LogEntry>& entries) {
  auto log = logs_.find(analysis_id);
  if (log == logs_.end()) return;
  for (Watcher* w : log->second.watchers) {
    Watching& watching = watching_[w];
    std::vector<LogEntry> fresh;
    for (const auto& e : entries) {
      if (e.id.empty()) {  // the hub's own end: no position
        fresh.push_back(e);
        continue;
      }
      auto position = ParseEntryId(e.id);
      if (!position || *position <= watching.last) continue;
      watching.last = *position;
      fresh.push_back(e);
    }
    if (!fresh.empty()) w->OnEntries(fresh);
  }
}

void WatchHub::ReadLoop() {
  while (true) {
    std::vector<std::string> argv = {
        "XREAD", "COUNT", std::to_string(options_.batch), "BLOCK", std::to_string(options_.block.count()), "STREAMS"};
    std::vector<std::string> cursors;
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_ && logs_.empty()) changed_.Wait(&mu_);
      if (stopping_) return;
      for (const auto& [id, log] : logs_) {
        argv.push_back(events::KeyOf(id));
        cursors.push_back(Format(log.cursor));
      }
    }
    argv.push_back(wake_key_);
    argv.insert(argv.end(), cursors.begin(), cursors.end());
    argv.push_back(wake_cursor_);
    auto reply = reader_->Call(argv);
    if (!reply.ok()) {
      logging::Warn("watch hub: reading the live logs failed; retrying",
                    {{"error", std::string(reply.status().message())}});
      absl::MutexLock lock(&mu_);
      changed_.WaitWithTimeout(&mu_, absl::Milliseconds(500));
      continue;
    }
    // nil: the block time passed with nothing new.
    for (const auto& stream : reply->elements) {
      if (stream.elements.size() < 2) continue;
      const std::string& key = stream.elements[0].str;
      std::vector<LogEntry> entries;
      for (const auto& raw : stream.elements[1].elements) {
        if (raw.elements.size() < 2) continue;
        LogEntry e;
        e.id = raw.elements[0].str;
        const auto& fields = raw.elements[1].elements;
        for (size_t i = 0; i + 1 < fields.size(); i += 2) {
          if (fields[i].str == "type") {
            e.type = fields[i + 1].str;
          } else {
            e.fields[fields[i].str] = fields[i + 1].str;
          }
        }
        entries.push_back(std::move(e));
      }
      if (entries.empty()) continue;
      if (key == wake_key_) {
        wake_cursor_ = entries.back().id;
        continue;
      }
      const std::string analysis_id = events::IdOfKey(key);
      auto last = ParseEntryId(entries.back().id);
      absl::MutexLock lock(&mu_);
      auto log = logs_.find(analysis_id);
      if (log == logs_.end()) continue;
      if (last && *last > log->second.cursor) log->second.cursor = *last;
      log->second.active = std::chrono::steady_clock::now();
      Deliver(analysis_id, entries);
    }
  }
}

void WatchHub::CheckLoop() {
  while (true) {
    std::vector<std::string> quiet;
    {
      absl::MutexLock lock(&mu_);
      const absl::Time next = absl::Now() + absl::FromChrono(options_.check_every);
      while (!stopping_ && absl::Now() < next) changed_.WaitWithDeadline(&mu_, next);
      if (stopping_) return;
      const auto since = std::chrono::steady_clock::now() - options_.check_every;
      for (const auto& [id, log] : logs_) {
        if (log.active <= since) quiet.push_back(id);
      }
    }
    if (quiet.empty()) continue;
    auto statuses = status_of_(quiet);
    if (!statuses.ok()) {
      logging::Warn("watch hub: checking quiet analyses failed", {{"error", std::string(statuses.status().message())}});
      continue;
    }
    absl::MutexLock lock(&mu_);
    for (const auto& id : quiet) {
      auto it = statuses->find(id);
      const bool ended = it == statuses->end() || (it->second != "queued" && it->second != "running");
      if (ended) Deliver(id, {LogEntry{"", "done", {}}});
    }
  }
}

}  // namespace plinth::analysis
