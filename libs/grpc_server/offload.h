#ifndef PLINTH_LIBS_GRPC_SERVER_OFFLOAD_H_
#define PLINTH_LIBS_GRPC_SERVER_OFFLOAD_H_

// For handlers on gRPC's callback API: they run on gRPC's own threads, which
// must not wait on a database. The quick part of a call (the access check, a
// cache hit) runs there; what may block goes to an Offload, a few threads of
// its own, which finish the call (ServerUnaryReactor::Finish may be called
// from any thread). The call's log context (request id, user, trace) goes
// with the work.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

namespace plinth::grpc_server {

class Offload {
 public:
  explicit Offload(int threads);
  // Runs what is queued, then joins.
  ~Offload();
  Offload(const Offload&) = delete;
  Offload& operator=(const Offload&) = delete;

  // Queues `work`, run with this thread's current log context; the call this
  // thread was running goes with it (ReleaseCallOnThisThread, here).
  void Run(std::function<void()> work);

 private:
  void Loop();
  bool HasWorkOrStops() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); }

  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// After a callback handler handed its call to another thread (Offload::Run
// calls it): this thread's admission and log context belong to no call any
// more.
void ReleaseCallOnThisThread();

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_OFFLOAD_H_
