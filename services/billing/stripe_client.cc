#include "services/billing/stripe_client.h"

#include <thread>

#include <curl/curl.h>

#include "libs/errors/errors.h"
#include "libs/logging/logging.h"

namespace plinth::billing {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > (4 << 20)) return 0;
  body->append(data, size * n);
  return size * n;
}

std::string Escape(const std::string& s) {
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  return out;
}

// Stripe's error body → the contract. Messages from Stripe are safe to pass
// on for card/request errors; authentication problems are ours, not the user's.
absl::Status MapError(long http_status, const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  std::string message = "payment provider error";
  std::string param;
  if (json.is_object() && json.contains("error") && json["error"].is_object()) {
    const auto& e = json["error"];
    if (e.contains("message") && e["message"].is_string()) message = e["message"].get<std::string>();
    if (e.contains("param") && e["param"].is_string()) param = e["param"].get<std::string>();
  }
  switch (http_status) {
    case 400:
    case 402:
      return param.empty() ? errors::InvalidField("body", message) : errors::InvalidField(param, message);
    case 401:
    case 403:
      return errors::Unavailable("payment provider rejected our credentials");
    case 404:
      return errors::NotFound(message);
    case 409:
      return errors::Conflict(message);
    case 429:
      return errors::Unavailable("payment provider is rate limiting; try again shortly");
    default:
      return errors::Unavailable("payment provider unavailable");
  }
}

}  // namespace

StripeClient::StripeClient(StripeOptions options) : options_(std::move(options)) {}

std::string StripeClient::Encode(const Form& form) {
  std::string out;
  for (const auto& [k, v] : form) {
    if (!out.empty()) out.push_back('&');
    out += Escape(k) + "=" + Escape(v);
  }
  return out;
}

absl::StatusOr<nlohmann::json> StripeClient::Post(const std::string& path, const Form& form,
                                                  const std::string& idempotency_key) {
  const std::string url = options_.base_url + path;
  const std::string body = Encode(form);
  absl::Status last = errors::Unavailable("payment provider unavailable");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(options_.first_backoff * (1 << (attempt - 1)));
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return errors::Internal("curl init failed");
    std::string response;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Authorization: Bearer " + options_.secret_key).c_str());
    headers = curl_slist_append(headers, (std::string("Stripe-Version: ") + kStripeVersion).c_str());
    headers = curl_slist_append(headers, ("Idempotency-Key: " + idempotency_key).c_str());
    headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      logging::Warn("stripe request failed", {{"path", path}, {"attempt", std::to_string(attempt + 1)},
                                              {"error", curl_easy_strerror(rc)}});
      last = rc == CURLE_OPERATION_TIMEDOUT ? errors::DeadlineExceeded("payment provider timed out")
                                            : errors::Unavailable("payment provider unreachable");
      continue;
    }
    if (status >= 200 && status < 300) {
      auto json = nlohmann::json::parse(response, nullptr, false);
      if (!json.is_object()) return errors::Unavailable("payment provider sent an invalid response");
      return json;
    }
    last = MapError(status, response);
    logging::Warn("stripe error", {{"path", path}, {"status", std::to_string(status)},
                                   {"attempt", std::to_string(attempt + 1)}});
    if (status != 429 && status < 500) return last;  // not retryable
  }
  return last;
}

}  // namespace plinth::billing
