#include "libs/config/config.h"

#include <cstdlib>

#include <absl/status/status.h>
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

namespace plinth::config {
namespace {

absl::Status Bad(const std::string& name, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("configuration ", name, ": ", why));
}

bool ValidPort(std::string_view port) {
  int value = 0;
  return !port.empty() && port.size() <= 5 && absl::SimpleAtoi(absl::string_view(port.data(), port.size()), &value) &&
         value >= 0 && value <= 65535;
}

bool HasControlOrSpace(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

Env::Env()
    : lookup_([](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
      }) {}

Env::Env(std::map<std::string, std::string> values)
    : lookup_([values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
      }) {}

std::optional<std::string> Env::Get(const std::string& name) const {
  auto v = lookup_(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

std::string Env::String(const std::string& name, const std::string& fallback) const {
  return Get(name).value_or(fallback);
}

absl::Status Env::RefuseRetired(const std::map<std::string, std::string>& renamed) const {
  for (const auto& [old_name, new_name] : renamed) {
    if (Get(old_name)) return Bad(old_name, "was renamed " + new_name + " (docs/CHANGELOG.md); set that instead");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Env::RequiredString(const std::string& name) const {
  auto v = Get(name);
  if (!v) return Bad(name, "is required but not set");
  return *v;
}

absl::StatusOr<int64_t> Env::Int(const std::string& name, int64_t fallback, int64_t min, int64_t max) const {
  auto v = Get(name);
  if (!v) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(*v, &value)) return Bad(name, absl::StrCat("'", *v, "' is not an integer"));
  if (value < min || value > max) {
    return Bad(name, absl::StrCat(value, " is outside [", min, ", ", max, "]"));
  }
  return value;
}

absl::StatusOr<std::string> Env::HostPort(const std::string& name, const std::string& fallback) const {
  std::string v = Get(name).value_or(fallback);
  if (HasControlOrSpace(v)) return Bad(name, "must be host:port without spaces");
  size_t colon = v.rfind(':');
  if (colon == std::string::npos) return Bad(name, absl::StrCat("'", v, "' is not host:port"));
  std::string host = v.substr(0, colon);
  if (!ValidPort(v.substr(colon + 1))) {
    return Bad(name, absl::StrCat("'", v, "' has no valid port (0-65535)"));
  }
  if (host.find(':') != std::string::npos && !(absl::StartsWith(host, "[") && absl::EndsWith(host, "]"))) {
    return Bad(name, "an IPv6 host must be in brackets, e.g. [::1]:50051");
  }
  return v;
}

absl::StatusOr<std::string> Env::PostgresUrl(const std::string& name) const {
  auto v = Get(name);
  if (!v) return Bad(name, "is required but not set (e.g. postgresql://user@127.0.0.1:5432/db)");
  if (absl::StartsWith(*v, "postgres://") || absl::StartsWith(*v, "postgresql://")) {
    if (HasControlOrSpace(*v)) return Bad(name, "a URL may not contain spaces");
    return *v;
  }
  if (v->find('=') != std::string::npos) return *v;  // libpq key=value form
  return Bad(name, "must be a postgres:// or postgresql:// URL");
}

absl::StatusOr<std::string> Env::RedisUrl(const std::string& name, const std::string& fallback) const {
  std::string v = Get(name).value_or(fallback);
  if (!absl::StartsWith(v, "redis://") || HasControlOrSpace(v) || v.size() <= 8) {
    return Bad(name, absl::StrCat("'", v, "' is not a redis://host:port URL"));
  }
  return v;
}

absl::StatusOr<std::string> Env::BaseUrl(const std::string& name, const std::string& fallback) const {
  std::string v = Get(name).value_or(fallback);
  if (!(absl::StartsWith(v, "http://") || absl::StartsWith(v, "https://")) || HasControlOrSpace(v)) {
    return Bad(name, absl::StrCat("'", v, "' is not an http(s):// URL"));
  }
  while (absl::EndsWith(v, "/")) v.pop_back();
  return v;
}

absl::StatusOr<std::string> Env::Secret(const std::string& name, size_t min_length) const {
  auto v = Get(name);
  if (!v) return Bad(name, "is required but not set");
  if (v->size() < min_length) {
    return Bad(name, absl::StrCat("is too short: at least ", min_length, " bytes"));
  }
  return *v;
}

}  // namespace plinth::config
