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
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
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
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(with_context));
  }
  ready_.notify_one();
  ReleaseCallOnThisThread();
}

void Offload::Loop() {
  while (true) {
    std::function<void()> work;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace plinth::grpc_server
