#include "libs/http/sse.h"

namespace plinth::http {

bool SseParser::Feed(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event) {
  for (char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // the \n of a \r\n
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      Line(line_, on_event);
      line_.clear();
      continue;
    }
    if (line_.size() >= max_line_bytes_) return false;
    line_.push_back(c);
  }
  return true;
}

void SseParser::Line(std::string_view line, const std::function<void(const SseEvent&)>& on_event) {
  if (line.empty()) {
    if (has_data_) {
      if (!event_.data.empty() && event_.data.back() == '\n') event_.data.pop_back();
      if (event_.event.empty()) event_.event = "message";
      event_.id = last_id_;
      on_event(event_);
    }
    event_ = SseEvent();
    has_data_ = false;
    return;
  }
  if (line[0] == ':') return;  // a comment
  const size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (field == "event") {
    event_.event = std::string(value);
  } else if (field == "data") {
    event_.data.append(value);
    event_.data.push_back('\n');
    has_data_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = std::string(value);
  }
  // `retry` and unknown fields: ignored.
}

}  // namespace plinth::http
