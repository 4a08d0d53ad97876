#include "services/billing/stripe_client.h"

#include <thread>

#include "libs/errors/errors.h"
#include "libs/http/http_client.h"
#include "libs/logging/logging.h"

namespace plinth::billing {
namespace {

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
  return Send("POST", path, form, idempotency_key);
}

absl::StatusOr<nlohmann::json> StripeClient::Get(const std::string& path, const Form& query) {
  return Send("GET", path, query, "");
}

absl::StatusOr<std::vector<nlohmann::json>> StripeClient::ListAll(const std::string& path, Form query,
                                                                  size_t max_objects) {
  std::vector<nlohmann::json> out;
  query.push_back({"limit", "100"});
  std::string after;
  while (out.size() < max_objects) {
    Form page = query;
    if (!after.empty()) page.push_back({"starting_after", after});
    auto list = Get(path, page);
    if (!list.ok()) return list.status();
    if (!list->contains("data") || !(*list)["data"].is_array()) {
      return errors::Unavailable("payment provider sent an invalid list");
    }
    for (auto& object : (*list)["data"]) out.push_back(std::move(object));
    const bool more = list->contains("has_more") && (*list)["has_more"] == true;
    if (!more || out.empty() || !out.back().contains("id") || !out.back()["id"].is_string()) break;
    after = out.back()["id"].get<std::string>();
  }
  return out;
}

absl::StatusOr<nlohmann::json> StripeClient::Send(const std::string& method, const std::string& path, const Form& form,
                                                  const std::string& idempotency_key) {
  // Every attempt sends the same request, idempotency key included.
  http::Request request;
  request.method = method;
  request.url = options_.base_url + path;
  request.headers = {"Authorization: Bearer " + options_.secret_key, std::string("Stripe-Version: ") + kStripeVersion};
  if (method == "GET") {
    if (!form.empty()) request.url += "?" + Encode(form);
  } else {
    request.headers.push_back("Idempotency-Key: " + idempotency_key);
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    request.body = Encode(form);
  }
  request.timeout = options_.timeout;
  absl::Status last = errors::Unavailable("payment provider unavailable");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(options_.first_backoff * (1 << (attempt - 1)));
    auto sent = http::Send(request);
    if (!sent.ok()) {
      logging::Warn(
          "stripe request failed",
          {{"path", path}, {"attempt", std::to_string(attempt + 1)}, {"error", std::string(sent.status().message())}});
      last = sent.status().code() == absl::StatusCode::kDeadlineExceeded
                 ? errors::DeadlineExceeded("payment provider timed out")
                 : errors::Unavailable("payment provider unreachable");
      continue;
    }
    const long status = sent->status;
    const std::string& response = sent->body;
    if (status >= 200 && status < 300) {
      auto json = nlohmann::json::parse(response, nullptr, false);
      if (!json.is_object()) return errors::Unavailable("payment provider sent an invalid response");
      return json;
    }
    last = MapError(status, response);
    logging::Warn("stripe error",
                  {{"path", path}, {"status", std::to_string(status)}, {"attempt", std::to_string(attempt + 1)}});
    if (status != 429 && status < 500) return last;  // not retryable
  }
  return last;
}

}  // namespace plinth::billing
