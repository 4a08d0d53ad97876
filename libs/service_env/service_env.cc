#include "libs/service_env/service_env.h"

#include <cstdlib>

#include <google/protobuf/descriptor.h>

#include "libs/auth/jwks.h"
#include "libs/logging/logging.h"
#include "plinth/v1/access.pb.h"

namespace plinth::service_env {
namespace {

// The service's (plinth.v1.endpoint); a service without one is a build
// mistake, caught at the first start.
const v1::Endpoint& EndpointOf(const std::string& service_name) {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
  if (service == nullptr || !service->options().HasExtension(v1::endpoint)) {
    logging::Error("service declares no (plinth.v1.endpoint)", {{"grpc_service", service_name}});
    std::abort();
  }
  return service->options().GetExtension(v1::endpoint);
}

}  // namespace

absl::StatusOr<std::string> AddressOf(const config::Env& env, const std::string& service_name) {
  const auto& endpoint = EndpointOf(service_name);
  return env.HostPort(endpoint.address_variable(), endpoint.default_address());
}

absl::StatusOr<std::string> MetricsAddressOf(const config::Env& env, const std::string& service_name) {
  const auto& endpoint = EndpointOf(service_name);
  return env.HostPort(endpoint.metrics_address_variable(), endpoint.default_metrics_address());
}

absl::StatusOr<ServiceEnv> Load(const config::Env& env, const std::string& service_name) {
  const auto& endpoint = EndpointOf(service_name);
  const std::string& address_variable = endpoint.address_variable();
  const std::string& default_address = endpoint.default_address();
  ServiceEnv out;
  const std::string jwks_url = env.String("SUPABASE_JWKS_URL", "");
  if (!jwks_url.empty()) {
    auto url = env.BaseUrl("SUPABASE_JWKS_URL", "");
    if (!url.ok()) return url.status();
    out.verifier.jwks = std::make_shared<auth::JwksCache>(jwks_url);
  }
  // Either or both: the legacy shared secret and the published keys.
  if (!env.String("SUPABASE_JWT_SECRET", "").empty() || jwks_url.empty()) {
    auto secret = env.Secret("SUPABASE_JWT_SECRET", 32);
    if (!secret.ok()) return secret.status();
    out.verifier.hs256_secret = *secret;
  }
  out.verifier.issuer = env.String("SUPABASE_JWT_ISSUER", "");
  auto database_url = env.PostgresUrl("DATABASE_URL");
  if (!database_url.ok()) return database_url.status();
  out.pool.conninfo = *database_url;
  auto pool_size = env.Int("DB_POOL_SIZE", 8, 1, 256);
  if (!pool_size.ok()) return pool_size.status();
  out.pool.size = static_cast<int>(*pool_size);
  // <NAME>_GRPC_ADDR is where peers dial this service (in Kubernetes its
  // Service name, which is not an address of the pod); GRPC_LISTEN_ADDR, set
  // per Deployment, is where it listens. Locally the two are one.
  auto address = env.HostPort(address_variable, default_address);
  if (!address.ok()) return address.status();
  auto metrics = MetricsAddressOf(env, service_name);
  if (!metrics.ok()) return metrics.status();
  out.metrics_address = *metrics;
  auto listen = env.HostPort("GRPC_LISTEN_ADDR", *address);
  if (!listen.ok()) return listen.status();
  out.listen_address = *listen;
  auto drain = env.Int("PLINTH_DRAIN_TIMEOUT_S", 20, 0, 3600);
  if (!drain.ok()) return drain.status();
  out.drain_timeout = std::chrono::seconds(*drain);
  if (!env.String("PLINTH_SERVICE_TOKEN", "").empty()) {
    auto token = env.Secret("PLINTH_SERVICE_TOKEN", 32);
    if (!token.ok()) return token.status();
    out.service_token = *token;
  }
  auto reflection = env.Int("PLINTH_GRPC_REFLECTION", 0, 0, 1);
  if (!reflection.ok()) return reflection.status();
  out.reflection = *reflection == 1;
  return out;
}

grpc_server::ServerOptions ServerOptionsFor(const ServiceEnv& env, const std::string& service_name,
                                            const auth::JwtVerifier* verifier) {
  grpc_server::ServerOptions options;
  options.service_name = service_name;
  options.listen_address = env.listen_address;
  options.drain_timeout = env.drain_timeout;
  options.metrics_address = env.metrics_address;
  options.access = {verifier, env.service_token};
  options.reflection = env.reflection;
  return options;
}

std::unique_ptr<db::Pool> OpenPool(const ServiceEnv& env, std::vector<db::PreparedStatement> statements) {
  db::PoolOptions options = env.pool;
  options.statements = std::move(statements);
  auto pool = std::make_unique<db::Pool>(std::move(options));
  if (auto ping = pool->Ping(); !ping.ok()) {
    logging::Warn("database not reachable at startup", {{"error", std::string(ping.message())}});
  }
  return pool;
}

absl::StatusOr<std::shared_ptr<redis::RedisClient>> OptionalRedis(const config::Env& env, const std::string& variable,
                                                                  std::chrono::milliseconds timeout) {
  const std::string url = env.String(variable, "");
  if (url.empty()) return std::shared_ptr<redis::RedisClient>();
  auto options = redis::ParseUrl(url);
  if (!options.ok()) {
    return absl::InvalidArgumentError("configuration " + variable + ": " + std::string(options.status().message()));
  }
  options->timeout = timeout;
  return std::make_shared<redis::RedisClient>(*options);
}

int StartupFailure(const absl::Status& status) {
  logging::Error("startup failed", {{"error", std::string(status.message())}});
  return 2;
}

}  // namespace plinth::service_env
