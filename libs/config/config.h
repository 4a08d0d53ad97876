#ifndef PLINTH_LIBS_CONFIG_CONFIG_H_
#define PLINTH_LIBS_CONFIG_CONFIG_H_

// Typed reads of configuration from the environment. Every error names the
// variable, so a bad value is a clear startup error.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <absl/status/statusor.h>

namespace plinth::config {

class Env {
 public:
  using Lookup = std::function<std::optional<std::string>(const std::string&)>;

  // Reads the process environment.
  Env();
  // Reads a fixed map (tests).
  explicit Env(std::map<std::string, std::string> values);

  // The value, or `fallback` when unset or empty.
  std::string String(const std::string& name, const std::string& fallback) const;
  absl::StatusOr<std::string> RequiredString(const std::string& name) const;
  // An integer in [min, max].
  absl::StatusOr<int64_t> Int(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  // host:port (host may be empty, a name, an IPv4 or a bracketed IPv6 address).
  absl::StatusOr<std::string> HostPort(const std::string& name, const std::string& fallback) const;
  // A postgres:// or postgresql:// URL, or a libpq key=value string.
  absl::StatusOr<std::string> PostgresUrl(const std::string& name) const;
  // redis://[:password@]host[:port][/db].
  absl::StatusOr<std::string> RedisUrl(const std::string& name, const std::string& fallback) const;
  // An http:// or https:// base URL without a trailing slash.
  absl::StatusOr<std::string> BaseUrl(const std::string& name, const std::string& fallback) const;
  // A secret of at least `min_length` bytes.
  absl::StatusOr<std::string> Secret(const std::string& name, size_t min_length) const;
  // An error naming the new name when a retired one (old → new) is set: a
  // setting under its old name would otherwise be ignored without a word.
  absl::Status RefuseRetired(const std::map<std::string, std::string>& renamed) const;

 private:
  std::optional<std::string> Get(const std::string& name) const;
  Lookup lookup_;
};

}  // namespace plinth::config

#endif  // PLINTH_LIBS_CONFIG_CONFIG_H_
