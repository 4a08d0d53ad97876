#include "services/profile/profile_cache.h"

#include "libs/logging/logging.h"
#include "libs/redis/keys.h"

namespace plinth::profile {

ProfileCache::ProfileCache(std::shared_ptr<redis::RedisClient> redis, int ttl_seconds)
    : redis_(std::move(redis)), ttl_seconds_(ttl_seconds) {}

std::optional<v1::Profile> ProfileCache::Get(const std::string& user_id) {
  if (!redis_) return std::nullopt;
  auto value = redis_->Get(redis::ProfileCacheKey(user_id));
  if (!value.ok() || !value->has_value()) return std::nullopt;
  v1::Profile profile;
  if (!profile.ParseFromString(**value) || profile.id() != user_id) return std::nullopt;
  return profile;
}

void ProfileCache::PutIfAbsent(const v1::Profile& profile) {
  if (!redis_) return;
  (void)redis_->SetEx(redis::ProfileCacheKey(profile.id()), profile.SerializeAsString(), ttl_seconds_,
                      /*only_if_absent=*/true);
}

void ProfileCache::Replace(const v1::Profile& profile) {
  if (!redis_) return;
  auto status = redis_->SetEx(redis::ProfileCacheKey(profile.id()), profile.SerializeAsString(), ttl_seconds_);
  if (!status.ok()) {
    // The entry may now be stale until its TTL: say so.
    logging::Warn("profile cache not updated after a write", {{"error", std::string(status.message())}});
  }
}

}  // namespace plinth::profile
