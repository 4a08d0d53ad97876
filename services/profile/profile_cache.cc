#include "services/profile/profile_cache.h"

#include <algorithm>

#include <absl/hash/hash.h>

namespace plinth::profile {

ProfileCache::ProfileCache(Options options, Clock clock) : options_(options), clock_(std::move(clock)) {}

ProfileCache::Shard& ProfileCache::ShardOf(const std::string& user_id) {
  return shards_[absl::Hash<std::string>{}(user_id) % kShards];
}

std::optional<v1::Profile> ProfileCache::Get(const std::string& user_id) {
  if (!listening_.load(std::memory_order_acquire)) return std::nullopt;
  Shard& shard = ShardOf(user_id);
  const absl::Time now = clock_();
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(user_id);
  if (it == shard.entries.end() || !it->second.profile || it->second.expires <= now) return std::nullopt;
  return it->second.profile;
}

void ProfileCache::Put(const v1::Profile& profile, uint64_t ticket) {
  Shard& shard = ShardOf(profile.id());
  const absl::Time now = clock_();
  absl::MutexLock lock(&shard.mu);
  // Under the lock: an emptying raises the floor before it takes each shard's.
  if (!listening_.load(std::memory_order_acquire) || ticket < floor_.load(std::memory_order_acquire)) return;
  auto it = shard.entries.find(profile.id());
  if (it != shard.entries.end() && !it->second.profile && it->second.expires > now && it->second.stamp > ticket) {
    return;  // changed after this load began: what it read may be old
  }
  Store(shard, profile.id(), Entry{profile, 0, now + options_.ttl}, now);
}

void ProfileCache::Invalidate(const std::string& user_id) {
  const uint64_t stamp = sequence_.fetch_add(1, std::memory_order_acq_rel) + 1;
  Shard& shard = ShardOf(user_id);
  const absl::Time now = clock_();
  absl::MutexLock lock(&shard.mu);
  Store(shard, user_id, Entry{std::nullopt, stamp, now + absl::Seconds(kTombstoneSeconds)}, now);
}

void ProfileCache::SetListening(bool listening) {
  if (listening) {
    floor_.store(sequence_.fetch_add(1, std::memory_order_acq_rel) + 1, std::memory_order_release);
    for (Shard& shard : shards_) {
      absl::MutexLock lock(&shard.mu);
      shard.entries.clear();
    }
  }
  listening_.store(listening, std::memory_order_release);
}

size_t ProfileCache::Size() {
  size_t size = 0;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    size += shard.entries.size();
  }
  return size;
}

void ProfileCache::Store(Shard& shard, const std::string& user_id, Entry entry, absl::Time now) {
  if (!shard.entries.contains(user_id)) MakeRoom(shard, now);
  shard.entries.insert_or_assign(user_id, std::move(entry));
}

void ProfileCache::MakeRoom(Shard& shard, absl::Time now) {
  const size_t limit = std::max<size_t>(1, options_.max_entries / kShards);
  if (shard.entries.size() < limit) return;
  absl::erase_if(shard.entries, [now](const auto& kv) { return kv.second.expires <= now; });
  // Still full: any entry goes (a miss costs one read); tombstones stay
  // while they guard a load in flight.
  for (auto it = shard.entries.begin(); shard.entries.size() >= limit && it != shard.entries.end();) {
    if (it->second.profile) {
      shard.entries.erase(it++);
    } else {
      ++it;
    }
  }
}

}  // namespace plinth::profile
