#include "libs/http/http_client.h"

#include <curl/curl.h>

namespace plinth::http {
namespace {

struct Sink {
  std::string* body;
  size_t cap;
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  auto* sink = static_cast<Sink*>(out);
  if (sink->body->size() + size * n > sink->cap) return 0;  // aborts the transfer
  sink->body->append(data, size * n);
  return size * n;
}

}  // namespace

absl::StatusOr<Response> Send(const Request& request) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("curl init failed");
  Response response;
  Sink sink{&response.body, request.max_response_bytes};
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
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OPERATION_TIMEDOUT) return absl::DeadlineExceededError(curl_easy_strerror(rc));
  if (rc != CURLE_OK) return absl::UnavailableError(curl_easy_strerror(rc));
  return response;
}

}  // namespace plinth::http
