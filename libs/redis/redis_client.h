#ifndef PLINTH_LIBS_REDIS_REDIS_CLIENT_H_
#define PLINTH_LIBS_REDIS_REDIS_CLIENT_H_

// A small, thread-safe hiredis client for caches and counters: a few pooled
// connections, short timeouts, and a back-off after a failure so that a dead
// Redis costs callers one fast UNAVAILABLE instead of a connect timeout per
// request. Callers decide what "Redis down" means for them (the profile
// cache falls back to PostgreSQL).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/status/statusor.h>

struct redisContext;

namespace plinth::redis {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
  std::chrono::milliseconds timeout{100};
  std::chrono::milliseconds backoff{1000};
  int max_idle = 8;
};

// Parses redis://[:password@]host[:port][/db].
absl::StatusOr<RedisOptions> ParseUrl(const std::string& url);

// One reply, owned (hiredis' tree copied): what Call returns.
struct Value {
  enum class Type { kNil, kString, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // bulk and status strings; an error's message
  long long integer = 0;
  std::vector<Value> elements;
};

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // nullopt when the key does not exist.
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key);
  absl::Status SetEx(const std::string& key, const std::string& value, int ttl_seconds, bool only_if_absent = false);
  // Any command (argv form). An error reply is INTERNAL with Redis' message
  // (e.g. "redis: NOGROUP ..."); a dead connection UNAVAILABLE.
  absl::StatusOr<Value> Call(const std::vector<std::string>& argv);
  // Several commands in one round trip (a pipeline, not a transaction): one
  // reply per command, in order, an error reply as a Value of type kError;
  // UNAVAILABLE when the connection failed (then none is known to have run).
  absl::StatusOr<std::vector<Value>> CallPipelined(const std::vector<std::vector<std::string>>& commands);

 private:
  struct Reply;
  // Runs one command (argv form, binary-safe).
  absl::StatusOr<std::shared_ptr<Reply>> Command(const std::vector<std::string>& argv);
  redisContext* Acquire(absl::Status* status);
  void Release(redisContext* ctx, bool healthy);

  RedisOptions options_;
  absl::Mutex mu_;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point down_until_ ABSL_GUARDED_BY(mu_){};
};

}  // namespace plinth::redis

#endif  // PLINTH_LIBS_REDIS_REDIS_CLIENT_H_
