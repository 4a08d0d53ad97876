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

#include "libs/auth/jwt.h"
#include "libs/logging/logging.h"

namespace plinth::grpc_server {
namespace {

int g_signal_pipe[2] = {-1, -1};

void OnSignal(int signo) {
  unsigned char b = static_cast<unsigned char>(signo);
  // Async-signal-safe; the drain thread does the rest.
  [[maybe_unused]] ssize_t n = write(g_signal_pipe[1], &b, 1);
}

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
  }
  return true;
}

// Sync-server hooks run on the thread that runs the handler, so the
// thread-local log context set here is the one the handler logs with.
class AccessLogInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method()), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::string request_id;
      auto* md = methods->GetRecvInitialMetadata();
      if (md != nullptr) {
        auto it = md->find("x-request-id");
        if (it != md->end()) request_id.assign(it->second.data(), it->second.size());
        // Set by the gateway: the client chain it received plus the peer it saw.
        auto fwd = md->find("x-forwarded-for");
        if (fwd != md->end()) forwarded_for_.assign(fwd->second.data(), std::min<size_t>(fwd->second.size(), 256));
      }
      if (!SaneRequestId(request_id)) request_id = auth::NewUuid();
      logging::RequestContext::Set(request_id, "");
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start_)
                        .count();
      logging::Fields fields = {{"method", method_},
                                {"grpc_code", std::to_string(status.error_code())},
                                {"duration_ms", absl::StrCat(micros / 1000.0)}};
      if (!forwarded_for_.empty()) fields.push_back({"forwarded_for", forwarded_for_});
      if (!status.ok()) fields.push_back({"error", status.error_message()});
      logging::Info("rpc", fields);
      logging::RequestContext::Set("", "");
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::string forwarded_for_;
  std::chrono::steady_clock::time_point start_;
};

class AccessLogFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new AccessLogInterceptor(info);
  }
};

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

absl::Status Serve(const ServerOptions& options, const std::vector<grpc::Service*>& services) {
  InstallSignalHandlers();
  // Debian's absl keeps Mutex deadlock detection on; it showed up in
  // profiles of every call (docs/PERFORMANCE.md).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(options.max_receive_bytes);
  // The sync server's defaults (1..2 idle pollers) make handler threads exit
  // after every burst and be re-created by the next: thread churn was the
  // largest cost under load (docs/PERFORMANCE.md). Keep idle threads.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, options.max_idle_threads);
  for (auto* service : services) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<AccessLogFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  auto* health = server->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(options.service_name, true);
  logging::Info("listening", {{"address", options.listen_address},
                              {"port", std::to_string(bound_port)}});

  std::thread drainer([&] {
    unsigned char signo = 0;
    while (read(g_signal_pipe[0], &signo, 1) < 0 && errno == EINTR) {
    }
    logging::Info("draining", {{"signal", std::to_string(signo)},
                               {"timeout_s", std::to_string(options.drain_timeout.count())}});
    health->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() + options.drain_timeout);
  });
  server->Wait();
  drainer.join();
  logging::Info("stopped");
  return absl::OkStatus();
}

}  // namespace plinth::grpc_server
