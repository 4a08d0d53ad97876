#ifndef PLINTH_SERVICES_ANALYSIS_JOB_QUEUE_H_
#define PLINTH_SERVICES_ANALYSIS_JOB_QUEUE_H_

// The analysis job queue on Redis: a stream read by one consumer group
// (at-least-once: an entry stays pending until acknowledged, and a dead
// consumer's entries are claimed by another after the job limit) and a
// sorted set of analyses waiting out a retry back-off (score: when they are
// due), moved back onto the stream by whichever worker sees them due first.
//
// Redis is a delivery mechanism, not the record: PostgreSQL's `analyses` row
// says what is to be done, so a lost entry costs a delay (the sweeper
// re-enqueues) and a duplicate costs nothing (claiming a row is atomic).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/redis/redis_client.h"

namespace plinth::analysis {

struct JobEntry {
  std::string entry_id;     // the stream entry, for Ack
  std::string analysis_id;  // may be malformed if someone else wrote the stream
  std::string traceparent;  // of the request that created the analysis; may be empty
  std::string user_id;      // whose analysis (the workers' fair share); may be empty
};

// A worker as the queue sees it (a consumer of its group).
struct ConsumerLoad {
  std::string name;
  int64_t in_flight = 0;  // entries delivered, not yet acknowledged
  int64_t idle_ms = 0;    // since it last read or acknowledged
};

class JobQueue {
 public:
  // `redis` for short commands; `blocking` for Read, whose timeout must
  // exceed the block time.
  JobQueue(std::shared_ptr<redis::RedisClient> redis, std::shared_ptr<redis::RedisClient> blocking = nullptr);

  // `traceparent`: the W3C trace context to carry to the worker ("" none);
  // `user_id`: whose analysis, for the workers' fair share ("" unknown).
  absl::Status Enqueue(const std::string& analysis_id, const std::string& traceparent = "",
                       const std::string& user_id = "");
  // Entries waiting or in progress on the stream plus analyses waiting out a
  // back-off: the worker's autoscaling signal (acknowledged entries are
  // deleted, so the stream's length is what is left to do).
  absl::StatusOr<int64_t> Depth();
  // Creates the stream and the group when missing (idempotent).
  absl::Status EnsureGroup();
  // New entries for `consumer`, waiting up to `block` for the first.
  absl::StatusOr<std::vector<JobEntry>> Read(const std::string& consumer, int count, std::chrono::milliseconds block);
  // Entries pending longer than `min_idle` (their consumer died or hung),
  // transferred to `consumer`. Walks the pending list across calls.
  absl::StatusOr<std::vector<JobEntry>> Reclaim(const std::string& consumer, std::chrono::milliseconds min_idle,
                                                int count);
  // Done with an entry: acknowledged and deleted from the stream.
  absl::Status Ack(const std::string& entry_id);
  // Re-delivers the analysis once `due` has passed (see PromoteDue), at the
  // stream's end.
  absl::Status Delay(const std::string& analysis_id, std::chrono::system_clock::time_point due,
                     const std::string& user_id = "");
  // Moves up to `max` due analyses from the delay set to the stream; returns
  // how many moved.
  absl::StatusOr<int64_t> PromoteDue(int max);

  // The group's consumers: each worker's analyses in flight (or waiting for
  // one of its slots). A worker that died stays listed, idle, until its
  // entries are reclaimed.
  absl::StatusOr<std::vector<ConsumerLoad>> Consumers();
  // A provider's 429, counted per minute (kept 15 minutes) for the
  // operators' figures; RateLimitedRecently sums the last `minutes` (<= 15).
  absl::Status CountRateLimited();
  absl::StatusOr<int64_t> RateLimitedRecently(int minutes);

  static constexpr char kStream[] = "plinth:analyses:jobs";
  static constexpr char kGroup[] = "analysis-workers";
  static constexpr char kDelayed[] = "plinth:analyses:delayed";
  static constexpr char kRateLimitedPrefix[] = "plinth:llm:rate_limited:";

 private:
  std::shared_ptr<redis::RedisClient> redis_;
  std::shared_ptr<redis::RedisClient> blocking_;
  std::string reclaim_cursor_ = "0-0";
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_JOB_QUEUE_H_
