#ifndef PLINTH_SERVICES_ANALYSIS_WORKER_EVENT_PUBLISHER_H_
#define PLINTH_SERVICES_ANALYSIS_WORKER_EVENT_PUBLISHER_H_

// Writes the analyses' live logs (services/analysis/events.h) without ever
// blocking the caller: the provider's text pieces arrive on the HTTP
// client's one I/O thread, which must not wait on Redis. Entries are
// buffered and written by a thread of its own every `flush_every` in one
// pipelined round trip; consecutive pieces of one attempt are joined into
// one entry. When Redis is down the entries are dropped (counted and
// logged): the log is a live view, PostgreSQL keeps the result.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "libs/redis/redis_client.h"

namespace plinth::analysis {

class EventPublisher {
 public:
  explicit EventPublisher(std::shared_ptr<redis::RedisClient> redis,
                          std::chrono::milliseconds flush_every = std::chrono::milliseconds(20));
  // Writes what is buffered, then stops.
  ~EventPublisher();
  EventPublisher(const EventPublisher&) = delete;
  EventPublisher& operator=(const EventPublisher&) = delete;

  // An attempt started (the text starts afresh).
  void Running(const std::string& analysis_id, int attempt);
  void Delta(const std::string& analysis_id, int attempt, std::string_view text);
  // The attempt failed and another comes after `retry_in`.
  void Retrying(const std::string& analysis_id, int attempt, const std::string& error, std::chrono::seconds retry_in);
  // The analysis ended: `status` succeeded, failed or cancelled.
  void Done(const std::string& analysis_id, const std::string& status, const std::string& error = "");

  // Entries written and dropped so far (tests, metrics).
  int64_t written() const;

 private:
  struct Entry {
    std::string analysis_id;
    std::string type;
    int attempt = 0;
    std::string text;  // delta
    std::string status, error;
    int64_t retry_in_s = 0;
  };
  void Push(Entry entry);
  void Loop();
  void Write(const std::vector<Entry>& entries);

  std::shared_ptr<redis::RedisClient> redis_;
  std::chrono::milliseconds flush_every_;
  mutable absl::Mutex mu_;
  absl::CondVar flushed_;
  std::vector<Entry> pending_ ABSL_GUARDED_BY(mu_);
  // Analysis id → index in pending_ of its last entry, when a delta.
  std::unordered_map<std::string, size_t> last_delta_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t written_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WORKER_EVENT_PUBLISHER_H_
