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
// these settings cost one round trip.
//   - ReadStatement / WriteStatement: one statement outside any transaction
//     block (autocommit), in one round trip instead of three — as the
//     connecting role, or as a user through a database function that sets
//     the claims and role itself (plinth_private.list_resources). Each
//     connection has `default_timeout` as its statement_timeout; a nearer
//     deadline runs the work in a transaction with the shorter timeout.
//
// After a database restart every idle connection is dead. The first one
// found broken retires all connections opened before it (idle ones are
// closed, busy ones are not reused), and the unit of work is retried on a
// fresh connection when nothing can have been committed: so a request that
// starts once the database is back does not fail. Every connection string
// gets connect_timeout, TCP keepalives and tcp_user_timeout unless it sets
// them, so a vanished server is noticed in seconds, not at the kernel's
// retransmission timeout.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>
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
  // Runs `work`, one statement, without BEGIN and COMMIT (see above). A read
  // is retried like a transaction on a connection found broken; a write is
  // not (it may have been committed): the caller gets UNAVAILABLE.
  absl::Status ReadStatement(Deadline deadline, const Work& work);
  absl::Status WriteStatement(Deadline deadline, const Work& work);

  // Connections ever opened (for tests of reconnection).
  int connections_opened() const;

 private:
  // A connection and the generation it was opened in.
  struct Lease {
    std::unique_ptr<pqxx::connection> conn;
    uint64_t generation = 0;
  };
  Lease Acquire(Deadline deadline, absl::Status* status);
  void Release(Lease lease);
  // A connection of `generation` was found broken: retire that generation.
  void RetireGeneration(uint64_t generation);
  // Sets the pool gauges (plinth_db_pool_connections) from open_ and idle_.
  void PublishLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A connection is idle or may be opened (what Acquire waits for).
  bool CanLease() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !idle_.empty() || open_ < options_.size; }
  // `block`: in a transaction block with its own timeout (else autocommit);
  // `retry`: again on a fresh connection when this one is found broken.
  absl::Status Run(const std::string* claims_json, bool block, bool retry, Deadline deadline, const Work& work);
  // Whether a statement must run in a transaction block to get a timeout
  // shorter than the connection's.
  bool NeedsOwnTimeout(Deadline deadline) const;

  PoolOptions options_;
  // Awaited conditions are re-checked whenever mu_ is released: no condition
  // variable to notify.
  mutable absl::Mutex mu_;
  std::vector<Lease> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int opened_total_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

// `conninfo` (URL or key=value form) with the connection defaults above
// added where it does not set them.
std::string WithConnectionDefaults(const std::string& conninfo);

// No deadline given by the caller.
inline Deadline NoDeadline() { return Deadline::max(); }

// A PostgreSQL array literal of UUIDs (`{a,b}`), one parameter for
// `= any($1::uuid[])`. The caller passes validated UUIDs: nothing is quoted.
inline std::string UuidArray(const std::vector<std::string>& uuids) {
  std::string array = "{";
  for (size_t i = 0; i < uuids.size(); ++i) array += (i ? "," : "") + uuids[i];
  return array + "}";
}

}  // namespace plinth::db

#endif  // PLINTH_LIBS_DB_POOL_H_
