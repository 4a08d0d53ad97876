#ifndef PLINTH_LIBS_SINGLEFLIGHT_SINGLEFLIGHT_H_
#define PLINTH_LIBS_SINGLEFLIGHT_SINGLEFLIGHT_H_

// Collapses concurrent calls for the same key into one: the first caller
// runs the function, the others wait and share its result (e.g. many cache
// misses for one user → one database read).

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

namespace plinth::singleflight {

template <typename T>
class Group {
 public:
  // `shared` (optional) is set to true when the result came from another
  // caller's run.
  T Do(const std::string& key, const std::function<T()>& fn, bool* shared = nullptr) {
    std::shared_ptr<Call> call;
    {
      absl::MutexLock lock(&mu_);
      if (auto it = calls_.find(key); it != calls_.end()) {
        call = it->second;
        mu_.Await(absl::Condition(&call->done));
        if (shared != nullptr) *shared = true;
        return *call->result;
      }
      call = std::make_shared<Call>();
      calls_[key] = call;
    }
    T result = fn();
    absl::MutexLock lock(&mu_);
    call->result = std::make_unique<T>(result);
    call->done = true;  // wakes the waiters as the lock is released
    calls_.erase(key);
    if (shared != nullptr) *shared = false;
    return result;
  }

 private:
  // Written under mu_.
  struct Call {
    bool done = false;
    std::unique_ptr<T> result;
  };
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Call>> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace plinth::singleflight

#endif  // PLINTH_LIBS_SINGLEFLIGHT_SINGLEFLIGHT_H_
