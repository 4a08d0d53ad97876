#ifndef PLINTH_LIBS_DB_POOL_H_
#define PLINTH_LIBS_DB_POOL_H_

// A small libpqxx connection pool. Every unit of work runs in one transaction
// on one leased connection:
//   - UserTx: as Supabase's PostgREST would run it — `request.jwt.claims` set to
//     the verified token payload and `role` to `authenticated`, both
//     transaction-local, so the tables' RLS policies apply exactly as on
//     Supabase;
//   - ServiceTx: as the connecting (owner) role, for the few writes a user may
//     not make themselves (e.g. creating their profile row, billing events).
// Both set `statement_timeout` from the caller's remaining deadline; BEGIN and
// these settings cost one round trip. A
// connection found broken is replaced and the unit of work retried once
// (only when nothing can have been committed).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <absl/status/status.h>
#include <pqxx/pqxx>

namespace plinth::db {

struct PreparedStatement {
  std::string name;
  std::string sql;
};

struct PoolOptions {
  std::string conninfo;
  int size = 8;
  // Prepared once on every new connection.
  std::vector<PreparedStatement> statements;
  // Upper bound for statement_timeout when the caller has no deadline.
  std::chrono::milliseconds default_timeout{5000};
  // How long to wait for a free connection.
  std::chrono::milliseconds acquire_timeout{2000};
};

using Deadline = std::chrono::system_clock::time_point;

class Pool {
 public:
  using Work = std::function<absl::Status(pqxx::transaction_base&)>;

  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Opens one connection now so that a wrong URL fails at startup.
  absl::Status Ping();

  // Runs `work` as the user whose verified JWT payload is `claims_json`.
  // Commits when `work` returns OK, rolls back otherwise.
  absl::Status UserTx(const std::string& claims_json, Deadline deadline, const Work& work);
  // Runs `work` as the connecting role (RLS bypassed by table ownership).
  absl::Status ServiceTx(Deadline deadline, const Work& work);

  // Connections ever opened (for tests of reconnection).
  int connections_opened() const;

 private:
  std::unique_ptr<pqxx::connection> Acquire(Deadline deadline, absl::Status* status);
  void Release(std::unique_ptr<pqxx::connection> conn);
  absl::Status Run(const std::string* claims_json, Deadline deadline, const Work& work);

  PoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;
  int opened_total_ = 0;
};

// No deadline given by the caller.
inline Deadline NoDeadline() { return Deadline::max(); }

}  // namespace plinth::db

#endif  // PLINTH_LIBS_DB_POOL_H_
