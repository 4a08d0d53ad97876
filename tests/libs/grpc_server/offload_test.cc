// Offload: work runs off the caller's thread, with the caller's log context,
// and none of it is lost when the pool goes away.

#include "libs/grpc_server/offload.h"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/logging/logging.h"

namespace plinth::grpc_server {
namespace {

using logging::RequestContext;

TEST(Offload, RunsWithTheCallersLogContextOnAnotherThread) {
  Offload pool(2);
  RequestContext::Set("req-1", "user-1");
  RequestContext::SetTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  std::mutex mu;
  std::string seen_request, seen_user, seen_trace;
  std::thread::id ran_on;
  std::atomic<bool> done{false};
  pool.Run([&] {
    std::lock_guard<std::mutex> lock(mu);
    seen_request = RequestContext::RequestId();
    seen_user = RequestContext::UserId();
    seen_trace = RequestContext::TraceParent();
    ran_on = std::this_thread::get_id();
    done = true;
  });
  // The caller's context is its own to change at once.
  RequestContext::Set("req-2", "user-2");
  while (!done) std::this_thread::yield();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen_request, "req-1");
  EXPECT_EQ(seen_user, "user-1");
  EXPECT_EQ(seen_trace, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_NE(ran_on, std::this_thread::get_id());
  RequestContext::Set("", "");
  RequestContext::SetTraceParent("");
}

TEST(Offload, TheCallGoesWithTheWork) {
  Offload pool(1);
  RequestContext::Set("handed-over", "u");
  RequestContext::SetTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  pool.Run([] {});
  // The handler's thread serves other calls next: none of this one's context
  // may stay on it.
  EXPECT_EQ(RequestContext::RequestId(), "");
  EXPECT_EQ(RequestContext::UserId(), "");
  EXPECT_EQ(RequestContext::TraceParent(), "");
}

TEST(Offload, RunsEverythingQueuedBeforeItGoes) {
  std::atomic<int> ran{0};
  {
    Offload pool(1);
    for (int i = 0; i < 200; ++i) pool.Run([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 200);
}

TEST(Offload, TheNextWorkOnAThreadDoesNotInheritTheLastOnesContext) {
  Offload pool(1);
  std::atomic<int> step{0};
  std::string second_request = "unset";
  RequestContext::Set("first", "u");
  pool.Run([&] { step = 1; });
  RequestContext::Set("", "");
  pool.Run([&] {
    second_request = RequestContext::RequestId();
    step = 2;
  });
  while (step != 2) std::this_thread::yield();
  EXPECT_EQ(second_request, "");
}

}  // namespace
}  // namespace plinth::grpc_server
