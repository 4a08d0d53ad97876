#ifndef PLINTH_LIBS_UTF8_UTF8_H_
#define PLINTH_LIBS_UTF8_UTF8_H_

// UTF-8 as RFC 3629 defines it (what PostgreSQL accepts): no overlong forms,
// no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.

#include <cstddef>
#include <string_view>

namespace plinth::utf8 {

// Length (1 to 4) of the sequence that starts at s[i], 0 when none does
// there (a stray continuation byte, a forbidden form, a cut sequence).
size_t SequenceLength(std::string_view s, size_t i);

}  // namespace plinth::utf8

#endif  // PLINTH_LIBS_UTF8_UTF8_H_
