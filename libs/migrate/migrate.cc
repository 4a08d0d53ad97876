#include "libs/migrate/migrate.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <absl/strings/str_cat.h>
#include <postgresql/libpq-fe.h>
#include <pqxx/pqxx>

#include "libs/crypto/crypto.h"
#include "libs/logging/logging.h"

namespace plinth::migrate {
namespace {

// Arbitrary but fixed: every runner of every version takes the same lock.
constexpr int64_t kLockKey = 0x706c696e7468;  // "plinth"

struct File {
  int version;
  std::string name;
  std::string sql;
  std::string checksum;
};

absl::StatusOr<std::vector<File>> ReadDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("migrations directory not found: ", dir));
  }
  std::map<int, File> by_version;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    size_t digits = 0;
    while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
    if (digits == 0 || digits >= name.size() || name[digits] != '_') {
      return absl::InvalidArgumentError(absl::StrCat("migration file name must be NNNN_name.sql: ", name));
    }
    int version = std::stoi(name.substr(0, digits));
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    File file{version, name, buf.str(), ""};
    file.checksum = crypto::Hex(crypto::Sha256(file.sql));
    if (!by_version.emplace(version, file).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two migrations share version ", version, ": ", by_version[version].name, ", ", name));
    }
  }
  std::vector<File> files;
  files.reserve(by_version.size());
  for (auto& [v, f] : by_version) files.push_back(std::move(f));
  return files;
}

// What schema_migrations records: version -> (name, checksum).
std::map<int, std::pair<std::string, std::string>> Applied(pqxx::transaction_base& tx) {
  std::map<int, std::pair<std::string, std::string>> applied;
  for (const auto& row : tx.exec("select version, name, checksum from public.schema_migrations")) {
    applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
  }
  return applied;
}

}  // namespace

absl::StatusOr<int> Apply(const std::string& conninfo, const std::string& dir) {
  auto files = ReadDir(dir);
  if (!files.ok()) return files.status();
  try {
    pqxx::connection conn(conninfo);
    {
      pqxx::nontransaction nt(conn);
      nt.exec_params("select pg_advisory_lock($1)", kLockKey);
      nt.exec(
          "create table if not exists public.schema_migrations ("
          " version integer primary key,"
          " name text not null,"
          " checksum text not null,"
          " applied_at timestamptz not null default now())");
    }
    std::map<int, std::pair<std::string, std::string>> applied;
    {
      pqxx::read_transaction rt(conn);
      applied = Applied(rt);
    }
    int count = 0;
    absl::Status failure;
    for (const auto& file : *files) {
      auto it = applied.find(file.version);
      if (it != applied.end()) {
        if (it->second.second != file.checksum) {
          failure = absl::FailedPreconditionError(
              absl::StrCat("migration ", file.name, " was changed after it was applied (recorded checksum ",
                           it->second.second.substr(0, 12), ", file ", file.checksum.substr(0, 12),
                           "); add a new migration instead"));
          break;
        }
        continue;
      }
      try {
        pqxx::work tx(conn);
        tx.exec(file.sql);
        tx.exec_params("insert into public.schema_migrations (version, name, checksum) values ($1, $2, $3)",
                       file.version, file.name, file.checksum);
        tx.commit();
      } catch (const std::exception& e) {
        failure = absl::InternalError(absl::StrCat("migration ", file.name, " failed: ", e.what()));
        break;
      }
      logging::Info("migration applied", {{"migration", file.name}});
      ++count;
    }
    for (const auto& [applied_version, entry] : applied) {
      const auto& version = applied_version;  // a structured binding cannot be captured in C++17
      bool known = std::any_of(files->begin(), files->end(), [&](const File& f) { return f.version == version; });
      if (!known) logging::Warn("applied migration has no file", {{"migration", entry.first}});
    }
    pqxx::nontransaction nt(conn);
    nt.exec_params("select pg_advisory_unlock($1)", kLockKey);
    if (!failure.ok()) return failure;
    return count;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("database: ", e.what()));
  }
}

absl::StatusOr<std::vector<std::string>> Pending(const std::string& conninfo, const std::string& dir) {
  auto files = ReadDir(dir);
  if (!files.ok()) return files.status();
  std::vector<std::string> pending;
  try {
    pqxx::connection conn(conninfo);
    pqxx::read_transaction rt(conn);
    if (rt.exec("select to_regclass('public.schema_migrations') is null")[0][0].as<bool>()) {
      for (const auto& f : *files) pending.push_back(f.name);
      return pending;
    }
    const auto applied = Applied(rt);
    for (const auto& f : *files) {
      if (applied.count(f.version) == 0) pending.push_back(f.name);
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("database: ", e.what()));
  }
  return pending;
}

absl::StatusOr<int> SetRolePasswords(const std::string& conninfo,
                                     const std::vector<std::pair<std::string, std::string>>& role_urls) {
  struct Credentials {
    std::string role, user, password;
  };
  std::vector<Credentials> wanted;
  for (const auto& [role, url] : role_urls) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (options == nullptr) {
      std::string why = error != nullptr ? error : "unparsable";
      PQfreemem(error);
      return absl::InvalidArgumentError(absl::StrCat("the URL for ", role, " is not a connection string: ", why));
    }
    Credentials c{role, "", ""};
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (o->val == nullptr) continue;
      if (std::string(o->keyword) == "user") c.user = o->val;
      if (std::string(o->keyword) == "password") c.password = o->val;
    }
    PQconninfoFree(options);
    if (c.user != role) {
      return absl::InvalidArgumentError(
          absl::StrCat("the URL for ", role, " connects as \"", c.user, "\"; it must connect as ", role));
    }
    if (!c.password.empty()) wanted.push_back(std::move(c));
  }
  if (wanted.empty()) return 0;
  try {
    pqxx::connection conn(conninfo);
    pqxx::work tx(conn);
    for (const auto& c : wanted) {
      // ALTER ROLE takes no parameters: both are quoted by libpq.
      tx.exec("alter role " + tx.quote_name(c.role) + " password " + tx.quote(c.password));
    }
    tx.commit();
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("setting the roles' passwords: ", e.what()));
  }
  return static_cast<int>(wanted.size());
}

}  // namespace plinth::migrate
