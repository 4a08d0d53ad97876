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
  // No entry is served older than this, whatever the notifications did.
  auto ttl_seconds = env.Int("PROFILE_CACHE_TTL_SECONDS", 60, 1, 3600);
  if (!ttl_seconds.ok()) return service_env::StartupFailure(ttl_seconds.status());
  profile::ProfileCache::Options cache_options;
  cache_options.ttl = absl::Seconds(*ttl_seconds);
  profile::ProfileCache cache(cache_options);
  // Every committed change to a profile or its account reaches the cache
  // here (migrations 0012, 0017); while the listener is down nothing is
  // served from it.
  db::Listener changes(
      settings->pool.conninfo, "plinth_profile_changed",
      [&cache](const std::string& user_id) {
        if (validation::IsUuid(user_id)) cache.Invalidate(user_id);
      },
      [&cache] { cache.SetListening(true); }, [&cache] { cache.SetListening(false); });
  profile::ProfileServiceImpl service(&store, &cache, settings->pool.size);

  auto served = plinth::grpc_server::Serve(
      service_env::ServerOptionsFor(*settings, "plinth.v1.ProfileService", &verifier), {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
