// Resource service: wiring only (configuration, pool, store, profile stub,
// gRPC server).

#include <grpcpp/grpcpp.h>

#include "libs/auth/jwt.h"
#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/call.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "services/resource/resource_service.h"
#include "services/resource/resource_store.h"

int main() {
  using namespace plinth;
  plinth::grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("resource", env.String("LOG_LEVEL", "info"));

  auto settings = service_env::Load(env, v1::ResourceService::service_full_name());
  if (!settings.ok()) return service_env::StartupFailure(settings.status());
  auto profile_address = service_env::AddressOf(env, v1::ProfileService::service_full_name());
  if (!profile_address.ok()) return service_env::StartupFailure(profile_address.status());

  auth::JwtVerifier verifier(settings->verifier);
  auto pool = service_env::OpenPool(*settings, resource::ResourceStore::Statements());
  resource::ResourceStore store(pool.get());
  std::shared_ptr<v1::ProfileService::StubInterface> profiles =
      v1::ProfileService::NewStub(plinth::grpc_server::BackendChannel(*profile_address));
  resource::ResourceServiceImpl service(&store, profiles, settings->pool.size);

  auto served = plinth::grpc_server::Serve(
      service_env::ServerOptionsFor(*settings, "plinth.v1.ResourceService", &verifier), {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
