#include "libs/singleflight/singleflight.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace plinth::singleflight {
namespace {

TEST(Singleflight, ConcurrentCallsForOneKeyRunOnce) {
  Group<int> group;
  std::atomic<int> runs{0};
  std::atomic<int> waiting{0};
  std::atomic<bool> release{false};
  std::vector<std::thread> threads;
  std::vector<int> results(8, 0);
  // The first call blocks until every other caller has joined it.
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      ++waiting;
      results[i] = group.Do("user-1", [&] {
        ++runs;
        while (!release) std::this_thread::yield();
        return 42;
      });
    });
  }
  while (waiting < 8) std::this_thread::yield();
  // Give the other callers time to reach the wait; correctness does not
  // depend on it (late callers either join or run after release).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release = true;
  for (auto& t : threads) t.join();
  for (int r : results) EXPECT_EQ(r, 42);
  EXPECT_LE(runs, 2);
  EXPECT_GE(runs, 1);
}

TEST(Singleflight, DifferentKeysDoNotWait) {
  Group<int> group;
  EXPECT_EQ(group.Do("a", [] { return 1; }), 1);
  EXPECT_EQ(group.Do("b", [] { return 2; }), 2);
  bool shared = true;
  EXPECT_EQ(group.Do(
                "a", [] { return 3; }, &shared),
            3);  // finished calls are not cached
  EXPECT_FALSE(shared);
}

}  // namespace
}  // namespace plinth::singleflight
