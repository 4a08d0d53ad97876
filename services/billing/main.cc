// Billing service: wiring only (configuration, pool, store, Stripe client,
// Redis for cache invalidation, profile stub, gRPC server).

#include <algorithm>
#include <cctype>

#include <absl/strings/ascii.h>
#include <absl/strings/str_split.h>
#include <grpcpp/grpcpp.h>

#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/call.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "services/billing/billing_service.h"
#include "services/billing/billing_store.h"

int main() {
  using namespace plinth;
  plinth::grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("billing", env.String("LOG_LEVEL", "info"));

  auto settings = service_env::Load(env, v1::BillingService::service_full_name());
  if (!settings.ok()) return service_env::StartupFailure(settings.status());
  auto profile_address = service_env::AddressOf(env, v1::ProfileService::service_full_name());
  if (!profile_address.ok()) return service_env::StartupFailure(profile_address.status());
  auto free_credits = env.Int("FREE_TIER_CREDITS", 10, 0, 1000000);
  if (!free_credits.ok()) return service_env::StartupFailure(free_credits.status());
  auto grace_days = env.Int("BILLING_GRACE_DAYS", 7, 0, 365);
  auto catalog_refresh = env.Int("BILLING_CATALOG_REFRESH_SECONDS", 300, 0, 86400);
  auto reconcile = env.Int("BILLING_RECONCILE_INTERVAL_SECONDS", 3600, 0, int64_t{7} * 86400);
  for (const auto* v : {&grace_days, &catalog_refresh, &reconcile}) {
    if (!v->ok()) return service_env::StartupFailure(v->status());
  }

  billing::BillingConfig config;
  config.free_credits = static_cast<int>(*free_credits);
  config.webhook_secret = env.String("STRIPE_WEBHOOK_SECRET", "");
  config.grace_seconds = *grace_days * 86400;
  // The frontend's origins: the gateway's CORS list, and where Stripe may
  // send users back.
  for (absl::string_view origin : absl::StrSplit(env.String("PLINTH_CORS_ORIGINS", "http://localhost:3000"), ',')) {
    std::string o(absl::StripAsciiWhitespace(origin));
    while (!o.empty() && o.back() == '/') o.pop_back();
    std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!o.empty()) config.redirect_origins.insert(o);
  }
  if (auto key = env.String("STRIPE_SECRET_KEY", ""); !key.empty()) {
    if (key.rfind("sk_", 0) != 0 && key.rfind("rk_", 0) != 0) {
      return service_env::StartupFailure(
          absl::InvalidArgumentError("configuration STRIPE_SECRET_KEY: must start with sk_ or rk_"));
    }
    auto base = env.BaseUrl("STRIPE_API_BASE", "https://api.stripe.com");
    if (!base.ok()) return service_env::StartupFailure(base.status());
    auto timeout_ms = env.Int("STRIPE_TIMEOUT_MS", 10000, 100, 120000);
    if (!timeout_ms.ok()) return service_env::StartupFailure(timeout_ms.status());
    billing::StripeOptions stripe;
    stripe.base_url = *base;
    stripe.timeout = std::chrono::milliseconds(*timeout_ms);
    stripe.secret_key = key;
    config.stripe.emplace(stripe);
  } else {
    logging::Warn("STRIPE_SECRET_KEY not set: checkout and portal answer UNAVAILABLE");
  }
  if (config.webhook_secret.empty()) logging::Warn("STRIPE_WEBHOOK_SECRET not set: webhooks answer UNAVAILABLE");

  auth::JwtVerifier verifier(settings->verifier);
  auto pool = service_env::OpenPool(*settings, billing::BillingStore::Statements());
  billing::BillingStore store(pool.get());
  // New accounts open with the free plan's credits (a trigger reads them).
  if (auto s = store.SetFreeTierCredits(static_cast<int32_t>(*free_credits),
                                        std::chrono::system_clock::now() + std::chrono::seconds(5));
      !s.ok()) {
    logging::Warn("FREE_TIER_CREDITS not written to the database: new accounts open with the last value written",
                  {{"error", std::string(s.message())}});
  }
  std::shared_ptr<v1::ProfileService::StubInterface> profiles =
      v1::ProfileService::NewStub(plinth::grpc_server::BackendChannel(*profile_address));
  billing::BillingServiceImpl service(&store, std::move(config), profiles);
  service.Start({std::chrono::seconds(*catalog_refresh), std::chrono::seconds(*reconcile), std::chrono::seconds(60)});

  auto served = plinth::grpc_server::Serve(
      service_env::ServerOptionsFor(*settings, "plinth.v1.BillingService", &verifier), {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
