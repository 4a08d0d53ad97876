// LLM service (API side): wiring only (configuration, pool, store, stubs for
// the resource and billing services, job queue, gRPC server).

#include <grpcpp/grpcpp.h>

#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "services/llm/analysis_service.h"
#include "services/llm/analysis_store.h"

int main() {
  using namespace plinth;
  grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("llm", env.String("LOG_LEVEL", "info"));

  auto settings = service_env::Load(env, "ANALYSIS_GRPC_ADDR", "127.0.0.1:50054");
  if (!settings.ok()) return service_env::StartupFailure(settings.status());
  auto resource_address = env.HostPort("RESOURCE_GRPC_ADDR", "127.0.0.1:50052");
  if (!resource_address.ok()) return service_env::StartupFailure(resource_address.status());
  auto billing_address = env.HostPort("BILLING_GRPC_ADDR", "127.0.0.1:50053");
  if (!billing_address.ok()) return service_env::StartupFailure(billing_address.status());

  auth::JwtVerifier verifier(settings->verifier);
  auto pool = service_env::OpenPool(*settings, llm::AnalysisStore::Statements());
  llm::AnalysisStore store(pool.get());
  std::shared_ptr<v1::ResourceService::StubInterface> resources = v1::ResourceService::NewStub(
      grpc::CreateChannel(*resource_address, grpc::InsecureChannelCredentials()));
  std::shared_ptr<v1::BillingService::StubInterface> billing = v1::BillingService::NewStub(
      grpc::CreateChannel(*billing_address, grpc::InsecureChannelCredentials()));
  auto redis_client = service_env::OptionalRedis(env);
  if (!redis_client.ok()) return service_env::StartupFailure(redis_client.status());
  std::unique_ptr<llm::JobQueue> queue;
  if (*redis_client) {
    queue = std::make_unique<llm::JobQueue>(*redis_client);
  } else {
    logging::Warn("REDIS_URL not set: analyses reach the worker only through its sweeper");
  }
  llm::AnalysisServiceImpl service(&verifier, &store, resources, billing, queue.get());

  auto served = grpc_server::Serve({"plinth.v1.AnalysisService", settings->listen_address}, {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
