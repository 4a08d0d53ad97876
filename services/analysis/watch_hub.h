#ifndef PLINTH_SERVICES_ANALYSIS_WATCH_HUB_H_
#define PLINTH_SERVICES_ANALYSIS_WATCH_HUB_H_

// The live logs (events.h) of every analysis watched in this process, read
// by one thread with one blocking XREAD over all of them: a thousand
// watchers cost one Redis connection and one thread, not a thousand. A new
// watcher wakes the read through a wake-up stream of the process's own, so
// it waits for no block timeout.
//
// Watchers of one analysis share its read position (the earliest any of
// them needs); each gets only the entries after its own last one, in order,
// each once.
//
// A log can miss its end (Redis was down when the worker wrote `done`, or
// the analysis was deleted with its resource: nobody writes one). Every
// `check_every`, the analyses whose logs were quiet that long are checked
// against PostgreSQL (`status_of`); an analysis over or gone is delivered a
// `done` entry with no id, which its watchers answer from PostgreSQL.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>

#include "libs/redis/redis_client.h"

namespace plinth::analysis {

struct LogEntry {
  std::string id;  // "<ms>-<seq>"; empty for the hub's own `done`
  std::string type;
  std::map<std::string, std::string> fields;
};

// An entry id as a comparable pair; nullopt when malformed.
std::optional<std::pair<uint64_t, uint64_t>> ParseEntryId(const std::string& id);

class WatchHub {
 public:
  class Watcher {
   public:
    virtual ~Watcher() = default;
    // Called on the hub's thread, never concurrently for one watcher; must
    // not block.
    virtual void OnEntries(const std::vector<LogEntry>& entries) = 0;
    // The process is going away: end, so that the client resumes elsewhere.
    // Called like OnEntries.
    virtual void OnClosing() = 0;
  };

  struct Options {
    std::chrono::milliseconds block{2000};
    int batch = 512;
    std::chrono::seconds check_every{15};
  };
  // Of these analyses, the status of each that still exists.
  using StatusOf = std::function<absl::StatusOr<std::map<std::string, std::string>>(const std::vector<std::string>&)>;

  // `reader`: its timeout must exceed options.block; `commands` for short
  // commands (the wake-ups).
  WatchHub(std::shared_ptr<redis::RedisClient> reader, std::shared_ptr<redis::RedisClient> commands, StatusOf status_of,
           Options options);
  WatchHub(std::shared_ptr<redis::RedisClient> reader, std::shared_ptr<redis::RedisClient> commands,
           StatusOf status_of);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Delivers `analysis_id`'s entries after `after` ("" from the start) to
  // `watcher` until Remove.
  void Add(const std::string& analysis_id, const std::string& after, Watcher* watcher);
  // Once it returns, `watcher` is called no more.
  void Remove(Watcher* watcher);
  size_t watchers() const;
  // Tells every watcher, and every one added from now on, to go (OnClosing).
  void Close();

 private:
  using Position = std::pair<uint64_t, uint64_t>;
  struct Watching {
    std::string analysis_id;
    Position last;
  };
  struct Log {
    Position cursor;  // read up to here
    std::chrono::steady_clock::time_point active;
    std::set<Watcher*> watchers;
  };
  void ReadLoop();
  void CheckLoop();
  void Wake();
  void Deliver(const std::string& analysis_id, const std::vector<LogEntry>& entries) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::shared_ptr<redis::RedisClient> reader_, commands_;
  StatusOf status_of_;
  Options options_;
  const std::string wake_key_;
  std::string wake_cursor_;  // ReadLoop only

  mutable absl::Mutex mu_;
  absl::CondVar changed_;
  std::map<std::string, Log> logs_ ABSL_GUARDED_BY(mu_);
  std::map<Watcher*, Watching> watching_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  std::thread reader_thread_, checker_thread_;
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WATCH_HUB_H_
