#ifndef PLINTH_LIBS_VALIDATION_TEXT_H_
#define PLINTH_LIBS_VALIDATION_TEXT_H_

// Checks on user-supplied text shared by the services. Lengths in the
// contract are in characters (Unicode code points), as PostgreSQL's
// char_length counts them, not bytes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace plinth::validation {

// Number of code points, or nullopt if `text` is not valid UTF-8 (RFC 3629,
// libs/utf8: overlong forms and surrogates are not).
std::optional<size_t> CodePoints(std::string_view text);

// True if `text` holds a C0/C1 control character other than the allowed
// whitespace (`allow_newlines`: \n, \r and \t are allowed).
bool HasControlCharacters(std::string_view text, bool allow_newlines);

// Issue text for an absolute URL with a host of at most `max_chars`, or
// nullopt if fine: https only, or http and https when `allow_http`. No
// credentials in it, no spaces or non-ASCII characters.
std::optional<std::string> CheckUrl(std::string_view url, size_t max_chars, bool allow_http);

// A UUID in its canonical 8-4-4-4-12 hex form (either case).
bool IsUuid(std::string_view text);

// A Redis Stream entry id: `<ms>-<seq>`, each 1 to 19 decimal digits.
bool IsStreamId(std::string_view text);

}  // namespace plinth::validation

#endif  // PLINTH_LIBS_VALIDATION_TEXT_H_
