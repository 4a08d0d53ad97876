#include "libs/grpc_server/offload.h"

#include <string>
#include <utility>

#include "libs/logging/logging.h"

namespace plinth::grpc_server {

Offload::Offload(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

Offload::~Offload() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& t : threads_) t.join();
}

void Offload::Run(std::function<void()> work) {
  using logging::RequestContext;
  auto with_context = [work = std::move(work), request_id = RequestContext::RequestId(),
                       user_id = RequestContext::UserId(), traceparent = RequestContext::TraceParent()] {
    RequestContext::Set(request_id, user_id);
    RequestContext::SetTraceParent(traceparent);
    work();
    ReleaseCallOnThisThread();
  };
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(with_context));
  }
  ReleaseCallOnThisThread();
}

void Offload::Loop() {
  while (true) {
    std::function<void()> work;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &Offload::HasWorkOrStops));
      if (queue_.empty()) return;  // stopping, and nothing left
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace plinth::grpc_server
