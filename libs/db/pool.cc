#include "libs/db/pool.h"

#include <algorithm>

#include <absl/strings/str_cat.h>

#include "libs/errors/errors.h"
#include "libs/logging/logging.h"

namespace plinth::db {
namespace {


int64_t TimeoutMillis(Deadline deadline, std::chrono::milliseconds cap) {
  if (deadline == Deadline::max()) return cap.count();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::system_clock::now())
                  .count();
  // statement_timeout 0 would mean "no limit": keep at least 1 ms.
  return std::max<int64_t>(1, std::min<int64_t>(left, cap.count()));
}

}  // namespace

Pool::Pool(PoolOptions options) : options_(std::move(options)) {}
Pool::~Pool() = default;

int Pool::connections_opened() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_total_;
}

absl::Status Pool::Ping() {
  return ServiceTx(NoDeadline(), [](pqxx::transaction_base& tx) {
    tx.exec("select 1");
    return absl::OkStatus();
  });
}

std::unique_ptr<pqxx::connection> Pool::Acquire(Deadline deadline, absl::Status* status) {
  auto wait_until = std::min(deadline, std::chrono::system_clock::now() + options_.acquire_timeout);
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_until(lock, wait_until,
                        [&] { return !idle_.empty() || open_ < options_.size; })) {
      *status = deadline <= wait_until ? errors::DeadlineExceeded("timed out waiting for the database")
                                       : errors::Unavailable("database connection pool exhausted");
      return nullptr;
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  // Connect outside the lock: it is slow.
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.conninfo);
    for (const auto& s : options_.statements) conn->prepare(s.name, s.sql);
    std::lock_guard<std::mutex> lock(mu_);
    ++opened_total_;
    return conn;
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --open_;
    }
    cv_.notify_one();
    logging::Error("database connection failed", {{"error", e.what()}});
    *status = errors::Unavailable("database unavailable");
    return nullptr;
  }
}

void Pool::Release(std::unique_ptr<pqxx::connection> conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn && conn->is_open()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
}

absl::Status Pool::UserTx(const std::string& claims_json, Deadline deadline, const Work& work) {
  return Run(&claims_json, deadline, work);
}

absl::Status Pool::ServiceTx(Deadline deadline, const Work& work) {
  return Run(nullptr, deadline, work);
}

absl::Status Pool::Run(const std::string* claims_json, Deadline deadline, const Work& work) {
  for (int attempt = 0;; ++attempt) {
    absl::Status status;
    auto conn = Acquire(deadline, &status);
    if (!conn) return status;
    bool retry = false;
    bool in_transaction = false;
    try {
      // BEGIN and the transaction-local settings travel in one round trip
      // (a simple-protocol multi-statement); the claims are quoted by libpq.
      pqxx::nontransaction tx(*conn);
      const std::string timeout = std::to_string(TimeoutMillis(deadline, options_.default_timeout));
      std::string begin = "begin; select set_config('statement_timeout', '" + timeout + "', true)";
      if (claims_json != nullptr) {
        begin += ", set_config('request.jwt.claims', " + tx.quote(*claims_json) +
                 ", true), set_config('role', 'authenticated', true)";
      }
      in_transaction = true;
      tx.exec(begin);
      status = work(tx);
      if (status.ok()) {
        try {
          tx.exec("commit");
        } catch (const pqxx::broken_connection& e) {
          // The commit may or may not have happened: never retry.
          logging::Error("database commit in doubt", {{"error", e.what()}});
          conn.reset();
          status = errors::Unavailable("database connection lost during commit");
        }
      } else {
        tx.exec("rollback");
      }
      in_transaction = false;
    } catch (const pqxx::broken_connection& e) {
      logging::Warn("database connection lost", {{"error", e.what()}});
      conn.reset();
      retry = attempt == 0;
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
    if (conn && in_transaction) {
      // Leave the connection clean for the next user, or drop it.
      try {
        pqxx::nontransaction cleanup(*conn);
        cleanup.exec("rollback");
      } catch (const std::exception&) {
        conn.reset();
      }
    }
    Release(std::move(conn));
    if (!retry) return status;
  }
}

}  // namespace plinth::db
