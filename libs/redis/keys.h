#ifndef PLINTH_LIBS_REDIS_KEYS_H_
#define PLINTH_LIBS_REDIS_KEYS_H_

// Redis keys shared between services (docs/ARCHITECTURE.md, "Edge").

#include <string>

namespace plinth::redis {

// The profile service's cache entry for a user. Every writer of a profile
// replaces it after committing: the profile service with the new value,
// other writers with an empty tombstone (kProfileTombstoneSeconds). A reader
// that loaded the old row before the commit fills the cache only if the key
// is absent (SET NX), so the tombstone keeps it from writing the stale row
// back; an empty value reads as a miss.
inline std::string ProfileCacheKey(const std::string& user_id) {
  return "plinth:profile:v1:" + user_id;
}

// Longer than any read can take (statement_timeout is at most 5 s).
constexpr int kProfileTombstoneSeconds = 10;

class RedisClient;

// What a writer of a profile other than the profile service does after its
// commit: the tombstone above. A failure is logged (the entry may be stale
// until its TTL); `redis` null: no cache to invalidate.
void InvalidateProfile(RedisClient* redis, const std::string& user_id);

}  // namespace plinth::redis

#endif  // PLINTH_LIBS_REDIS_KEYS_H_
