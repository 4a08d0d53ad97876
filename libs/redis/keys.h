#ifndef PLINTH_LIBS_REDIS_KEYS_H_
#define PLINTH_LIBS_REDIS_KEYS_H_

// Redis keys shared between services (docs/ARCHITECTURE.md, "Edge").

#include <string>

namespace plinth::redis {

// The profile service's cache entry for a user; every writer of a profile
// deletes or replaces it after committing.
inline std::string ProfileCacheKey(const std::string& user_id) {
  return "plinth:profile:v1:" + user_id;
}

}  // namespace plinth::redis

#endif  // PLINTH_LIBS_REDIS_KEYS_H_
