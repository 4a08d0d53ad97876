// The pool against a real PostgreSQL: RLS context, timeouts, reconnection.

#include "libs/db/pool.h"

#include <vector>

#include <gtest/gtest.h>

#include "libs/errors/errors.h"
#include "libs/auth/jwt.h"
#include "tests/support/pg.h"

namespace plinth::db {
namespace {

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url_.empty());
  }
  std::unique_ptr<Pool> MakePool(int size = 2) {
    PoolOptions o;
    o.conninfo = url_;
    o.size = size;
    return std::make_unique<Pool>(o);
  }
  std::string url_;
};

TEST_F(PoolTest, UserTxRunsAsTheAuthenticatedUser) {
  auto pool = MakePool();
  std::string user = auth::NewUuid();
  std::string uid, role, jwt_role;
  ASSERT_TRUE(pool->UserTx(testing::ClaimsJson(user), NoDeadline(),
                           [&](pqxx::transaction_base& tx) {
                             auto row = tx.exec("select auth.uid()::text, current_user, auth.role()")[0];
                             uid = row[0].as<std::string>();
                             role = row[1].as<std::string>();
                             jwt_role = row[2].as<std::string>();
                             return absl::OkStatus();
                           })
                  .ok());
  EXPECT_EQ(uid, user);
  EXPECT_EQ(role, "authenticated");
  EXPECT_EQ(jwt_role, "authenticated");
}

TEST_F(PoolTest, SettingsDoNotLeakToTheNextTransaction) {
  auto pool = MakePool(1);  // one connection: the next tx reuses it
  ASSERT_TRUE(pool->UserTx(testing::ClaimsJson(auth::NewUuid()), NoDeadline(),
                           [](pqxx::transaction_base&) { return absl::OkStatus(); })
                  .ok());
  bool uid_null = false;
  std::string role;
  ASSERT_TRUE(pool->ServiceTx(NoDeadline(),
                              [&](pqxx::transaction_base& tx) {
                                auto row = tx.exec("select auth.uid() is null, current_user")[0];
                                uid_null = row[0].as<bool>();
                                role = row[1].as<std::string>();
                                return absl::OkStatus();
                              })
                  .ok());
  EXPECT_TRUE(uid_null);
  EXPECT_NE(role, "authenticated");
  EXPECT_EQ(pool->connections_opened(), 1);
}

TEST_F(PoolTest, ErrorStatusRollsBack) {
  auto pool = MakePool();
  ASSERT_TRUE(pool->ServiceTx(NoDeadline(),
                              [](pqxx::transaction_base& tx) {
                                tx.exec("create table t (x int)");
                                return absl::OkStatus();
                              })
                  .ok());
  auto status = pool->ServiceTx(NoDeadline(), [](pqxx::transaction_base& tx) {
    tx.exec("insert into t values (1)");
    return errors::Conflict("changed my mind");
  });
  EXPECT_EQ(errors::ContractCode(status), "CONFLICT");
  int count = -1;
  ASSERT_TRUE(pool->ServiceTx(NoDeadline(),
                              [&](pqxx::transaction_base& tx) {
                                count = tx.exec("select count(*) from t")[0][0].as<int>();
                                return absl::OkStatus();
                              })
                  .ok());
  EXPECT_EQ(count, 0);
}

TEST_F(PoolTest, DeadlineBecomesStatementTimeout) {
  auto pool = MakePool();
  auto status = pool->ServiceTx(std::chrono::system_clock::now() + std::chrono::milliseconds(200),
                                [](pqxx::transaction_base& tx) {
                                  tx.exec("select pg_sleep(5)");
                                  return absl::OkStatus();
                                });
  EXPECT_EQ(errors::ContractCode(status), "DEADLINE_EXCEEDED") << status;
}

// One statement in autocommit: no BEGIN (so no transaction-local settings),
// the connection's own statement_timeout; a nearer deadline gets a
// transaction with its own.
TEST_F(PoolTest, StatementsRunInAutocommitUnderTheConnectionsTimeout) {
  auto pool = MakePool(1);
  auto timeout_of = [&](Deadline deadline) {
    std::string timeout;
    EXPECT_TRUE(pool->ReadStatement(deadline,
                                    [&](pqxx::transaction_base& tx) {
                                      // In a transaction block, now() is BEGIN's time, not this statement's.
                                      auto r = tx.exec(
                                          "select current_setting('statement_timeout'), now() = statement_timestamp()");
                                      timeout = r[0][0].as<std::string>() + (r[0][1].as<bool>() ? "" : " in a block");
                                      return absl::OkStatus();
                                    })
                    .ok());
    return timeout;
  };
  EXPECT_EQ(timeout_of(NoDeadline()), "5s");
  EXPECT_EQ(timeout_of(std::chrono::system_clock::now() + std::chrono::milliseconds(4990)), "5s");
  EXPECT_NE(timeout_of(std::chrono::system_clock::now() + std::chrono::seconds(2)).find("in a block"),
            std::string::npos);
  auto status = pool->WriteStatement(std::chrono::system_clock::now() + std::chrono::milliseconds(200),
                                     [](pqxx::transaction_base& tx) {
                                       tx.exec("select pg_sleep(5)");
                                       return absl::OkStatus();
                                     });
  EXPECT_EQ(errors::ContractCode(status), "DEADLINE_EXCEEDED") << status;
}

TEST_F(PoolTest, SqlErrorsAreInternalAndHidden) {
  auto pool = MakePool();
  auto status = pool->ServiceTx(NoDeadline(), [](pqxx::transaction_base& tx) {
    tx.exec("select * from no_such_table");
    return absl::OkStatus();
  });
  EXPECT_EQ(errors::ContractCode(status), "INTERNAL");
  EXPECT_EQ(errors::ToGrpcStatus(status).error_message(), "internal error");
}

TEST_F(PoolTest, RecoversFromAKilledConnection) {
  auto pool = MakePool(1);
  int pid = 0;
  ASSERT_TRUE(pool->ServiceTx(NoDeadline(),
                              [&](pqxx::transaction_base& tx) {
                                pid = tx.exec("select pg_backend_pid()")[0][0].as<int>();
                                return absl::OkStatus();
                              })
                  .ok());
  {
    pqxx::connection admin(url_);
    pqxx::nontransaction tx(admin);
    tx.exec_params("select pg_terminate_backend($1)", pid);
  }
  int new_pid = 0;
  auto status = pool->ServiceTx(NoDeadline(), [&](pqxx::transaction_base& tx) {
    new_pid = tx.exec("select pg_backend_pid()")[0][0].as<int>();
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_NE(new_pid, pid);
  EXPECT_EQ(pool->connections_opened(), 2);
}

// A restart kills every connection at once; the pool finds out on the first
// and retires the others, so no later request fails.
TEST_F(PoolTest, AfterEveryConnectionIsKilledNoRequestFails) {
  auto pool = MakePool(4);
  testing::OpenConnections(*pool, 4);
  ASSERT_EQ(pool->connections_opened(), 4);
  {
    pqxx::connection admin(url_);
    pqxx::nontransaction tx(admin);
    auto killed = tx.exec(
        "select pg_terminate_backend(pid) from pg_stat_activity "
        "where datname = current_database() and pid <> pg_backend_pid()");
    ASSERT_EQ(killed.size(), 4u);
  }
  for (int i = 0; i < 8; ++i) {
    auto status = pool->ServiceTx(NoDeadline(), [](pqxx::transaction_base& tx) {
      tx.exec("select 1");
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << "request " << i << ": " << status;
  }
  // One dead connection was tried, the other three closed unused; one new.
  EXPECT_EQ(pool->connections_opened(), 5);
}

TEST(ConnectionDefaults, AddedUnlessSet) {
  EXPECT_EQ(WithConnectionDefaults("postgresql://u@h:5432/db"),
            "postgresql://u@h:5432/db?connect_timeout=5&keepalives=1&keepalives_idle=30&keepalives_interval=10"
            "&keepalives_count=3&tcp_user_timeout=30000");
  EXPECT_EQ(WithConnectionDefaults("postgresql://u@h/db?sslmode=require&connect_timeout=2&keepalives=0"),
            "postgresql://u@h/db?sslmode=require&connect_timeout=2&keepalives=0&keepalives_idle=30"
            "&keepalives_interval=10&keepalives_count=3&tcp_user_timeout=30000");
  EXPECT_EQ(WithConnectionDefaults("host=h dbname=d connect_timeout=1"),
            "host=h dbname=d connect_timeout=1 keepalives=1 keepalives_idle=30 keepalives_interval=10 "
            "keepalives_count=3 tcp_user_timeout=30000");
}

TEST_F(PoolTest, UnreachableDatabaseIsUnavailable) {
  PoolOptions o;
  o.conninfo = "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2";
  Pool pool(o);
  EXPECT_EQ(errors::ContractCode(pool.Ping()), "UNAVAILABLE");
}

TEST_F(PoolTest, ExhaustedPoolTimesOut) {
  PoolOptions o;
  o.conninfo = url_;
  o.size = 1;
  o.acquire_timeout = std::chrono::milliseconds(100);
  Pool pool(o);
  absl::Status inner;
  ASSERT_TRUE(pool.ServiceTx(NoDeadline(),
                             [&](pqxx::transaction_base&) {
                               inner = pool.ServiceTx(NoDeadline(),
                                                      [](pqxx::transaction_base&) { return absl::OkStatus(); });
                               return absl::OkStatus();
                             })
                  .ok());
  EXPECT_EQ(errors::ContractCode(inner), "UNAVAILABLE");
}

}  // namespace
}  // namespace plinth::db
