#include "tests/support/pg.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "libs/auth/jwt.h"
#include "libs/migrate/migrate.h"
#include "tests/support/net.h"

namespace plinth::testing {
namespace {

std::string Run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return "popen failed";
  char buf[512];
  while (fgets(buf, sizeof(buf), p)) out += buf;
  int rc = pclose(p);
  return rc == 0 ? "" : (out.empty() ? "failed" : out);
}

std::string PgBinDir() {
  for (const char* v : {"17", "16", "15"}) {
    std::string candidate = std::string("/usr/lib/postgresql/") + v + "/bin";
    if (access((candidate + "/initdb").c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// The shared cluster when PLINTH_TEST_DATABASE_URL is unset: stopped when
// the test binary exits.
std::string StartOwnCluster() {
  static OwnCluster* cluster = OwnCluster::Start().release();
  if (cluster == nullptr) return "";
  std::atexit([] { delete cluster; });
  return cluster->url();
}

std::string ServerUrl() {
  static std::once_flag once;
  static std::string url;
  std::call_once(once, [] {
    const char* env = std::getenv("PLINTH_TEST_DATABASE_URL");
    url = (env != nullptr && *env != '\0') ? env : StartOwnCluster();
  });
  return url;
}

std::string WithDatabase(const std::string& server_url, const std::string& db) {
  auto slash = server_url.rfind('/');
  auto query = server_url.find('?', slash);
  return server_url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : server_url.substr(query));
}

}  // namespace

std::unique_ptr<OwnCluster> OwnCluster::Start() {
  std::unique_ptr<OwnCluster> c(new OwnCluster());
  c->bindir_ = PgBinDir();
  if (c->bindir_.empty()) {
    ADD_FAILURE() << "PostgreSQL server binaries not found";
    return nullptr;
  }
  char tmpl[] = "/tmp/plinth-test-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return nullptr;
  c->dir_ = tmpl;
  c->port_ = FreePort();
  std::string err = Run("chown postgres " + c->dir_ + " && runuser -u postgres -- " + c->bindir_ + "/initdb -D " +
                        c->dir_ + "/data -U postgres --auth=trust >/dev/null");
  if (err.empty()) err = c->PgCtl("start");
  if (!err.empty()) {
    ADD_FAILURE() << "could not start PostgreSQL: " << err;
    return nullptr;
  }
  c->url_ = "postgresql://postgres@127.0.0.1:" + std::to_string(c->port_) + "/postgres";
  return c;
}

std::string OwnCluster::PgCtl(const std::string& action) const {
  return Run("runuser -u postgres -- " + bindir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
             "/log -w -m fast -o '-p " + std::to_string(port_) + " -k " + dir_ +
             " -c listen_addresses=127.0.0.1 -c fsync=off' " + action + " >/dev/null");
}

bool OwnCluster::Restart() { return PgCtl("restart").empty(); }

OwnCluster::~OwnCluster() {
  [[maybe_unused]] int rc = std::system(("runuser -u postgres -- " + bindir_ + "/pg_ctl -D " + dir_ +
                                         "/data -m immediate stop >/dev/null 2>&1; rm -rf " + dir_)
                                            .c_str());
}

std::string CreateEmptyDatabase() {
  std::string server = ServerUrl();
  if (server.empty()) {
    ADD_FAILURE() << "no PostgreSQL server for integration tests";
    return "";
  }
  std::string name = "t_" + auth::NewUuid().substr(0, 8) + auth::NewUuid().substr(0, 8);
  try {
    pqxx::connection conn(server);
    pqxx::nontransaction tx(conn);
    tx.exec("create database " + name);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "create database: " << e.what();
    return "";
  }
  return WithDatabase(server, name);
}

std::string MigrationsDir() { return "migrations"; }

std::string AsRole(const std::string& url, const std::string& role) {
  const std::string scheme = "postgresql://";
  auto at = url.find('@');
  if (url.rfind(scheme, 0) != 0 || at == std::string::npos) return "";
  return scheme + role + url.substr(at);
}

namespace {

// The bootstrap and the migrations create and grant cluster-wide objects
// (roles and their memberships): two test processes doing it at once on one
// server raced ("duplicate key ... pg_auth_members"). They take turns on
// an advisory lock of the server's own database for the length of it.
class ClusterSetupLock {
 public:
  ClusterSetupLock() : conn_(ServerUrl()) { pqxx::nontransaction(conn_).exec("select pg_advisory_lock(715243)"); }

 private:
  pqxx::connection conn_;  // closing it releases the lock
};

}  // namespace

std::string CreateOwnedDatabase() {
  std::string url = CreateEmptyDatabase();
  if (url.empty()) return url;
  try {
    ClusterSetupLock turn;
    std::ifstream in(MigrationsDir() + "/bootstrap/cluster.sql");
    std::stringstream bootstrap;
    bootstrap << in.rdbuf();
    if (bootstrap.str().empty()) throw std::runtime_error("migrations/bootstrap/cluster.sql not found");
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    tx.exec(bootstrap.str());
    tx.exec("alter database " + tx.quote_name(conn.dbname()) + " owner to plinth_owner");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "bootstrap: " << e.what();
    return "";
  }
  return url;
}

std::string CreateMigratedDatabase() {
  std::string url = CreateOwnedDatabase();
  if (url.empty()) return url;
  // As in every deployment: the owner migrates, not a superuser.
  absl::Status applied;
  try {
    ClusterSetupLock turn;
    applied = migrate::Apply(AsRole(url, "plinth_owner"), MigrationsDir()).status();
  } catch (const std::exception& e) {
    applied = absl::UnavailableError(e.what());
  }
  if (!applied.ok()) {
    ADD_FAILURE() << "migrations: " << applied;
    return "";
  }
  return url;
}

std::string CreateUserWithProfile(const std::string& database_url, int credits) {
  std::string id = auth::NewUuid();
  pqxx::connection conn(database_url);
  pqxx::work tx(conn);
  tx.exec_params("select plinth_ensure_auth_user($1, null)", id);
  tx.exec_params("insert into profiles (id) values ($1)", id);  // billing's trigger opens the account
  tx.exec_params("update billing_accounts set credits_remaining = $2 where user_id = $1", id, credits);
  tx.commit();
  return id;
}

void OpenConnections(db::Pool& pool, int n) {
  std::vector<std::thread> threads;
  std::atomic<int> inside{0};
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&] {
      EXPECT_TRUE(pool.ServiceTx(db::NoDeadline(),
                                 [&](pqxx::transaction_base& tx) {
                                   ++inside;
                                   while (inside < n) std::this_thread::yield();
                                   tx.exec("select 1");
                                   return absl::OkStatus();
                                 })
                      .ok());
    });
  }
  for (auto& t : threads) t.join();
}

std::string ClaimsJson(const std::string& user_id) {
  return R"({"aud":"authenticated","role":"authenticated","sub":")" + user_id + R"("})";
}

std::unique_ptr<db::Pool> OpenPool(const std::string& url, std::vector<db::PreparedStatement> statements, int size) {
  db::PoolOptions o;
  o.conninfo = url;
  o.size = size;
  o.statements = std::move(statements);
  return std::make_unique<db::Pool>(std::move(o));
}

}  // namespace plinth::testing
