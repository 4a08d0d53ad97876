#include "libs/validation/text.h"

#include "libs/utf8/utf8.h"

namespace plinth::validation {

std::optional<size_t> CodePoints(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    size_t len = utf8::SequenceLength(s, i);
    if (len == 0) return std::nullopt;
    i += len;
  }
  return count;
}

bool HasControlCharacters(std::string_view s, bool allow_newlines) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
      return true;
    }
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xc2 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x9f) return true;
    }
  }
  return false;
}

std::optional<std::string> CheckUrl(std::string_view url, size_t max_chars, bool allow_http) {
  if (url.size() > max_chars) return "must be at most " + std::to_string(max_chars) + " characters";
  const char* kind = allow_http ? "an http(s) URL" : "an https URL";
  size_t scheme_end = 0;
  if (url.substr(0, 8) == "https://") {
    scheme_end = 8;
  } else if (allow_http && url.substr(0, 7) == "http://") {
    scheme_end = 7;
  } else {
    return std::string("must be ") + kind;
  }
  std::string_view rest = url.substr(scheme_end);
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.find('@') != std::string_view::npos) return std::string("must be ") + kind + " with a host";
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) return "must not contain spaces or non-ASCII characters";
  }
  return std::nullopt;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

bool IsStreamId(std::string_view s) {
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  // Up to 19 digits each: always within Redis' 64-bit parts (a millisecond
  // clock has 13), and a rule a pattern can state exactly.
  auto digits = [](std::string_view part) {
    if (part.empty() || part.size() > 19) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  return digits(s.substr(0, dash)) && digits(s.substr(dash + 1));
}

}  // namespace plinth::validation
