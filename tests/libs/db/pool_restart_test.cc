// A real PostgreSQL restart under load: requests in flight when the server
// goes down may fail; no request that starts once it is back does, on a
// busy pool or on one whose connections all sat idle through the restart.

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/db/pool.h"
#include "tests/support/pg.h"

namespace plinth::db {
namespace {

using Clock = std::chrono::steady_clock;

absl::Status SelectOne(Pool& pool) {
  return pool.ServiceTx(std::chrono::system_clock::now() + std::chrono::seconds(5), [](pqxx::transaction_base& tx) {
    tx.exec("select 1");
    return absl::OkStatus();
  });
}

TEST(PoolRestart, NoRequestStartedAfterTheDatabaseIsBackFails) {
  auto cluster = testing::OwnCluster::Start();
  ASSERT_NE(cluster, nullptr);
  PoolOptions busy_options;
  busy_options.conninfo = cluster->url();
  busy_options.size = 4;
  Pool busy(busy_options);
  PoolOptions idle_options = busy_options;
  idle_options.size = 8;
  Pool idle(idle_options);
  // The idle pool opens eight connections, then sits out the restart.
  testing::OpenConnections(idle, 8);
  ASSERT_EQ(idle.connections_opened(), 8);

  struct Outcome {
    Clock::time_point started;
    bool ok;
  };
  std::mutex mu;
  std::vector<Outcome> outcomes;
  std::atomic<bool> stop{false};
  std::atomic<int> done{0};
  std::vector<std::thread> load;
  for (int i = 0; i < 4; ++i) {
    load.emplace_back([&] {
      while (!stop) {
        auto started = Clock::now();
        bool ok = SelectOne(busy).ok();
        std::lock_guard<std::mutex> lock(mu);
        outcomes.push_back({started, ok});
        ++done;
      }
    });
  }
  while (done < 200) std::this_thread::yield();
  ASSERT_TRUE(cluster->Restart());
  const auto back = Clock::now();
  const int done_at_back = done;
  while (done < done_at_back + 400) std::this_thread::yield();
  stop = true;
  for (auto& t : load) t.join();

  int failed_before = 0, failed_after = 0, after = 0;
  for (const auto& o : outcomes) {
    if (o.started >= back) {
      ++after;
      if (!o.ok) ++failed_after;
    } else if (!o.ok) {
      ++failed_before;
    }
  }
  std::printf("restart under load: %zu requests, %d failed while the server was down, %d of %d after it was back\n",
              outcomes.size(), failed_before, failed_after, after);
  EXPECT_EQ(failed_after, 0);
  EXPECT_GE(after, 400);

  // Every idle connection is dead; none of the next requests may fail.
  for (int i = 0; i < 8; ++i) {
    auto status = SelectOne(idle);
    EXPECT_TRUE(status.ok()) << "idle pool, request " << i << ": " << status;
  }
  EXPECT_EQ(idle.connections_opened(), 9);
}

}  // namespace
}  // namespace plinth::db
