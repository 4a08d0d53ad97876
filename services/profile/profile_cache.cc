#include "services/profile/profile_cache.h"

#include "libs/auth/jwt.h"
#include "libs/logging/logging.h"

namespace plinth::profile {

ProfileCache::ProfileCache(std::shared_ptr<redis::RedisClient> redis, int ttl_seconds)
    : redis_(std::move(redis)), ttl_seconds_(ttl_seconds) {
  NewGeneration();
}

void ProfileCache::NewGeneration() {
  // Random: a restarted process must not reuse its previous generation.
  std::string generation = auth::NewUuid().substr(0, 8);
  absl::MutexLock lock(&mu_);
  generation_ = std::move(generation);
}

std::string ProfileCache::KeyOf(const std::string& user_id) {
  absl::MutexLock lock(&mu_);
  return "plinth:profile:v2:" + generation_ + ":" + user_id;
}

std::optional<v1::Profile> ProfileCache::Get(const std::string& user_id) {
  if (!redis_) return std::nullopt;
  auto value = redis_->Get(KeyOf(user_id));
  if (!value.ok() || !value->has_value()) return std::nullopt;
  v1::Profile profile;
  if (!profile.ParseFromString(**value) || profile.id() != user_id) return std::nullopt;
  return profile;
}

void ProfileCache::PutIfAbsent(const v1::Profile& profile) {
  if (!redis_) return;
  (void)redis_->SetEx(KeyOf(profile.id()), profile.SerializeAsString(), ttl_seconds_, /*only_if_absent=*/true);
}

void ProfileCache::Replace(const v1::Profile& profile) {
  if (!redis_) return;
  auto status = redis_->SetEx(KeyOf(profile.id()), profile.SerializeAsString(), ttl_seconds_);
  if (!status.ok()) {
    // The entry may now be stale until its TTL: say so.
    logging::Warn("profile cache not updated after a write", {{"error", std::string(status.message())}});
  }
}

void ProfileCache::Invalidate(const std::string& user_id) {
  if (!redis_) return;
  if (auto s = redis_->SetEx(KeyOf(user_id), "", kTombstoneSeconds); !s.ok()) {
    logging::Warn("profile cache not invalidated; stale for up to its TTL",
                  {{"user", user_id}, {"error", std::string(s.message())}});
  }
}

}  // namespace plinth::profile
