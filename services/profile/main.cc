// Profile service: wiring only (configuration, pool, store, gRPC server).

#include "libs/auth/jwt.h"
#include "libs/config/config.h"
#include "libs/db/listener.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "libs/validation/text.h"
#include "services/profile/profile_cache.h"
#include "services/profile/profile_service.h"
#include "services/profile/profile_store.h"

int main() {
  using namespace plinth;
  plinth::grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("profile", env.String("LOG_LEVEL", "info"));

  auto settings = service_env::Load(env, v1::ProfileService::service_full_name());
  if (!settings.ok()) return service_env::StartupFailure(settings.status());

  auth::JwtVerifier verifier(settings->verifier);
  auto pool = service_env::OpenPool(*settings, profile::ProfileStore::Statements());
  profile::ProfileStore store(pool.get());
  // Without REDIS_URL the cache is off and every read goes to PostgreSQL.
  auto redis_client = service_env::OptionalRedis(env, "REDIS_URL");
  if (!redis_client.ok()) return service_env::StartupFailure(redis_client.status());
  if (!*redis_client) logging::Warn("REDIS_URL not set: profile cache off");
  profile::ProfileCache cache(*redis_client);
  // Billing's changes to an account (credits, subscription) reach the cache
  // here (migration 0012); a reconnection starts a new cache generation.
  db::Listener changes(
      settings->pool.conninfo, "plinth_profile_changed",
      [&cache](const std::string& user_id) {
        if (validation::IsUuid(user_id)) cache.Invalidate(user_id);
      },
      [&cache] { cache.NewGeneration(); });
  profile::ProfileServiceImpl service(&store, &cache, settings->pool.size);

  auto served = plinth::grpc_server::Serve(
      service_env::ServerOptionsFor(*settings, "plinth.v1.ProfileService", &verifier), {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
