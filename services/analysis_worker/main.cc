// LLM worker: wiring only (configuration, pool, job queue, provider, stubs
// for the resource and billing services, a gRPC health endpoint for probes).
// SIGTERM: health turns NOT_SERVING, the worker stops taking jobs, hands the
// ones it has not started back to the queue and lets running ones finish.

#include <sys/resource.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include "libs/config/config.h"
#include "libs/db/listener.h"
#include "libs/db/pool.h"
#include "libs/grpc_server/call.h"
#include "libs/grpc_server/server.h"
#include "libs/logging/logging.h"
#include "libs/service_env/service_env.h"
#include "plinth/v1/analysis.grpc.pb.h"
#include "services/analysis/job_queue.h"
#include "services/analysis_worker/provider.h"
#include "services/analysis_worker/worker.h"
#include "services/analysis_worker/worker_store.h"

namespace {

using namespace plinth;

absl::StatusOr<analysis::ProviderOptions> LoadProvider(const config::Env& env) {
  analysis::ProviderOptions p;
  p.api_key = env.String("ANTHROPIC_API_KEY", "");
  p.kind = env.String("LLM_PROVIDER", p.api_key.empty() ? "offline" : "anthropic");
  auto max_tokens = env.Int("LLM_MAX_TOKENS", 4096, 1, 200000);
  if (!max_tokens.ok()) return max_tokens.status();
  p.max_tokens = static_cast<int>(*max_tokens);
  if (p.kind == "anthropic") {
    auto base = env.BaseUrl("ANTHROPIC_BASE_URL", "https://api.anthropic.com");
    if (!base.ok()) return base.status();
    p.base_url = *base;
    p.model = env.String("LLM_MODEL", analysis::kAnthropicDefaultModel);
    p.api_version = env.String("ANTHROPIC_VERSION", analysis::kAnthropicDefaultVersion);
  } else if (p.kind == "openai") {
    auto base = env.BaseUrl("OPENAI_BASE_URL", "");
    if (!base.ok()) return base.status();
    p.base_url = *base;
    p.api_key = env.String("OPENAI_API_KEY", "");
    auto model = env.RequiredString("LLM_MODEL");
    if (!model.ok()) return model.status();
    p.model = *model;
  } else if (p.kind == "offline") {
    p.model = analysis::kOfflineModel;
    auto pace = env.Int("LLM_OFFLINE_PACE_MS", 0, 0, 10000);
    if (!pace.ok()) return pace.status();
    p.offline_pace = std::chrono::milliseconds(*pace);
    p.offline_outage_file = env.String("LLM_OFFLINE_OUTAGE_FILE", "");
  } else {
    return absl::InvalidArgumentError("configuration LLM_PROVIDER: must be anthropic, openai or offline");
  }
  return p;
}

absl::StatusOr<std::shared_ptr<redis::RedisClient>> Redis(const std::string& url, std::chrono::milliseconds timeout,
                                                          int max_idle) {
  auto options = redis::ParseUrl(url);
  if (!options.ok())
    return absl::InvalidArgumentError("configuration REDIS_URL: " + std::string(options.status().message()));
  options->timeout = timeout;
  options->max_idle = max_idle;
  return std::make_shared<redis::RedisClient>(*options);
}

}  // namespace

int main() {
  plinth::grpc_server::InstallSignalHandlers();
  config::Env env;
  logging::Init("analysis-worker", env.String("LOG_LEVEL", "info"));
  // The names this process's settings had while it was "llm-worker".
  auto retired = env.RefuseRetired({{"LLM_WORKER_HEALTH_ADDR", "ANALYSIS_WORKER_HEALTH_ADDR"},
                                    {"LLM_WORKER_METRICS_ADDR", "ANALYSIS_WORKER_METRICS_ADDR"},
                                    {"LLM_WORKER_CONCURRENCY", "ANALYSIS_WORKER_CONCURRENCY"},
                                    {"LLM_WORKER_DRAIN_SECONDS", "ANALYSIS_WORKER_DRAIN_SECONDS"},
                                    {"LLM_JOB_TIMEOUT_SECONDS", "ANALYSIS_JOB_TIMEOUT_SECONDS"},
                                    {"LLM_MAX_RETRIES", "ANALYSIS_MAX_RETRIES"},
                                    {"LLM_SWEEP_INTERVAL_SECONDS", "ANALYSIS_SWEEP_INTERVAL_SECONDS"},
                                    {"LLM_STRANDED_AFTER_SECONDS", "ANALYSIS_STRANDED_AFTER_SECONDS"}});
  if (!retired.ok()) return service_env::StartupFailure(retired);

  auto database_url = env.PostgresUrl("DATABASE_URL");
  if (!database_url.ok()) return service_env::StartupFailure(database_url.status());
  auto pool_size = env.Int("DB_POOL_SIZE", 8, 1, 256);
  if (!pool_size.ok()) return service_env::StartupFailure(pool_size.status());
  // The queue's Redis: JOB_QUEUE_REDIS_URL when the queue has one of its own.
  auto redis_url = env.RedisUrl("REDIS_URL", "");
  if (!redis_url.ok()) return service_env::StartupFailure(redis_url.status());
  auto queue_url = env.RedisUrl("JOB_QUEUE_REDIS_URL", *redis_url);
  if (!queue_url.ok()) return service_env::StartupFailure(queue_url.status());
  redis_url = queue_url;
  if (redis_url->empty()) {
    return service_env::StartupFailure(absl::InvalidArgumentError("configuration REDIS_URL: required by the worker"));
  }
  auto token = env.Secret("PLINTH_SERVICE_TOKEN", 32);
  if (!token.ok()) return service_env::StartupFailure(token.status());
  // Its gRPC health and /metrics addresses: analysis.proto's
  // AnalysisWorkerService. Naming one of the file's messages links the file's
  // descriptors, which nothing else in the worker uses.
  const std::string worker_service =
      v1::Usage::descriptor()->file()->FindServiceByName("AnalysisWorkerService")->full_name();
  auto health_address = service_env::AddressOf(env, worker_service);
  if (!health_address.ok()) return service_env::StartupFailure(health_address.status());
  auto metrics_address = service_env::MetricsAddressOf(env, worker_service);
  if (!metrics_address.ok()) return service_env::StartupFailure(metrics_address.status());
  auto resource_address = service_env::AddressOf(env, v1::ResourceService::service_full_name());
  if (!resource_address.ok()) return service_env::StartupFailure(resource_address.status());
  auto billing_address = service_env::AddressOf(env, v1::BillingService::service_full_name());
  if (!billing_address.ok()) return service_env::StartupFailure(billing_address.status());
  auto concurrency = env.Int("ANALYSIS_WORKER_CONCURRENCY", 512, 1, 4096);
  auto limit = env.Int("ANALYSIS_JOB_TIMEOUT_SECONDS", 300, 1, 3600);
  auto retries = env.Int("ANALYSIS_MAX_RETRIES", 3, 0, 10);
  auto sweep = env.Int("ANALYSIS_SWEEP_INTERVAL_SECONDS", 30, 1, 3600);
  auto stranded = env.Int("ANALYSIS_STRANDED_AFTER_SECONDS", 60, 1, 86400);
  auto drain = env.Int("ANALYSIS_WORKER_DRAIN_SECONDS", 20, 0, 3600);
  auto model_check = env.Int("LLM_MODEL_CHECK_SECONDS", 300, 1, 86400);
  for (const auto* v : {&concurrency, &limit, &retries, &sweep, &stranded, &drain, &model_check}) {
    if (!v->ok()) return service_env::StartupFailure(v->status());
  }
  auto provider_options = LoadProvider(env);
  if (!provider_options.ok()) return service_env::StartupFailure(provider_options.status());
  auto provider = analysis::MakeProvider(*provider_options);
  if (!provider.ok()) return service_env::StartupFailure(provider.status());
  logging::Info("provider", {{"kind", provider_options->kind}, {"model", provider_options->model}});

  db::PoolOptions pool_options;
  pool_options.conninfo = *database_url;
  pool_options.size = static_cast<int>(*pool_size);
  pool_options.statements = analysis::WorkerStore::Statements();
  // Every job thread may wait for a connection while others hold them.
  pool_options.acquire_timeout = std::chrono::seconds(10);
  db::Pool pool(std::move(pool_options));
  if (auto ping = pool.Ping(); !ping.ok()) {
    logging::Warn("database not reachable at startup", {{"error", std::string(ping.message())}});
  }
  analysis::WorkerStore store(&pool);
  // Short commands share a few connections; the blocking read has its own,
  // with a timeout longer than its block.
  auto commands = Redis(*redis_url, std::chrono::milliseconds(500), 16);
  auto reader = Redis(*redis_url, std::chrono::milliseconds(3000), 1);
  if (!commands.ok()) return service_env::StartupFailure(commands.status());
  if (!reader.ok()) return service_env::StartupFailure(reader.status());
  analysis::JobQueue queue(*commands, *reader);

  auto resources = v1::ResourceService::NewStub(plinth::grpc_server::BackendChannel(*resource_address));
  auto billing = v1::BillingService::NewStub(plinth::grpc_server::BackendChannel(*billing_address));

  analysis::WorkerOptions options;
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  options.consumer = std::string(host) + "-" + std::to_string(getpid());
  options.concurrency = static_cast<int>(*concurrency);
  options.job_limit = std::chrono::seconds(*limit);
  options.max_attempts = static_cast<int>(*retries) + 1;
  options.sweep_interval = std::chrono::seconds(*sweep);
  options.stranded_after = std::chrono::seconds(*stranded);
  options.service_token = *token;
  options.model_check_interval = std::chrono::seconds(*model_check);
  // Each provider call in flight holds a socket against an HTTP/1.1 server:
  // the soft limit on open files (often 1024) up to the hard one.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  // Each analysis's live log, on the queue's Redis (services/analysis/events.h).
  analysis::EventPublisher events(*commands);
  // The provider's limits, shared by every worker through Redis.
  analysis::ProviderLimits limits;
  auto rate_requests = env.Int("LLM_RATE_REQUESTS", 0, 0, 100000000);
  auto rate_input = env.Int("LLM_RATE_INPUT_TOKENS", 0, 0, 10000000000);
  auto rate_output = env.Int("LLM_RATE_OUTPUT_TOKENS", 0, 0, 10000000000);
  auto rate_window = env.Int("LLM_RATE_WINDOW_SECONDS", 60, 1, 3600);
  for (const auto* v : {&rate_requests, &rate_input, &rate_output, &rate_window}) {
    if (!v->ok()) return service_env::StartupFailure(v->status());
  }
  limits = {*rate_requests, *rate_input, *rate_output, std::chrono::seconds(*rate_window)};
  std::unique_ptr<analysis::ProviderLimiter> limiter;
  if (limits.any()) {
    limiter = std::make_unique<analysis::ProviderLimiter>(
        *commands, provider_options->kind + ":" + provider_options->model, limits);
    logging::Info("shared provider limits", {{"requests", std::to_string(limits.requests)},
                                             {"input_tokens", std::to_string(limits.input_tokens)},
                                             {"output_tokens", std::to_string(limits.output_tokens)},
                                             {"window_s", std::to_string(limits.window.count())}});
  }
  options.max_output_tokens = provider_options->max_tokens;
  auto share = env.Int("ANALYSIS_MAX_USER_SHARE_PERCENT", 50, 1, 100);
  if (!share.ok()) return service_env::StartupFailure(share.status());
  options.max_user_share_percent = static_cast<int>(*share);
  analysis::Worker worker(options, &store, &queue, provider->get(), std::move(resources), std::move(billing), &events,
                          limiter.get());
  worker.Start();
  // Deleting a running analysis notifies (migration 0009): its provider call
  // is dropped at once, whichever worker runs it.
  db::Listener gone(
      *database_url, "plinth_analysis_gone", [&worker](const std::string& id) { worker.AbortCall(id); },
      [&worker] { worker.AbortCallsOfGoneAnalyses(); });

  plinth::grpc_server::ServerOptions health;
  health.service_name = worker_service;
  health.listen_address = *health_address;
  health.drain_timeout = std::chrono::seconds(1);
  health.metrics_address = *metrics_address;
  // NOT_SERVING while the configured model is unusable (Worker::CheckModel).
  health.on_started = [&worker, name = health.service_name](grpc::HealthCheckServiceInterface* h) {
    worker.SetHealth(h, name);
  };
  auto served = plinth::grpc_server::Serve(health, {});
  // The job threads are running: leave without unwinding what they use.
  if (!served.ok()) _exit(service_env::StartupFailure(served));
  if (worker.Drain(std::chrono::seconds(*drain)) > 0) {
    // Their rows stay `running`; another worker re-runs them after the limit.
    _exit(0);
  }
  return 0;
}
