#include "libs/http/http_client.h"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <cerrno>
#include <memory>
#include <optional>

namespace plinth::http {
namespace {

struct Sink {
  Response* response;
  size_t cap;
  const std::function<bool(std::string_view)>* on_body = nullptr;
  CURL* curl = nullptr;
  size_t received = 0;
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  auto* sink = static_cast<Sink*>(out);
  sink->received += size * n;
  if (sink->received > sink->cap) return 0;  // aborts the transfer
  if (sink->on_body != nullptr && *sink->on_body) {
    long status = 0;
    curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return (*sink->on_body)(std::string_view(data, size * n)) ? size * n : 0;
  }
  sink->response->body.append(data, size * n);
  return size * n;
}

std::string Trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

size_t AppendHeader(char* data, size_t size, size_t n, void* out) {
  auto* response = static_cast<Response*>(out);
  std::string line(data, size * n);
  // A status line starts a new header block (redirects, 100 Continue).
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos || response->headers.size() >= 100) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  response->headers.emplace_back(Trim(name), Trim(line.substr(colon + 1)));
  return size * n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

CURL* ThreadHandle() {
  thread_local std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
  if (handle) curl_easy_reset(handle.get());  // options cleared, connection cache kept
  return handle.get();
}

// One request's state while libcurl runs it: what the options point at must
// live until it ends.
struct Exchange {
  Request request;
  Response response;
  Sink sink{&response, 0};
  curl_slist* headers = nullptr;

  explicit Exchange(Request r) : request(std::move(r)) { sink.cap = request.max_response_bytes; }
  ~Exchange() { curl_slist_free_all(headers); }
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // The same options for the blocking and the multi path.
  void Configure(CURL* curl) {
    for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (request.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    sink.on_body = &request.on_body;
    sink.curl = curl;
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  }

  absl::StatusOr<Response> Result(CURL* curl, CURLcode rc) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    if (rc == CURLE_OPERATION_TIMEDOUT) return absl::DeadlineExceededError(curl_easy_strerror(rc));
    if (rc != CURLE_OK) return absl::UnavailableError(curl_easy_strerror(rc));
    return std::move(response);
  }
};

}  // namespace

std::string Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

absl::StatusOr<Response> Send(const Request& request) {
  CURL* curl = ThreadHandle();
  if (curl == nullptr) return absl::InternalError("curl init failed");
  Exchange exchange(request);
  exchange.Configure(curl);
  CURLcode rc = curl_easy_perform(curl);
  auto result = exchange.Result(curl, rc);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  return result;
}

// ---- AsyncClient -----------------------------------------------------------

void AbortSignal::Abort() {
  std::function<void()> notify;
  {
    absl::MutexLock lock(&mu_);
    if (aborted_) return;
    aborted_ = true;
    notify = notify_;
  }
  if (notify) notify();
}

void AbortSignal::OnAbort(std::function<void()> notify) {
  absl::MutexLock lock(&mu_);
  notify_ = std::move(notify);
}

bool AbortSignal::aborted() const {
  absl::MutexLock lock(&mu_);
  return aborted_;
}

struct AsyncClient::Transfer {
  Exchange exchange;
  Done done;
  std::unique_ptr<CURL, CurlDeleter> curl;
  uint64_t id = 0;
  bool request_sent = false;  // the whole request body is on the wire

  Transfer(Request r, Done d) : exchange(std::move(r)), done(std::move(d)), curl(curl_easy_init()) {}

  bool Aborted() const { return exchange.request.abort && exchange.request.abort->aborted(); }
  void Unwatch() {
    if (exchange.request.abort) exchange.request.abort->OnAbort(nullptr);
  }
};

// libcurl calls this while it uploads and about once a second after.
int AsyncClient::OnProgress(void* transfer, int64_t, int64_t, int64_t ultotal, int64_t ulnow) {
  auto* t = static_cast<Transfer*>(transfer);
  if (!t->request_sent) {
    const Request& r = t->exchange.request;
    if (r.method == "POST" && !r.body.empty()) {
      t->request_sent = ultotal > 0 && ulnow >= ultotal;
    } else {
      curl_off_t pretransfer = 0;  // µs until the request was about to go
      curl_easy_getinfo(t->curl.get(), CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
      t->request_sent = pretransfer > 0;
    }
  }
  return t->request_sent && t->Aborted() ? 1 : 0;
}

// The loop is libcurl's event-driven interface on epoll: work per wake-up is
// proportional to the sockets that are ready, not to the requests in flight
// (curl_multi_perform walks every transfer each time: thousands of idle
// calls made each completion cost milliseconds).
namespace {

struct LoopState {
  int epoll = -1;
  // When libcurl wants CURL_SOCKET_TIMEOUT next (none: unset).
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

int OnSocket(CURL*, curl_socket_t socket, int what, void* userp, void*) {
  auto* state = static_cast<LoopState*>(userp);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(state->epoll, EPOLL_CTL_DEL, socket, nullptr);
    return 0;
  }
  epoll_event event{};
  event.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
  event.data.fd = socket;
  if (epoll_ctl(state->epoll, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
    epoll_ctl(state->epoll, EPOLL_CTL_ADD, socket, &event);
  }
  return 0;
}

int OnTimer(CURLM*, long timeout_ms, void* userp) {
  auto* state = static_cast<LoopState*>(userp);
  if (timeout_ms < 0) {
    state->deadline.reset();
  } else {
    state->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

}  // namespace

AsyncClient::AsyncClient() : multi_(curl_multi_init()), wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  loop_ = std::thread([this] { Loop(); });
}

AsyncClient::~AsyncClient() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  Wake();
  loop_.join();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
  close(wake_);
}

void AsyncClient::Wake() {
  const uint64_t one = 1;
  (void)!write(wake_, &one, sizeof(one));
}

void AsyncClient::Send(Request request, Done done) {
  auto transfer = std::make_unique<Transfer>(std::move(request), std::move(done));
  std::unique_ptr<Transfer> refused;  // stopping: not started
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = std::move(transfer);
    } else {
      submitted_.push_back(std::move(transfer));
    }
  }
  if (refused) {
    refused->done(absl::CancelledError("the HTTP client is shutting down"));
    return;
  }
  Wake();
}

void AsyncClient::Loop() {
  auto* multi = static_cast<CURLM*>(multi_);
  LoopState state;
  state.epoll = epoll_create1(EPOLL_CLOEXEC);
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.fd = wake_;
  epoll_ctl(state.epoll, EPOLL_CTL_ADD, wake_, &wake_event);
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, OnSocket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, &state);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, OnTimer);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, &state);

  std::map<CURL*, std::unique_ptr<Transfer>> running;
  std::map<uint64_t, CURL*> by_id;
  uint64_t next_id = 0;
  auto finish = [&by_id](std::unique_ptr<Transfer> t, absl::StatusOr<Response> result) {
    t->Unwatch();
    by_id.erase(t->id);
    if (t->Aborted() && !result.ok()) result = absl::AbortedError("the request was aborted by its caller");
    t->done(std::move(result));
  };
  int still_running = 0;
  std::vector<epoll_event> events(256);
  while (true) {
    std::deque<std::unique_ptr<Transfer>> added;
    std::vector<uint64_t> aborted;
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      added.swap(submitted_);
      aborted.swap(aborted_);
      stopping = stopping_;
    }
    // Sent ones end now; the others once sent (OnProgress).
    for (uint64_t id : aborted) {
      auto h = by_id.find(id);
      if (h == by_id.end()) continue;
      auto it = running.find(h->second);
      if (it == running.end() || !it->second->request_sent) continue;
      curl_multi_remove_handle(multi, it->first);
      std::unique_ptr<Transfer> t = std::move(it->second);
      running.erase(it);
      finish(std::move(t), absl::AbortedError("the request was aborted by its caller"));
    }
    for (auto& t : added) {
      if (stopping || t->curl == nullptr) {
        finish(std::move(t), stopping ? absl::CancelledError("the HTTP client is shutting down")
                                      : absl::InternalError("curl init failed"));
        continue;
      }
      t->exchange.Configure(t->curl.get());
      CURL* handle = t->curl.get();
      t->id = ++next_id;
      curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, OnProgress);
      curl_easy_setopt(handle, CURLOPT_XFERINFODATA, t.get());
      if (t->exchange.request.abort) {
        t->exchange.request.abort->OnAbort([this, id = t->id] {
          {
            absl::MutexLock lock(&mu_);
            aborted_.push_back(id);
          }
          Wake();
        });
      }
      by_id.emplace(t->id, handle);
      running.emplace(handle, std::move(t));
      curl_multi_add_handle(multi, handle);  // sets a timer to start it
    }
    if (stopping) break;

    int wait_ms = 1000;
    if (state.deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*state.deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1000));
    }
    const int n = epoll_wait(state.epoll, events.data(), static_cast<int>(events.size()), wait_ms);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_) {
        uint64_t count;
        (void)!read(wake_, &count, sizeof(count));
        continue;
      }
      const int flags = (events[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                        (events[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                        (events[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
      curl_multi_socket_action(multi, fd, flags, &still_running);
    }
    if (state.deadline && std::chrono::steady_clock::now() >= *state.deadline) {
      state.deadline.reset();
      curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still_running);
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* handle = msg->easy_handle;
      const CURLcode rc = msg->data.result;
      curl_multi_remove_handle(multi, handle);
      auto it = running.find(handle);
      if (it == running.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      running.erase(it);
      auto result = t->exchange.Result(handle, rc);
      finish(std::move(t), std::move(result));
    }
  }
  for (auto& [handle, t] : running) {
    curl_multi_remove_handle(multi, handle);
    finish(std::move(t), absl::CancelledError("the HTTP client is shutting down"));
  }
  close(state.epoll);
}

}  // namespace plinth::http
