#ifndef PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_
#define PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_

// Redis cache of profiles, the profile service's own business: key
// `plinth:profile:v2:<generation>:<user id>`, value the serialized
// plinth.v1.Profile, TTL 5 minutes. Redis being down is never an error:
// callers read PostgreSQL.
//
// Kept exact without other services' help:
//   - this service's own writes replace the entry (Replace);
//   - billing's writes to a user's account notify `plinth_profile_changed`
//     after commit (migration 0012); the service's listener tombstones the
//     entry (Invalidate): an empty value for kTombstoneSeconds, so that a
//     read that loaded the row before the commit and stores it after (SET NX,
//     PutIfAbsent) cannot put the old row back; an empty value reads as a
//     miss;
//   - notifications sent while the listener was not connected are lost:
//     every (re)connection starts a new generation (NewGeneration), so no
//     entry written before it is read again (they expire by their TTL).
// Generations are per process: replicas do not share entries, and one's
// reconnection costs the others nothing.

#include <memory>
#include <optional>
#include <string>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "libs/redis/redis_client.h"
#include "plinth/v1/profile.pb.h"

namespace plinth::profile {

class ProfileCache {
 public:
  // Longer than any read can take (statement_timeout is at most 5 s).
  static constexpr int kTombstoneSeconds = 10;

  // `redis` may be null: caching off.
  explicit ProfileCache(std::shared_ptr<redis::RedisClient> redis, int ttl_seconds = 300);

  std::optional<v1::Profile> Get(const std::string& user_id);
  // After a read from PostgreSQL: only if absent, so it never overwrites a
  // newer value or a tombstone stored meanwhile.
  void PutIfAbsent(const v1::Profile& profile);
  // After this service's own write: the new value replaces whatever is cached.
  void Replace(const v1::Profile& profile);
  // After someone else's committed write (the listener): the tombstone.
  void Invalidate(const std::string& user_id);
  // The listener (re)connected: entries written before may have missed an
  // invalidation.
  void NewGeneration();

  // The key of `user_id` in the current generation (tests).
  std::string KeyOf(const std::string& user_id);

 private:
  std::shared_ptr<redis::RedisClient> redis_;
  int ttl_seconds_;
  absl::Mutex mu_;
  std::string generation_ ABSL_GUARDED_BY(mu_);
};

}  // namespace plinth::profile

#endif  // PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_
