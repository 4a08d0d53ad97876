#ifndef PLINTH_LIBS_LOGGING_LOGGING_H_
#define PLINTH_LIBS_LOGGING_LOGGING_H_

// One JSON object per line on stdout:
//   {"ts":"2026-01-02T03:04:05.678Z","level":"info","service":"profile",
//    "request_id":"...","user_id":"...","trace_id":"...","msg":"...", ...extra fields}
// request_id, user_id and trace_id come from the calling thread's
// RequestContext, which the gRPC interceptor (and the worker, per job) sets.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plinth::logging {

// Extra key/value pairs of a line, after the fixed keys above (a field must
// not reuse a fixed key's name).
using Fields = std::vector<std::pair<std::string, std::string>>;

// Call once from main(). `level` is one of debug, info, warn, error.
void Init(std::string_view service, std::string_view level = "info");

void Debug(std::string_view msg, const Fields& fields = {});
void Info(std::string_view msg, const Fields& fields = {});
void Warn(std::string_view msg, const Fields& fields = {});
void Error(std::string_view msg, const Fields& fields = {});

// Per-thread request context stamped on every line logged while it is alive.
class RequestContext {
 public:
  RequestContext(std::string request_id, std::string user_id);
  ~RequestContext();
  RequestContext(const RequestContext&) = delete;
  RequestContext& operator=(const RequestContext&) = delete;

  // For hooks that cannot hold an object across a call (interceptors).
  static void Set(std::string request_id, std::string user_id);
  static void SetUserId(std::string user_id);
  // The W3C traceparent of the work in progress ("" when none): logged as
  // trace_id, passed on to the calls the work makes.
  static void SetTraceParent(std::string traceparent);
  static const std::string& TraceParent();
  static const std::string& RequestId();
  static const std::string& UserId();

 private:
  std::string saved_request_id_;
  std::string saved_user_id_;
};

// A W3C traceparent header of version 00 with non-zero ids.
bool ValidTraceParent(std::string_view value);

// Formats one log line; exposed for tests. Bytes that are not UTF-8 are
// written as U+FFFD, so a client's bytes cannot make a line invalid JSON.
std::string FormatLine(std::string_view level, std::string_view msg, const Fields& fields);

}  // namespace plinth::logging

#endif  // PLINTH_LIBS_LOGGING_LOGGING_H_
