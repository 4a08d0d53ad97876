#include "libs/grpc_server/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <thread>

#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/server_interceptor.h>

#include "libs/grpc_server/access.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"

namespace plinth::grpc_server {
namespace {

int g_signal_pipe[2] = {-1, -1};

void OnSignal(int signo) {
  unsigned char b = static_cast<unsigned char>(signo);
  // Async-signal-safe; the drain thread does the rest.
  [[maybe_unused]] ssize_t n = write(g_signal_pipe[1], &b, 1);
}

}  // namespace

void InstallSignalHandlers() {
  if (g_signal_pipe[0] >= 0) return;
  if (pipe2(g_signal_pipe, O_CLOEXEC) != 0) return;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

absl::StatusOr<std::unique_ptr<grpc::Server>> Start(const ServerOptions& options,
                                                    const std::vector<grpc::Service*>& services, int* bound_port) {
  // Debian's absl keeps Mutex deadlock detection on; it showed up in
  // profiles of every call (docs/PERFORMANCE.md).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  AccessConfig access = options.access;
  // Reflection lists every method and message to whoever reaches the port:
  // a convenience for local debugging (grpcurl), off in production.
  access.reflection = options.reflection;
  auto interceptors = NewCallInterceptorFactory(access, {options.service_name});
  if (!interceptors.ok()) return interceptors.status();
  grpc::EnableDefaultHealthCheckService(true);
  if (options.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  *bound_port = 0;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), bound_port);
  builder.SetMaxReceiveMessageSize(options.max_receive_bytes);
  // Clients keep one HTTP/2 connection per channel, pinned to one pod behind a
  // Kubernetes Service: close each after a while (calls in flight get the
  // grace) so that reconnecting clients spread over the pods, new ones too.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30000);
  // The sync server's defaults (1..2 idle pollers) make handler threads exit
  // after every burst and be re-created by the next: thread churn was the
  // largest cost under load (docs/PERFORMANCE.md). Keep idle threads.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, options.max_idle_threads);
  for (auto* service : services) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(*std::move(interceptors));
  builder.experimental().SetInterceptorCreators(std::move(creators));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || *bound_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  return server;
}

absl::Status Serve(const ServerOptions& options, const std::vector<grpc::Service*>& services) {
  InstallSignalHandlers();
  if (!options.metrics_address.empty()) {
    if (auto s = metrics::Serve(options.metrics_address); !s.ok()) return s;
    logging::Info("metrics", {{"address", options.metrics_address}});
  }
  int bound_port = 0;
  auto started = Start(options, services, &bound_port);
  if (!started.ok()) return started.status();
  std::unique_ptr<grpc::Server> server = *std::move(started);
  auto* health = server->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(options.service_name, true);
  if (options.on_started) options.on_started(health);
  logging::Info("listening", {{"address", options.listen_address},
                              {"port", std::to_string(bound_port)},
                              {"reflection", options.reflection ? "on" : "off"}});

  std::thread drainer([&] {
    unsigned char signo = 0;
    while (read(g_signal_pipe[0], &signo, 1) < 0 && errno == EINTR) {
    }
    logging::Info("draining",
                  {{"signal", std::to_string(signo)}, {"timeout_s", std::to_string(options.drain_timeout.count())}});
    health->SetServingStatus(false);
    if (options.on_draining) options.on_draining();
    server->Shutdown(std::chrono::system_clock::now() + options.drain_timeout);
  });
  server->Wait();
  drainer.join();
  logging::Info("stopped");
  return absl::OkStatus();
}

}  // namespace plinth::grpc_server
