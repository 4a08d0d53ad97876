#ifndef PLINTH_TESTS_SUPPORT_PG_H_
#define PLINTH_TESTS_SUPPORT_PG_H_

#include <memory>
#include <string>
#include <vector>

#include "libs/db/pool.h"

namespace plinth::testing {

// A PostgreSQL cluster of the test's own, for tests that restart it; stopped
// and removed when destroyed.
class OwnCluster {
 public:
  // Null (and ADD_FAILURE) when no server can be started.
  static std::unique_ptr<OwnCluster> Start();
  ~OwnCluster();
  const std::string& url() const { return url_; }  // its `postgres` database
  // Fast shutdown, then start; returns once it accepts connections again.
  bool Restart();

 private:
  OwnCluster() = default;
  std::string PgCtl(const std::string& action) const;
  std::string bindir_, dir_, url_;
  int port_ = 0;
};

// A new database with every migration applied by its owner (plinth_owner,
// after migrations/bootstrap/cluster.sql), as in a deployment; returns its
// URL as the server's superuser, for the test's own setup and checks. Fails
// the test (ADD_FAILURE + empty string) if no server can be had.
std::string CreateMigratedDatabase();

// A new empty database owned by plinth_owner (the cluster bootstrapped).
std::string CreateOwnedDatabase();

// `url` connecting as `role` instead (the test clusters trust local
// connections): a service's own role, e.g. AsRole(url, "plinth_billing").
std::string AsRole(const std::string& url, const std::string& role);

// A pool of `size` connections to `url` with a store's statements.
std::unique_ptr<db::Pool> OpenPool(const std::string& url, std::vector<db::PreparedStatement> statements, int size = 8);

// A new empty database (for migration-runner tests).
std::string CreateEmptyDatabase();

// Directory holding migrations/*.sql in the test's runfiles.
std::string MigrationsDir();

// Makes `pool` open `n` connections: n transactions held at once.
void OpenConnections(db::Pool& pool, int n);

// Claims JSON of a Supabase user as request.jwt.claims would hold it.
std::string ClaimsJson(const std::string& user_id);

// Inserts a user and their profile (as the profile service would on first
// sight) with `credits` credits; returns the user id.
std::string CreateUserWithProfile(const std::string& database_url, int credits = 10);

}  // namespace plinth::testing

#endif  // PLINTH_TESTS_SUPPORT_PG_H_
