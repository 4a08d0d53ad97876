// libFuzzer target: the text validators every request field goes through
// (UTF-8, control characters, length, URLs, paging).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/validation/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto chars = plinth::validation::CodePoints(text);
  if (chars && *chars > size) std::abort();  // never more code points than bytes
  bool strict = plinth::validation::HasControlCharacters(text, false);
  bool lenient = plinth::validation::HasControlCharacters(text, true);
  if (lenient && !strict) std::abort();  // allowing newlines can only allow more
  auto line = plinth::validation::CheckLine(text, 1, 200);
  if (!line && (!chars || *chars < 1 || *chars > 200)) std::abort();  // accepted text is valid and in range
  (void)plinth::validation::CheckHttpsUrl(text, 2048);
  if (size >= 16) {
    int64_t page, limit;
    std::memcpy(&page, data, 8);
    std::memcpy(&limit, data + 8, 8);
    std::vector<std::pair<std::string, std::string>> issues;
    plinth::validation::CheckPaging(true, page, true, limit, 100, &issues);
    if (issues.empty() && (page < 1 || limit < 1 || limit > 100)) std::abort();
  }
  return 0;
}
