#ifndef PLINTH_LIBS_HTTP_SSE_H_
#define PLINTH_LIBS_HTTP_SSE_H_

// An incremental parser of Server-Sent Events (the WHATWG "event stream"
// format, text/event-stream): bytes in as they arrive, whole events out.
// Lines end with \n, \r\n or \r (a \r\n split across two chunks is one
// ending); a blank line dispatches the event; `data:` lines are joined with
// \n; lines starting with ':' are comments; one space after the colon is
// dropped. Used for the model providers' streamed answers.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace plinth::http {

struct SseEvent {
  std::string event;  // "message" when the stream named none
  std::string data;
  std::string id;  // the last `id:` seen (it persists across events)
};

class SseParser {
 public:
  // A line longer than this is refused (Feed returns false): a stream that
  // never ends its lines cannot grow memory without bound.
  explicit SseParser(size_t max_line_bytes = 1 << 20) : max_line_bytes_(max_line_bytes) {}

  // Parses `bytes`, calling `on_event` for each event they complete. False
  // after a line over the limit (the stream is unusable from there on).
  bool Feed(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event);

 private:
  void Line(std::string_view line, const std::function<void(const SseEvent&)>& on_event);

  size_t max_line_bytes_;
  std::string line_;
  bool after_cr_ = false;
  bool has_data_ = false;
  SseEvent event_;
  std::string last_id_;
};

}  // namespace plinth::http

#endif  // PLINTH_LIBS_HTTP_SSE_H_
