// LLM service (API side): wiring only (configuration, pool, store, job
// queue, the watch hub of live logs, gRPC server).

#include <grpcpp/grpcpp.h>

#include "libs/config/config.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/call.h"
#include "libs/grpc_server/offload.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "services/analysis/analysis_service.h"
#include "services/analysis/analysis_store.h"
#include "services/analysis/watch_hub.h"

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
  // The job queue and the analyses' live logs (the worker writes both):
  // JOB_QUEUE_REDIS_URL, else REDIS_URL.
  const std::string queue_variable =
      env.String("JOB_QUEUE_REDIS_URL", "").empty() ? "REDIS_URL" : "JOB_QUEUE_REDIS_URL";
  auto queue_redis = service_env::OptionalRedis(env, queue_variable);
  if (!queue_redis.ok()) return service_env::StartupFailure(queue_redis.status());
  std::unique_ptr<analysis::JobQueue> queue;
  // Watching analyses: one hub reads every watched log, on a connection of
  // its own (its blocking read outlasts the usual timeout).
  std::unique_ptr<analysis::WatchHub> hub;
  plinth::grpc_server::Offload offload(4);
  if (*queue_redis) {
    queue = std::make_unique<analysis::JobQueue>(*queue_redis);
    auto reader = service_env::OptionalRedis(env, queue_variable, std::chrono::milliseconds(5000));
    if (!reader.ok()) return service_env::StartupFailure(reader.status());
    // How soon a watcher learns of an end its log never got (a deletion).
    auto check = env.Int("ANALYSIS_WATCH_CHECK_SECONDS", 15, 1, 3600);
    if (!check.ok()) return service_env::StartupFailure(check.status());
    analysis::WatchHub::Options hub_options;
    hub_options.check_every = std::chrono::seconds(*check);
    hub = std::make_unique<analysis::WatchHub>(
        *reader, *queue_redis,
        [&store](const std::vector<std::string>& ids) {
          return store.StatusOf(ids, std::chrono::system_clock::now() + std::chrono::seconds(5));
        },
        hub_options);
  } else {
    logging::Warn(
        "REDIS_URL not set: analyses reach the worker only through its sweeper, and cannot be watched live "
        "(WatchAnalysis is UNAVAILABLE)");
  }
  analysis::AnalysisServiceImpl service(&store, queue.get(), *queue_redis, hub.get(), &offload);

  auto options = service_env::ServerOptionsFor(*settings, "plinth.v1.AnalysisService", &verifier);
  // Streams end when the drain begins; their clients resume on another pod.
  options.on_draining = [&hub] {
    if (hub) hub->Close();
  };
  auto served = plinth::grpc_server::Serve(options, {&service});
  if (!served.ok()) return service_env::StartupFailure(served);
  return 0;
}
