// Profile service: wiring only (configuration, pool, store, gRPC server).

#include "libs/auth/jwt.h"
#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "services/profile/profile_cache.h"
#include "services/profile/profile_service.h"
#include "services/profile/profile_store.h"

int main() {
  using namespace plinth;
  grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("profile", env.String("LOG_LEVEL", "info"));

  auto settings = service_env::Load(env, v1::ProfileService::service_full_name());
  if (!settings.ok()) return service_env::StartupFailure(settings.status());
  auto free_credits = env.Int("FREE_TIER_CREDITS", 10, 0, 1000000);
  if (!free_credits.ok()) return service_env::StartupFailure(free_credits.status());

  auth::JwtVerifier verifier(settings->verifier);
  auto pool = service_env::OpenPool(*settings, profile::ProfileStore::Statements());
  profile::ProfileStore store(pool.get(), static_cast<int32_t>(*free_credits));
  // Without REDIS_URL the cache is off and every read goes to PostgreSQL.
  auto redis_client = service_env::OptionalRedis(env, "REDIS_URL");
  if (!redis_client.ok()) return service_env::StartupFailure(redis_client.status());
  if (!*redis_client) logging::Warn("REDIS_URL not set: profile cache off");
  profile::ProfileCache cache(*redis_client);
  profile::ProfileServiceImpl service(&store, &cache, settings->pool.size);

  auto served = grpc_server::Serve(service_env::ServerOptionsFor(*settings, "plinth.v1.ProfileService", &verifier), {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
