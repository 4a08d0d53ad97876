#ifndef PLINTH_LIBS_SERVICE_ENV_SERVICE_ENV_H_
#define PLINTH_LIBS_SERVICE_ENV_SERVICE_ENV_H_

// Reads what every database-backed service needs from the environment:
// SUPABASE_JWT_SECRET (+ SUPABASE_JWT_ISSUER), DATABASE_URL, DB_POOL_SIZE,
// PLINTH_SERVICE_TOKEN, PLINTH_GRPC_REFLECTION, PLINTH_DRAIN_TIMEOUT_S, the
// service's own <NAME>_GRPC_ADDR (where peers dial it; the variable and its
// default are declared by the service's proto) and GRPC_LISTEN_ADDR
// (where it listens; default: the former).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/auth/jwt.h"
#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/server.h"
#include "libs/redis/redis_client.h"

namespace plinth::service_env {

struct ServiceEnv {
  auth::VerifierOptions verifier;
  db::PoolOptions pool;
  std::string listen_address;
  // Where /metrics is served (the endpoint's metrics variable).
  std::string metrics_address;
  // How long calls in flight get after SIGTERM.
  std::chrono::seconds drain_timeout{20};
  // PLINTH_SERVICE_TOKEN: the credential of internal calls (grpc_server::
  // InternalContext); empty: this service neither makes nor accepts them.
  std::string service_token;
  // PLINTH_GRPC_REFLECTION=1: serve gRPC reflection (local debugging only).
  bool reflection = false;
};

// The settings of the service `service_name` ("plinth.v1.ProfileService"),
// whose address variable and default its (plinth.v1.endpoint) declares.
absl::StatusOr<ServiceEnv> Load(const config::Env& env, const std::string& service_name);

// Where to dial the service `service_name`: its (plinth.v1.endpoint)
// variable, else its default address.
absl::StatusOr<std::string> AddressOf(const config::Env& env, const std::string& service_name);

// Where `service_name` serves /metrics: its (plinth.v1.endpoint) metrics
// variable, else its default.
absl::StatusOr<std::string> MetricsAddressOf(const config::Env& env, const std::string& service_name);

// The gRPC server of `service_name` (e.g. "plinth.v1.ProfileService"): its
// address, reflection, and who may call it (`verifier` must outlive it).
grpc_server::ServerOptions ServerOptionsFor(const ServiceEnv& env, const std::string& service_name,
                                            const auth::JwtVerifier* verifier);

// The service's pool with its prepared statements. Connects once to report
// a database that is down (a warning: requests retry it later).
std::unique_ptr<db::Pool> OpenPool(const ServiceEnv& env, std::vector<db::PreparedStatement> statements);

// A Redis client for the URL in `variable` (REDIS_URL, JOB_QUEUE_REDIS_URL),
// or null when it is unset (the caller logs what it does without one).
// `timeout` bounds each command: longer than the block of a blocking read.
absl::StatusOr<std::shared_ptr<redis::RedisClient>> OptionalRedis(
    const config::Env& env, const std::string& variable,
    std::chrono::milliseconds timeout = redis::RedisOptions().timeout);

// Logs the failure and returns the process exit code for a startup error.
int StartupFailure(const absl::Status& status);

}  // namespace plinth::service_env

#endif  // PLINTH_LIBS_SERVICE_ENV_SERVICE_ENV_H_
