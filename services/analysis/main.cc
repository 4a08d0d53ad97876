// LLM service (API side): wiring only (configuration, pool, store, stub of
// the resource service, the profile cache's Redis, job queue, gRPC server).

#include <grpcpp/grpcpp.h>

#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/call.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "services/analysis/analysis_service.h"
#include "services/analysis/analysis_store.h"

int main() {
  using namespace plinth;
  plinth::grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("analysis", env.String("LOG_LEVEL", "info"));

  auto settings = service_env::Load(env, v1::AnalysisService::service_full_name());
  if (!settings.ok()) return service_env::StartupFailure(settings.status());

  auth::JwtVerifier verifier(settings->verifier);
  auto pool = service_env::OpenPool(*settings, analysis::AnalysisStore::Statements());
  analysis::AnalysisStore store(pool.get());
  // The job queue: JOB_QUEUE_REDIS_URL, else REDIS_URL.
  auto redis_client = service_env::OptionalRedis(env, "REDIS_URL");
  if (!redis_client.ok()) return service_env::StartupFailure(redis_client.status());
  auto queue_redis = service_env::OptionalRedis(env, "JOB_QUEUE_REDIS_URL");
  if (!queue_redis.ok()) return service_env::StartupFailure(queue_redis.status());
  if (!*queue_redis) queue_redis = redis_client;
  std::unique_ptr<analysis::JobQueue> queue;
  if (*queue_redis) {
    queue = std::make_unique<analysis::JobQueue>(*queue_redis);
  } else {
    logging::Warn("REDIS_URL not set: analyses reach the worker only through its sweeper");
  }
  analysis::AnalysisServiceImpl service(&store, queue.get());

  auto served = plinth::grpc_server::Serve(
      service_env::ServerOptionsFor(*settings, "plinth.v1.AnalysisService", &verifier), {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
