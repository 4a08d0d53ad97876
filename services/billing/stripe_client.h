#ifndef PLINTH_SERVICES_BILLING_STRIPE_CLIENT_H_
#define PLINTH_SERVICES_BILLING_STRIPE_CLIENT_H_

// Stripe API over HTTPS with libcurl: form-encoded POSTs, `Authorization:
// Bearer sk_…`, a pinned Stripe-Version, an Idempotency-Key on every POST
// (the same key on each retry, so a retried request never acts twice),
// timeouts, and retries with exponential back-off on 429, 5xx and network
// errors. Stripe's error JSON becomes the contract's codes.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace plinth::billing {

constexpr char kStripeVersion[] = "2024-06-20";

struct StripeOptions {
  std::string base_url = "https://api.stripe.com";
  std::string secret_key;
  std::chrono::milliseconds timeout{10000};
  int max_attempts = 3;
  std::chrono::milliseconds first_backoff{250};
};

using Form = std::vector<std::pair<std::string, std::string>>;

class StripeClient {
 public:
  explicit StripeClient(StripeOptions options);

  // POST `path` (e.g. "/v1/customers"); the parsed JSON object on 2xx.
  absl::StatusOr<nlohmann::json> Post(const std::string& path, const Form& form, const std::string& idempotency_key);
  // GET `path` with `query` (e.g. "/v1/subscriptions/sub_1"), retried as POST is.
  absl::StatusOr<nlohmann::json> Get(const std::string& path, const Form& query = {});
  // Every object of a list endpoint, page after page (`limit=100`,
  // `starting_after`), at most `max_objects`.
  absl::StatusOr<std::vector<nlohmann::json>> ListAll(const std::string& path, Form query, size_t max_objects = 10000);

  // Form encoding as Stripe expects it (keys may hold brackets: a[b]=c).
  static std::string Encode(const Form& form);

 private:
  absl::StatusOr<nlohmann::json> Send(const std::string& method, const std::string& path, const Form& form,
                                      const std::string& idempotency_key);

  StripeOptions options_;
};

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_STRIPE_CLIENT_H_
