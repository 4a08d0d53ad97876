// Profile service: wiring only (configuration, pool, store, gRPC server).

#include <memory>

#include "libs/auth/jwt.h"
#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "services/profile/profile_service.h"
#include "services/profile/profile_store.h"

namespace {

int Fail(const absl::Status& status) {
  plinth::logging::Error("startup failed", {{"error", std::string(status.message())}});
  return 2;
}

}  // namespace

int main() {
  using namespace plinth;
  grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("profile", env.String("LOG_LEVEL", "info"));

  auto secret = env.Secret("SUPABASE_JWT_SECRET", 32);
  if (!secret.ok()) return Fail(secret.status());
  auto database_url = env.PostgresUrl("DATABASE_URL");
  if (!database_url.ok()) return Fail(database_url.status());
  auto address = env.HostPort("PROFILE_GRPC_ADDR", "127.0.0.1:50051");
  if (!address.ok()) return Fail(address.status());
  auto pool_size = env.Int("DB_POOL_SIZE", 8, 1, 256);
  if (!pool_size.ok()) return Fail(pool_size.status());
  auto free_credits = env.Int("FREE_TIER_CREDITS", 10, 0, 1000000);
  if (!free_credits.ok()) return Fail(free_credits.status());
  auto issuer = env.String("SUPABASE_JWT_ISSUER", "");

  auth::VerifierOptions verifier_options;
  verifier_options.hs256_secret = *secret;
  verifier_options.issuer = issuer;
  auth::JwtVerifier verifier(verifier_options);

  db::PoolOptions pool_options;
  pool_options.conninfo = *database_url;
  pool_options.size = static_cast<int>(*pool_size);
  pool_options.statements = profile::ProfileStore::Statements();
  db::Pool pool(pool_options);
  // A wrong URL is reported now; a database that is merely down is retried
  // per request, so the service still starts and reports it in its logs.
  if (auto ping = pool.Ping(); !ping.ok()) {
    logging::Warn("database not reachable at startup", {{"error", std::string(ping.message())}});
  }

  profile::ProfileStore store(&pool, static_cast<int32_t>(*free_credits));
  profile::ProfileServiceImpl service(&verifier, &store);

  grpc_server::ServerOptions server_options;
  server_options.service_name = "plinth.v1.ProfileService";
  server_options.listen_address = *address;
  auto served = grpc_server::Serve(server_options, {&service});
  if (!served.ok()) return Fail(served);
  return 0;
}
