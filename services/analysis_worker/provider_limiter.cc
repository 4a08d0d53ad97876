#include "services/analysis_worker/provider_limiter.h"

#include <algorithm>

#include "libs/metrics/metrics.h"

namespace plinth::analysis {
namespace {

// Token buckets r (requests), i (input tokens), o (output tokens), each
// holding at most its window's limit and refilled at limit / window, at the
// time Redis gives (workers' clocks may differ): the levels now, in `level`.
// KEYS[1]: the buckets' hash. ARGV[1]: window ms, ARGV[2..4]: limits r i o.
constexpr char kRefill[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'r', 'i', 'o', 't')
local last = tonumber(state[4]) or now
local level = {}
for k = 1, 3 do
  local cap = tonumber(ARGV[1 + k])
  level[k] = cap > 0 and math.min(cap, (tonumber(state[k]) or cap) + (now - last) * cap / window) or 0
end
local function store()
  redis.call('HSET', KEYS[1], 'r', level[1], 'i', level[2], 'o', level[3], 't', now)
  redis.call('PEXPIRE', KEYS[1], window * 2)
end
)lua";

// All three taken (needs ARGV[5..7]), or none and the wait in ms until all
// would be there. KEYS[2]: the pause key.
const std::string& AcquireScript() {
  static const std::string script = std::string(kRefill) + R"lua(
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return pause - now end
local wait = 0
for k = 1, 3 do
  local cap = tonumber(ARGV[1 + k])
  if cap > 0 then
    local need = math.min(tonumber(ARGV[4 + k]), cap)
    if level[k] < need then wait = math.max(wait, math.ceil((need - level[k]) * window / cap)) end
    level[k] = level[k] - need
  end
end
if wait > 0 then return wait end
store()
return 0
)lua";
  return script;
}

// After a call: its input tokens (ARGV[5]) taken, the unused output
// (ARGV[6]) given back.
const std::string& SettleScript() {
  static const std::string script = std::string(kRefill) + R"lua(
if tonumber(ARGV[3]) > 0 then level[2] = level[2] - tonumber(ARGV[5]) end
if tonumber(ARGV[4]) > 0 then level[3] = math.min(tonumber(ARGV[4]), level[3] + tonumber(ARGV[6])) end
store()
return 0
)lua";
  return script;
}

// Sets the pause to end at now + ARGV[1] ms unless one ends later.
constexpr char kPause[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
if until_ms > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]))
end
return 0
)lua";

}  // namespace

ProviderLimiter::ProviderLimiter(std::shared_ptr<redis::RedisClient> redis, const std::string& scope,
                                 ProviderLimits limits)
    : redis_(std::move(redis)),
      bucket_key_("plinth:llm:limits:" + scope),
      pause_key_("plinth:llm:pause:" + scope),
      limits_(limits) {
  // The configured budget per minute, next to plinth_llm_tokens_total: the
  // usage-against-limit ratio and its alert (PlinthProviderNearLimit).
  static auto& family = metrics::GaugeFamily(
      "plinth_llm_rate_limit_per_minute",
      "The shared provider limits configured (LLM_RATE_*), per minute, by direction (requests, input, output).");
  const double per_minute = 60.0 / static_cast<double>(std::max<int64_t>(1, limits_.window.count()));
  const std::pair<const char*, int64_t> kinds[] = {
      {"requests", limits_.requests}, {"input", limits_.input_tokens}, {"output", limits_.output_tokens}};
  for (const auto& [direction, limit] : kinds) {
    if (limit > 0)
      family.Add({{"direction", direction}, {"scope", scope}}).Set(static_cast<double>(limit) * per_minute);
  }
}

absl::StatusOr<std::chrono::milliseconds> ProviderLimiter::Acquire(int64_t output_tokens) {
  const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(limits_.window).count();
  auto reply = redis_->Call({"EVAL", AcquireScript(), "2", bucket_key_, pause_key_, std::to_string(window_ms),
                             std::to_string(limits_.requests), std::to_string(limits_.input_tokens),
                             std::to_string(limits_.output_tokens), "1", "0", std::to_string(output_tokens)});
  if (!reply.ok()) return reply.status();
  return std::chrono::milliseconds(std::max<long long>(0, reply->integer));
}

absl::Status ProviderLimiter::Settle(int64_t input_tokens, int64_t reserved_output, int64_t used_output) {
  const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(limits_.window).count();
  return redis_
      ->Call({"EVAL", SettleScript(), "1", bucket_key_, std::to_string(window_ms), std::to_string(limits_.requests),
              std::to_string(limits_.input_tokens), std::to_string(limits_.output_tokens), std::to_string(input_tokens),
              std::to_string(std::max<int64_t>(0, reserved_output - used_output))})
      .status();
}

absl::Status ProviderLimiter::PauseFor(std::chrono::milliseconds pause) {
  if (pause.count() <= 0) return absl::OkStatus();
  return redis_->Call({"EVAL", kPause, "1", pause_key_, std::to_string(pause.count())}).status();
}

}  // namespace plinth::analysis
