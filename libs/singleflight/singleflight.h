#ifndef PLINTH_LIBS_SINGLEFLIGHT_SINGLEFLIGHT_H_
#define PLINTH_LIBS_SINGLEFLIGHT_SINGLEFLIGHT_H_

// Collapses concurrent calls for the same key into one: the first caller
// runs the function, the others wait and share its result (e.g. many cache
// misses for one user → one database read).

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace plinth::singleflight {

template <typename T>
class Group {
 public:
  // `shared` (optional) is set to true when the result came from another
  // caller's run.
  T Do(const std::string& key, const std::function<T()>& fn, bool* shared = nullptr) {
    std::unique_lock<std::mutex> lock(mu_);
    if (auto it = calls_.find(key); it != calls_.end()) {
      auto call = it->second;
      call->cv.wait(lock, [&] { return call->done; });
      if (shared != nullptr) *shared = true;
      return *call->result;
    }
    auto call = std::make_shared<Call>();
    calls_[key] = call;
    lock.unlock();
    T result = fn();
    lock.lock();
    call->result = std::make_unique<T>(result);
    call->done = true;
    calls_.erase(key);
    call->cv.notify_all();
    if (shared != nullptr) *shared = false;
    return result;
  }

 private:
  struct Call {
    std::condition_variable cv;
    bool done = false;
    std::unique_ptr<T> result;
  };
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Call>> calls_;
};

}  // namespace plinth::singleflight

#endif  // PLINTH_LIBS_SINGLEFLIGHT_SINGLEFLIGHT_H_
