// devtoken --sub UUID [--email EMAIL] [--ttl SECONDS] [--role operator]
// Prints a Supabase-shaped access token signed with $SUPABASE_JWT_SECRET, for
// local development and tests only.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "libs/validation/text.h"
#include "libs/auth/jwt.h"

namespace {

int Run(int argc, char** argv) {
  std::string sub, email, plinth_role;
  long ttl = 3600;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--sub") == 0) {
      sub = argv[i + 1];
    } else if (std::strcmp(argv[i], "--email") == 0) {
      email = argv[i + 1];
    } else if (std::strcmp(argv[i], "--role") == 0) {
      // app_metadata.plinth_role, as Supabase's admin API sets it.
      plinth_role = argv[i + 1];
      if (plinth_role != "operator") {
        std::fprintf(stderr, "--role must be operator\n");
        return 2;
      }
    } else if (std::strcmp(argv[i], "--ttl") == 0) {
      char* end = nullptr;
      ttl = std::strtol(argv[i + 1], &end, 10);
      if (*end != '\0' || ttl <= 0 || ttl > 31L * 24 * 3600) {
        std::fprintf(stderr, "--ttl must be 1..2678400 seconds\n");
        return 2;
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (argc % 2 == 0 || !plinth::validation::IsUuid(sub)) {
    std::fprintf(stderr, "usage: devtoken --sub UUID [--email EMAIL] [--ttl SECONDS] [--role operator]\n");
    return 2;
  }
  const char* secret = std::getenv("SUPABASE_JWT_SECRET");
  if (secret == nullptr || std::strlen(secret) < 32) {
    std::fprintf(stderr, "SUPABASE_JWT_SECRET must be set (at least 32 bytes)\n");
    return 2;
  }
  long now = static_cast<long>(std::time(nullptr));
  nlohmann::json claims = {{"aud", "authenticated"}, {"sub", sub},    {"role", "authenticated"}, {"iat", now},
                           {"exp", now + ttl},       {"aal", "aal1"}, {"is_anonymous", false}};
  if (!email.empty()) claims["email"] = email;
  claims["app_metadata"] = {{"provider", "email"}, {"providers", {"email"}}};
  if (!plinth_role.empty()) claims["app_metadata"]["plinth_role"] = plinth_role;
  std::printf("%s\n", plinth::auth::SignHs256(claims.dump(), secret).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "devtoken: %s\n", e.what());
    return 1;
  }
}
