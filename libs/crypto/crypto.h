#ifndef PLINTH_LIBS_CRYPTO_CRYPTO_H_
#define PLINTH_LIBS_CRYPTO_CRYPTO_H_

#include <string>
#include <string_view>

namespace plinth::crypto {

// Raw 32-byte digests.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex.
std::string Hex(std::string_view bytes);

// Constant-time equality (lengths may differ: then false).
bool Equal(std::string_view a, std::string_view b);

}  // namespace plinth::crypto

#endif  // PLINTH_LIBS_CRYPTO_CRYPTO_H_
