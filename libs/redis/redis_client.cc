#include "libs/redis/redis_client.h"

#include <hiredis/hiredis.h>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

#include "libs/errors/errors.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"

namespace plinth::redis {

struct RedisClient::Reply {
  explicit Reply(redisReply* r) : reply(r) {}
  ~Reply() { freeReplyObject(reply); }
  redisReply* reply;
};

absl::StatusOr<RedisOptions> ParseUrl(const std::string& url) {
  RedisOptions o;
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme.data(), 0) != 0) return absl::InvalidArgumentError("not a redis:// URL");
  std::string rest = url.substr(kScheme.size());
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string auth = rest.substr(0, at);
    o.password = auth.substr(auth.find(':') == std::string::npos ? 0 : auth.find(':') + 1);
    rest = rest.substr(at + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    if (!db.empty() && !absl::SimpleAtoi(db, &o.db)) return absl::InvalidArgumentError("bad db");
    rest = rest.substr(0, slash);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == std::string::npos) {
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &o.port)) return absl::InvalidArgumentError("bad port");
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) o.host = rest;
  return o;
}

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {}

RedisClient::~RedisClient() {
  for (auto* ctx : idle_) redisFree(ctx);
}

redisContext* RedisClient::Acquire(absl::Status* status) {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      auto* ctx = idle_.back();
      idle_.pop_back();
      return ctx;
    }
    if (std::chrono::steady_clock::now() < down_until_) {
      *status = errors::Unavailable("redis unavailable (backing off)");
      return nullptr;
    }
  }
  const auto ms = options_.timeout.count();
  timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  redisContext* ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port, tv);
  auto fail = [&](const std::string& why) -> redisContext* {
    if (ctx != nullptr) redisFree(ctx);
    absl::MutexLock lock(&mu_);
    down_until_ = std::chrono::steady_clock::now() + options_.backoff;
    *status = errors::Unavailable("redis unavailable: " + why);
    return nullptr;
  };
  if (ctx == nullptr || ctx->err) return fail(ctx ? ctx->errstr : "out of memory");
  redisSetTimeout(ctx, tv);
  auto check = [&](redisReply* r) {
    bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    if (r != nullptr) freeReplyObject(r);
    return ok;
  };
  if (!options_.password.empty() &&
      !check(static_cast<redisReply*>(redisCommand(ctx, "AUTH %s", options_.password.c_str())))) {
    return fail("authentication failed");
  }
  if (options_.db != 0 && !check(static_cast<redisReply*>(redisCommand(ctx, "SELECT %d", options_.db)))) {
    return fail("cannot select db");
  }
  return ctx;
}

void RedisClient::Release(redisContext* ctx, bool healthy) {
  absl::MutexLock lock(&mu_);
  if (healthy && static_cast<int>(idle_.size()) < options_.max_idle) {
    idle_.push_back(ctx);
    return;
  }
  if (!healthy) down_until_ = std::chrono::steady_clock::now() + options_.backoff;
  redisFree(ctx);
}

namespace {

// Failed commands, by kind: unavailable (no connection, backing off, a
// broken one) or error (Redis answered an error).
void CountError(const char* kind) {
  static auto& family = metrics::CounterFamily("plinth_redis_errors_total", "Redis commands that failed, by kind.");
  static auto& unavailable = family.Add({{"kind", "unavailable"}});
  static auto& error = family.Add({{"kind", "error"}});
  (std::string_view(kind) == "error" ? error : unavailable).Increment();
}

}  // namespace

absl::StatusOr<std::shared_ptr<RedisClient::Reply>> RedisClient::Command(const std::vector<std::string>& argv) {
  absl::Status status;
  redisContext* ctx = Acquire(&status);
  if (ctx == nullptr) {
    CountError("unavailable");
    return status;
  }
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* raw = static_cast<redisReply*>(redisCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lens.data()));
  if (raw == nullptr) {
    std::string why = ctx->errstr;
    Release(ctx, false);
    CountError("unavailable");
    return errors::Unavailable("redis: " + why);
  }
  Release(ctx, true);
  auto reply = std::make_shared<Reply>(raw);
  if (raw->type == REDIS_REPLY_ERROR) {
    CountError("error");
    return errors::Internal(absl::StrCat("redis: ", std::string(raw->str, raw->len)));
  }
  return reply;
}

absl::StatusOr<std::optional<std::string>> RedisClient::Get(const std::string& key) {
  auto reply = Command({"GET", key});
  if (!reply.ok()) return reply.status();
  auto* r = (*reply)->reply;
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r->str, r->len));
}

absl::Status RedisClient::SetEx(const std::string& key, const std::string& value, int ttl_seconds,
                                bool only_if_absent) {
  std::vector<std::string> argv = {"SET", key, value, "EX", std::to_string(ttl_seconds)};
  if (only_if_absent) argv.push_back("NX");
  return Command(argv).status();
}

namespace {

Value Copy(const redisReply* r) {
  Value v;
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      v.type = Value::Type::kString;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      v.type = Value::Type::kError;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      v.type = Value::Type::kInteger;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      v.type = Value::Type::kArray;
      v.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) v.elements.push_back(Copy(r->element[i]));
      break;
    default:
      break;
  }
  return v;
}

}  // namespace

absl::StatusOr<std::vector<Value>> RedisClient::CallPipelined(const std::vector<std::vector<std::string>>& commands) {
  absl::Status status;
  redisContext* ctx = Acquire(&status);
  if (ctx == nullptr) {
    CountError("unavailable");
    return status;
  }
  for (const auto& argv : commands) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lens.data()) != REDIS_OK) {
      Release(ctx, false);
      CountError("unavailable");
      return errors::Unavailable("redis: could not queue a command");
    }
  }
  std::vector<Value> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) {
      std::string why = ctx->errstr;
      Release(ctx, false);
      CountError("unavailable");
      return errors::Unavailable("redis: " + why);
    }
    Reply reply(static_cast<redisReply*>(raw));
    out.push_back(Copy(reply.reply));
  }
  Release(ctx, true);
  return out;
}

absl::StatusOr<Value> RedisClient::Call(const std::vector<std::string>& argv) {
  auto reply = Command(argv);
  if (!reply.ok()) return reply.status();
  return Copy((*reply)->reply);
}

}  // namespace plinth::redis
