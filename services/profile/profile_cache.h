#ifndef PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_
#define PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_

// Redis cache of profiles: key `plinth:profile:v1:<user id>`, value the
// serialized plinth.v1.Profile, TTL 5 minutes. Any writer of a profile
// (this service, billing) deletes or replaces the key after its commit.
// Redis being down is never an error: callers read PostgreSQL.

#include <memory>
#include <optional>
#include <string>

#include "libs/redis/redis_client.h"
#include "plinth/v1/profile.pb.h"

namespace plinth::profile {

class ProfileCache {
 public:
  // `redis` may be null: caching off.
  ProfileCache(std::shared_ptr<redis::RedisClient> redis, int ttl_seconds = 300);

  std::optional<v1::Profile> Get(const std::string& user_id);
  // After a read from PostgreSQL: only if absent, so it never overwrites a
  // newer value a writer stored meanwhile.
  void PutIfAbsent(const v1::Profile& profile);
  // After a write: the new value replaces whatever is cached.
  void Replace(const v1::Profile& profile);

 private:
  std::shared_ptr<redis::RedisClient> redis_;
  int ttl_seconds_;
};

}  // namespace plinth::profile

#endif  // PLINTH_SERVICES_PROFILE_PROFILE_CACHE_H_
