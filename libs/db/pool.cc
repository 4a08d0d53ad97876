#include "libs/db/pool.h"

#include <algorithm>

#include <absl/strings/str_cat.h>

#include "libs/errors/errors.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"

namespace plinth::db {
namespace {

int64_t TimeoutMillis(Deadline deadline, std::chrono::milliseconds cap) {
  if (deadline == Deadline::max()) return cap.count();
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::system_clock::now()).count();
  // statement_timeout 0 would mean "no limit": keep at least 1 ms.
  return std::max<int64_t>(1, std::min<int64_t>(left, cap.count()));
}

// Connect within 5 s; probe an idle connection after 30 s and give up after
// 3 unanswered probes 10 s apart; fail a write the server does not
// acknowledge within 30 s.
constexpr std::pair<const char*, const char*> kConnectionDefaults[] = {
    {"connect_timeout", "5"},      {"keepalives", "1"},       {"keepalives_idle", "30"},
    {"keepalives_interval", "10"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "30000"},
};

struct PoolMetrics {
  prometheus::Gauge& idle;
  prometheus::Gauge& busy;
  prometheus::Histogram& acquire;
  prometheus::Counter& exhausted;
};

PoolMetrics& Metrics() {
  static auto& connections =
      metrics::GaugeFamily("plinth_db_pool_connections", "Open database connections of the pool, by state.");
  static PoolMetrics m{
      connections.Add({{"state", "idle"}}), connections.Add({{"state", "busy"}}),
      metrics::HistogramFamily("plinth_db_pool_acquire_seconds", "Time waited for a pooled database connection.")
          .Add({}, metrics::LatencyBuckets()),
      metrics::CounterFamily("plinth_db_pool_exhausted_total",
                             "Requests refused because every pooled connection stayed busy.")
          .Add({})};
  return m;
}

}  // namespace

std::string WithConnectionDefaults(const std::string& conninfo) {
  const bool url = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
  std::string out = conninfo;
  for (const auto& [key, value] : kConnectionDefaults) {
    const std::string k(key);
    // Present as "?key=", "&key=" (URL) or "key=" at a word start (key=value).
    bool present = false;
    for (size_t at = out.find(k + "="); at != std::string::npos; at = out.find(k + "=", at + 1)) {
      char before = at == 0 ? ' ' : out[at - 1];
      if (before == '?' || before == '&' || before == ' ' || before == '\t') present = true;
    }
    if (present) continue;
    if (url) {
      out += (out.find('?') == std::string::npos ? "?" : "&") + k + "=" + value;
    } else {
      out += (out.empty() ? "" : " ") + k + "=" + value;
    }
  }
  return out;
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {
  options_.conninfo = WithConnectionDefaults(options_.conninfo);
}
Pool::~Pool() = default;

int Pool::connections_opened() const {
  absl::MutexLock lock(&mu_);
  return opened_total_;
}

absl::Status Pool::Ping() {
  return ServiceTx(NoDeadline(), [](pqxx::transaction_base& tx) {
    tx.exec("select 1");
    return absl::OkStatus();
  });
}

void Pool::PublishLocked() const {
  Metrics().idle.Set(static_cast<double>(idle_.size()));
  Metrics().busy.Set(static_cast<double>(open_ - static_cast<int>(idle_.size())));
}

Pool::Lease Pool::Acquire(Deadline deadline, absl::Status* status) {
  const auto started = std::chrono::steady_clock::now();
  auto wait_until = std::min(deadline, std::chrono::system_clock::now() + options_.acquire_timeout);
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    const bool got = mu_.AwaitWithDeadline(absl::Condition(this, &Pool::CanLease), absl::FromChrono(wait_until));
    Metrics().acquire.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!got) {
      Metrics().exhausted.Increment();
      *status = deadline <= wait_until ? errors::DeadlineExceeded("timed out waiting for the database")
                                       : errors::Unavailable("database connection pool exhausted");
      return {};
    }
    if (!idle_.empty()) {
      Lease lease = std::move(idle_.back());
      idle_.pop_back();
      PublishLocked();
      return lease;
    }
    ++open_;
    PublishLocked();
    generation = generation_;
  }
  // Connect outside the lock: it is slow.
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.conninfo);
    // What a statement outside a transaction block runs under (Statement).
    conn->set_variable("statement_timeout", std::to_string(options_.default_timeout.count()));
    for (const auto& s : options_.statements) conn->prepare(s.name, s.sql);
    absl::MutexLock lock(&mu_);
    ++opened_total_;
    return {std::move(conn), generation};
  } catch (const std::exception& e) {
    {
      absl::MutexLock lock(&mu_);
      --open_;
      PublishLocked();
    }
    logging::Error("database connection failed", {{"error", e.what()}});
    *status = errors::Unavailable("database unavailable");
    return {};
  }
}

void Pool::Release(Lease lease) {
  {
    absl::MutexLock lock(&mu_);
    if (lease.conn && lease.conn->is_open() && lease.generation == generation_) {
      idle_.push_back(std::move(lease));
    } else {
      --open_;  // broken, or from before the last restart: closed below
    }
    PublishLocked();
  }
}

void Pool::RetireGeneration(uint64_t generation) {
  std::vector<Lease> retired;
  {
    absl::MutexLock lock(&mu_);
    if (generation != generation_) return;  // another caller did it
    ++generation_;
    open_ -= static_cast<int>(idle_.size());
    retired.swap(idle_);
    PublishLocked();
  }
  if (!retired.empty()) {
    logging::Warn("database connection broken: closed the idle ones", {{"closed", std::to_string(retired.size())}});
  }
}  // `retired` closes outside the lock

absl::Status Pool::UserTx(const std::string& claims_json, Deadline deadline, const Work& work) {
  return Run(&claims_json, /*block=*/true, /*retry=*/true, deadline, work);
}

absl::Status Pool::ServiceTx(Deadline deadline, const Work& work) {
  return Run(nullptr, /*block=*/true, /*retry=*/true, deadline, work);
}

bool Pool::NeedsOwnTimeout(Deadline deadline) const {
  // The connection's statement_timeout is the default (set when it opens).
  // Services cap a call's deadline at about the default, so theirs arrive a
  // few milliseconds short of it: within the slack, the default serves (the
  // caller's deadline still ends the call).
  constexpr int64_t kSlackMillis = 250;
  return TimeoutMillis(deadline, options_.default_timeout) < options_.default_timeout.count() - kSlackMillis;
}

absl::Status Pool::ReadStatement(Deadline deadline, const Work& work) {
  return Run(nullptr, /*block=*/NeedsOwnTimeout(deadline), /*retry=*/true, deadline, work);
}

absl::Status Pool::WriteStatement(Deadline deadline, const Work& work) {
  return Run(nullptr, /*block=*/NeedsOwnTimeout(deadline), /*retry=*/false, deadline, work);
}

absl::Status Pool::Run(const std::string* claims_json, bool block, bool retry_broken, Deadline deadline,
                       const Work& work) {
  // Two retries: a connection opened just as the server went down may break
  // too, and the budget is the caller's deadline anyway.
  constexpr int kMaxAttempts = 3;
  for (int attempt = 0;; ++attempt) {
    absl::Status status;
    Lease lease = Acquire(deadline, &status);
    if (!lease.conn) return status;
    std::unique_ptr<pqxx::connection>& conn = lease.conn;
    bool retry = false;
    bool in_transaction = false;
    bool commit_in_doubt = false;
    try {
      pqxx::nontransaction tx(*conn);
      if (block) {
        // BEGIN and the transaction-local settings travel in one round trip
        // (a simple-protocol multi-statement); the claims are quoted by libpq.
        const std::string timeout = std::to_string(TimeoutMillis(deadline, options_.default_timeout));
        std::string begin = "begin; select set_config('statement_timeout', '" + timeout + "', true)";
        if (claims_json != nullptr) {
          begin += ", set_config('request.jwt.claims', " + tx.quote(*claims_json) +
                   ", true), set_config('role', 'authenticated', true)";
        }
        in_transaction = true;
        tx.exec(begin);
      }
      status = work(tx);
      // In autocommit there is nothing to end.
      if (block && status.ok()) {
        try {
          tx.exec("commit");
        } catch (const pqxx::broken_connection& e) {
          // The commit may or may not have happened: never retry. The
          // connection is dropped below, once `tx` (which ends on it in its
          // destructor) is gone: dropping it here crashed the process.
          logging::Error("database commit in doubt", {{"error", e.what()}});
          commit_in_doubt = true;
          status = errors::Unavailable("database connection lost during commit");
        }
      } else if (block) {
        tx.exec("rollback");
      }
      in_transaction = false;
    } catch (const pqxx::broken_connection& e) {
      logging::Warn("database connection lost", {{"error", e.what()}});
      conn.reset();
      RetireGeneration(lease.generation);
      // In autocommit a write may have been committed before the break.
      retry =
          (retry_broken || in_transaction) && attempt + 1 < kMaxAttempts && std::chrono::system_clock::now() < deadline;
      status = errors::Unavailable("database unavailable");
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == "57014") {  // query_canceled: statement_timeout hit
        status = errors::DeadlineExceeded("database query timed out");
      } else {
        logging::Error("database error", {{"error", e.what()}, {"sqlstate", e.sqlstate()}});
        status = errors::Internal(e.what());
      }
    } catch (const std::exception& e) {
      logging::Error("database error", {{"error", e.what()}});
      status = errors::Internal(e.what());
    }
    if (commit_in_doubt) {
      conn.reset();
      RetireGeneration(lease.generation);
    }
    if (conn && in_transaction) {
      // Leave the connection clean for the next user, or drop it.
      try {
        pqxx::nontransaction cleanup(*conn);
        cleanup.exec("rollback");
      } catch (const std::exception&) {
        conn.reset();
      }
    }
    Release(std::move(lease));
    if (!retry) return status;
  }
}

}  // namespace plinth::db
