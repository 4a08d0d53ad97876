// libFuzzer target: the text validators every request field goes through
// (UTF-8, control characters, length, URLs, UUIDs).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "libs/validation/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto chars = plinth::validation::CodePoints(text);
  if (chars && *chars > size) std::abort();  // never more code points than bytes
  bool strict = plinth::validation::HasControlCharacters(text, false);
  bool lenient = plinth::validation::HasControlCharacters(text, true);
  if (lenient && !strict) std::abort();  // allowing newlines can only allow more
  (void)plinth::validation::CheckUrl(text, 2048, false);
  (void)plinth::validation::CheckUrl(text, 2048, true);
  if (plinth::validation::IsUuid(text) && size != 36) std::abort();
  return 0;
}
