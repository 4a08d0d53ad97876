#ifndef PLINTH_LIBS_AUTH_BASE64URL_H_
#define PLINTH_LIBS_AUTH_BASE64URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace plinth::auth {

// RFC 4648 §5 without padding, as JWTs use it.
std::string Base64UrlEncode(std::string_view bytes);
// Rejects padding, characters outside the alphabet and impossible lengths.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace plinth::auth

#endif  // PLINTH_LIBS_AUTH_BASE64URL_H_
