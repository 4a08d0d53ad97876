// Applies the numbered SQL files of a directory to DATABASE_URL, in order,
// each once (libs/migrate). Exit 0 when the schema is up to date.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <absl/strings/str_join.h>

#include "libs/config/config.h"
#include "libs/logging/logging.h"
#include "libs/migrate/migrate.h"

int main(int argc, char** argv) {
  plinth::logging::Init("migrate");
  std::string dir = "migrations";
  int wait_seconds = -1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--wait") == 0 && i + 1 < argc) {
      wait_seconds = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: migrate [--dir DIR] [--wait SECONDS]   (reads DATABASE_URL; DATABASE_URL_<SERVICE>\n"
                   "          set the services' passwords)\n"
                   "  --wait: apply nothing; exit 0 once every file of DIR is applied (a pod's init\n"
                   "          container: the release's code never serves before its schema), 1 after SECONDS\n");
      return 2;
    }
  }
  plinth::config::Env env;
  auto url = env.PostgresUrl("DATABASE_URL");
  if (!url.ok()) {
    plinth::logging::Error(std::string(url.status().message()));
    return 2;
  }
  if (wait_seconds >= 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
    std::string last;
    while (true) {
      auto pending = plinth::migrate::Pending(*url, dir);
      if (pending.ok() && pending->empty()) {
        plinth::logging::Info("schema up to date");
        return 0;
      }
      // Before the first Job even the service's role may not exist yet.
      std::string now =
          "waiting for the schema: " + (pending.ok() ? "migrations " + absl::StrJoin(*pending, ", ") + " not applied"
                                                     : std::string(pending.status().message()));
      // A warning: written at once (info lines wait for the next flush).
      if (now != last) plinth::logging::Warn(now);
      last = now;
      if (std::chrono::steady_clock::now() >= deadline) {
        plinth::logging::Error("the schema this release needs is not there",
                               {{"waited_s", std::to_string(wait_seconds)}});
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }
  auto applied = plinth::migrate::Apply(*url, dir);
  if (!applied.ok()) {
    plinth::logging::Error("migration failed", {{"error", std::string(applied.status().message())}});
    return 1;
  }
  plinth::logging::Info("schema up to date", {{"applied_now", std::to_string(*applied)}});
  // The services' roles exist now (migration 0010); their passwords come
  // from the URLs the services are given.
  std::vector<std::pair<std::string, std::string>> role_urls;
  for (const auto& r : plinth::migrate::kServiceRoles) {
    std::string role_url = env.String(r.url_variable, "");
    if (!role_url.empty()) role_urls.emplace_back(r.role, role_url);
  }
  auto passwords = plinth::migrate::SetRolePasswords(*url, role_urls);
  if (!passwords.ok()) {
    plinth::logging::Error("could not set the services' passwords",
                           {{"error", std::string(passwords.status().message())}});
    return 1;
  }
  if (*passwords > 0) plinth::logging::Info("service role passwords set", {{"roles", std::to_string(*passwords)}});
  return 0;
}
