#include "libs/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace plinth::http {
namespace {

struct Sink {
  Response* response;
  size_t cap;
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  auto* sink = static_cast<Sink*>(out);
  if (sink->response->body.size() + size * n > sink->cap) return 0;  // aborts the transfer
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
  Response response;
  Sink sink{&response, request.max_response_bytes};
  curl_slist* headers = nullptr;
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
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  if (rc == CURLE_OPERATION_TIMEDOUT) return absl::DeadlineExceededError(curl_easy_strerror(rc));
  if (rc != CURLE_OK) return absl::UnavailableError(curl_easy_strerror(rc));
  return response;
}

}  // namespace plinth::http
