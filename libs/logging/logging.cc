#include "libs/logging/logging.h"

#include <chrono>
#include <ctime>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "libs/utf8/utf8.h"

namespace plinth::logging {
namespace {

std::string& ServiceName() {
  static std::string name = "plinth";
  return name;
}

thread_local std::string t_request_id;
thread_local std::string t_user_id;
thread_local std::string t_traceparent;

std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(millis));
  return buf;
}

void Emit(spdlog::level::level_enum level, std::string_view name, std::string_view msg, const Fields& fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  logger->log(level, "{}", FormatLine(name, msg, fields));
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Runs of printable ASCII go in one append.
    size_t run = i;
    while (run < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      ++run;
    }
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8::SequenceLength(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
    }
    ++i;
  }
  out.push_back('"');
}

void AppendKey(std::string& out, std::string_view key) {
  out.push_back(',');
  AppendJsonString(out, key);
  out.push_back(':');
}

void AppendStringOrNull(std::string& out, std::string_view key, std::string_view value) {
  AppendKey(out, key);
  if (value.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, value);
  }
}

}  // namespace

// Built by hand into one string: an ordered_json object per line was most of
// a log call's cost (a node and a string per key, then the dump).
std::string FormatLine(std::string_view level, std::string_view msg, const Fields& fields) {
  std::string line;
  line.reserve(256);
  line += "{\"ts\":\"";
  line += NowRfc3339();
  line.push_back('"');
  AppendKey(line, "level");
  AppendJsonString(line, level);
  AppendKey(line, "service");
  AppendJsonString(line, ServiceName());
  AppendStringOrNull(line, "request_id", t_request_id);
  AppendStringOrNull(line, "user_id", t_user_id);
  // traceparent = 00-<trace id>-<parent id>-<flags>
  AppendStringOrNull(line, "trace_id",
                     t_traceparent.size() == 55 ? std::string_view(t_traceparent).substr(3, 32) : std::string_view());
  AppendKey(line, "msg");
  AppendJsonString(line, msg);
  for (const auto& [key, value] : fields) {
    AppendKey(line, key);
    AppendJsonString(line, value);
  }
  line.push_back('}');
  return line;
}

void Init(std::string_view service, std::string_view level) {
  ServiceName() = std::string(service);
  auto logger =
      std::make_shared<spdlog::logger>(std::string(service), std::make_shared<spdlog::sinks::stdout_sink_mt>());
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::from_str(std::string(level)));
  // Flushing every line cost a write(2) per call; warnings and errors are
  // flushed at once, the rest at least every second.
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

void Debug(std::string_view msg, const Fields& f) { Emit(spdlog::level::debug, "debug", msg, f); }
void Info(std::string_view msg, const Fields& f) { Emit(spdlog::level::info, "info", msg, f); }
void Warn(std::string_view msg, const Fields& f) { Emit(spdlog::level::warn, "warn", msg, f); }
void Error(std::string_view msg, const Fields& f) { Emit(spdlog::level::err, "error", msg, f); }

RequestContext::RequestContext(std::string request_id, std::string user_id)
    : saved_request_id_(std::move(t_request_id)), saved_user_id_(std::move(t_user_id)) {
  t_request_id = std::move(request_id);
  t_user_id = std::move(user_id);
}

RequestContext::~RequestContext() {
  t_request_id = std::move(saved_request_id_);
  t_user_id = std::move(saved_user_id_);
}

void RequestContext::Set(std::string request_id, std::string user_id) {
  t_request_id = std::move(request_id);
  t_user_id = std::move(user_id);
}

void RequestContext::SetUserId(std::string user_id) { t_user_id = std::move(user_id); }
void RequestContext::SetTraceParent(std::string traceparent) { t_traceparent = std::move(traceparent); }
const std::string& RequestContext::TraceParent() { return t_traceparent; }

bool ValidTraceParent(std::string_view v) {
  // W3C trace context, version 00: 00-<32 hex>-<16 hex>-<2 hex>, ids not zero.
  if (v.size() != 55 || v.substr(0, 3) != "00-" || v[35] != '-' || v[52] != '-') return false;
  auto hex = [](std::string_view s) {
    bool nonzero = false;
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
      nonzero |= c != '0';
    }
    return nonzero;
  };
  return hex(v.substr(3, 32)) && hex(v.substr(36, 16)) && (hex(v.substr(53, 2)) || v.substr(53, 2) == "00");
}
const std::string& RequestContext::RequestId() { return t_request_id; }
const std::string& RequestContext::UserId() { return t_user_id; }

}  // namespace plinth::logging
