// Applies the numbered SQL files of a directory to DATABASE_URL, in order,
// each once (libs/migrate). Exit 0 when the schema is up to date.

#include <cstdio>
#include <cstring>
#include <string>

#include "libs/config/config.h"
#include "libs/logging/logging.h"
#include "libs/migrate/migrate.h"

int main(int argc, char** argv) {
  plinth::logging::Init("migrate");
  std::string dir = "migrations";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: migrate [--dir DIR]   (reads DATABASE_URL)\n");
      return 2;
    }
  }
  plinth::config::Env env;
  auto url = env.PostgresUrl("DATABASE_URL");
  if (!url.ok()) {
    plinth::logging::Error(std::string(url.status().message()));
    return 2;
  }
  auto applied = plinth::migrate::Apply(*url, dir);
  if (!applied.ok()) {
    plinth::logging::Error("migration failed", {{"error", std::string(applied.status().message())}});
    return 1;
  }
  plinth::logging::Info("schema up to date", {{"applied_now", std::to_string(*applied)}});
  return 0;
}
