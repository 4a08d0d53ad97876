#ifndef PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_
#define PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_

// The profile service's cache of profiles, in its own memory: a hit costs a
// hash lookup, no network round trip (docs/PERFORMANCE.md). Each replica
// keeps its own.
//
// Kept exact by the database's notifications: every committed change to a
// profile or to its billing account notifies `plinth_profile_changed` with
// the user id (migrations 0012 and 0017), whoever wrote it; the service's
// listener invalidates the entry (Invalidate), as does the service itself
// right after its own write. An invalidation leaves a tombstone for
// kTombstoneSeconds, stamped with a sequence number, so that a read that
// loaded the row before the change and stores it after (Put with the ticket
// of BeginLoad) cannot put the old row back.
//
// Notifications sent while the listener is not connected are lost: while it
// is down nothing is served or stored (SetListening(false)); when it is back
// the cache starts empty. A connection that dies without a sign (a peer that
// vanished) is bounded by the entries' TTL: no entry is served older than it.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <absl/base/thread_annotations.h>
#include <absl/container/flat_hash_map.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>

#include "plinth/v1/profile.pb.h"

namespace plinth::profile {

class ProfileCache {
 public:
  // Longer than any read can take (statement_timeout is at most 5 s).
  static constexpr int kTombstoneSeconds = 10;

  struct Options {
    absl::Duration ttl = absl::Seconds(60);
    // Beyond this, expired entries go first, then any.
    size_t max_entries = 200000;
  };
  using Clock = std::function<absl::Time()>;

  explicit ProfileCache(
      Options options, Clock clock = [] { return absl::Now(); });

  std::optional<v1::Profile> Get(const std::string& user_id);
  // Before reading a profile from PostgreSQL: the ticket to store it with.
  uint64_t BeginLoad() const { return sequence_.load(std::memory_order_acquire); }
  // After the read: stored unless the user's profile changed since the ticket
  // was taken, or the cache was emptied since.
  void Put(const v1::Profile& profile, uint64_t ticket);
  // A committed change: the entry is gone and loads begun before cannot put
  // it back.
  void Invalidate(const std::string& user_id);
  // The listener's state: while down, nothing is served or stored; back up,
  // the cache starts empty (what was missed meanwhile is unknown).
  void SetListening(bool listening);

  size_t Size();

 private:
  struct Entry {
    std::optional<v1::Profile> profile;  // empty: a tombstone
    uint64_t stamp = 0;                  // a tombstone's invalidation number
    absl::Time expires;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Entry> entries ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  Shard& ShardOf(const std::string& user_id);
  // Sets the user's entry, making room first when it is new.
  void Store(Shard& shard, const std::string& user_id, Entry entry, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  void MakeRoom(Shard& shard, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const Options options_;
  const Clock clock_;
  std::array<Shard, kShards> shards_;
  // Bumped by every invalidation and every emptying.
  std::atomic<uint64_t> sequence_{1};
  // Tickets older than this were taken before the cache was last emptied.
  std::atomic<uint64_t> floor_{0};
  std::atomic<bool> listening_{false};
};

}  // namespace plinth::profile

#endif  // PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_
