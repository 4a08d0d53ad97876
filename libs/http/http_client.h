#ifndef PLINTH_LIBS_HTTP_HTTP_CLIENT_H_
#define PLINTH_LIBS_HTTP_HTTP_CLIENT_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/status/statusor.h>

namespace plinth::http {

// Lets whoever started a request drop it from any thread (AsyncClient
// only). The transfer ends ABORTED once its whole request has been sent,
// never before: a request that was started reaches the server, so what the
// caller counts as started is what the server saw.
class AbortSignal {
 public:
  void Abort();
  bool aborted() const;
  // `notify` runs on the thread that calls Abort (if it comes later); an
  // empty function stops it. The client watches the signal this way while
  // the transfer runs.
  void OnAbort(std::function<void()> notify);

 private:
  mutable absl::Mutex mu_;
  bool aborted_ ABSL_GUARDED_BY(mu_) = false;
  std::function<void()> notify_ ABSL_GUARDED_BY(mu_);
};

struct Request {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{3000};
  size_t max_response_bytes = 4 << 20;
  std::shared_ptr<AbortSignal> abort;  // optional
  // Optional: a 2xx response's body is handed to it as it arrives instead of
  // being kept in Response::body (a streamed answer); false ends the
  // transfer (UNAVAILABLE). It runs on the thread that runs the transfer (the
  // AsyncClient's: it must not block). Other statuses' bodies (errors) are
  // kept as usual. max_response_bytes still bounds the whole body.
  std::function<bool(std::string_view)> on_body;
};

struct Response {
  long status = 0;
  std::string body;
  // Header names lower-cased, values trimmed; the last response's only
  // (after redirects or `100 Continue`).
  std::vector<std::pair<std::string, std::string>> headers;

  // The value of the first header named `name` (lower case), or "".
  std::string Header(std::string_view name) const;
};

// Any HTTP status is a Response; only transport failures are errors:
// DEADLINE_EXCEEDED on timeout, UNAVAILABLE otherwise (message: curl's).
// Each thread keeps one libcurl handle, so calls from the same thread reuse
// its connections (and TLS sessions) to a host.
absl::StatusOr<Response> Send(const Request& request);

// Many requests in flight on one thread (libcurl's multi interface): what a
// caller holding thousands of slow calls at once (the LLM worker) uses
// instead of a thread per call. Same options, limits and errors as Send;
// connections (and HTTP/2 streams) are shared across requests.
class AsyncClient {
 public:
  using Done = std::function<void(absl::StatusOr<Response>)>;

  AsyncClient();
  // Stops the loop; requests still in flight are answered CANCELLED.
  ~AsyncClient();
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  // Starts `request` and returns at once. `done` runs exactly once, on the
  // client's thread: it must not block (hand the result to another thread).
  // ABORTED when `request.abort` was signalled.
  void Send(Request request, Done done);

 private:
  struct Transfer;
  // libcurl's progress callback: ends an aborted transfer once it is sent.
  static int OnProgress(void* transfer, int64_t, int64_t, int64_t ultotal, int64_t ulnow);
  void Loop();
  void Wake();

  void* multi_;  // CURLM*
  int wake_;     // eventfd: Send and the destructor wake the loop
  absl::Mutex mu_;
  std::deque<std::unique_ptr<Transfer>> submitted_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> aborted_ ABSL_GUARDED_BY(mu_);  // ids of transfers whose signal fired
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread loop_;
};

}  // namespace plinth::http

#endif  // PLINTH_LIBS_HTTP_HTTP_CLIENT_H_
