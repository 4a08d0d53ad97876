#ifndef PLINTH_TESTS_SUPPORT_REDIS_H_
#define PLINTH_TESTS_SUPPORT_REDIS_H_

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/support/net.h"

namespace plinth::testing {

// A Redis for the test: PLINTH_TEST_REDIS_URL (./plinth test starts one), or
// a throwaway redis-server started here and shut down at exit. "" if none.
inline std::string RedisUrl() {
  static std::string url = [] {
    const char* env = std::getenv("PLINTH_TEST_REDIS_URL");
    if (env != nullptr && *env != '\0') return std::string(env);
    int port = FreePort();
    std::string cmd =
        "redis-server --port " + std::to_string(port) + " --bind 127.0.0.1 --save '' --daemonize yes >/dev/null";
    if (std::system(cmd.c_str()) != 0) return std::string();
    static std::string stop = "redis-cli -p " + std::to_string(port) + " shutdown nosave >/dev/null 2>&1";
    std::atexit([] { [[maybe_unused]] int rc = std::system(stop.c_str()); });
    for (int i = 0; i < 100; ++i) {
      if (std::system(("redis-cli -p " + std::to_string(port) + " ping >/dev/null 2>&1").c_str()) == 0) break;
      usleep(20000);
    }
    return "redis://127.0.0.1:" + std::to_string(port) + "/0";
  }();
  return url;
}

}  // namespace plinth::testing

#endif  // PLINTH_TESTS_SUPPORT_REDIS_H_
