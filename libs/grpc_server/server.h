#ifndef PLINTH_LIBS_GRPC_SERVER_SERVER_H_
#define PLINTH_LIBS_GRPC_SERVER_SERVER_H_

// Bootstrap shared by every Plinth gRPC server: the standard health service
// (used by the gateway's /readyz and by Kubernetes' gRPC probes), reflection
// when configured, the access adapter (libs/grpc_server/access.h: each
// method's caller rule from the protos, the request id on the logs, one
// access-log line per call), and a graceful drain on SIGTERM/SIGINT: health
// turns NOT_SERVING, new calls are refused, calls in flight get
// `drain_timeout` to finish.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "libs/grpc_server/access.h"

namespace plinth::grpc_server {

struct ServerOptions {
  std::string service_name;    // e.g. "plinth.v1.ProfileService" (health entry)
  std::string listen_address;  // host:port
  // The admin address of /metrics (libs/metrics); empty: not served.
  std::string metrics_address;
  std::chrono::seconds drain_timeout{20};
  int max_receive_bytes = 2 * 1024 * 1024;
  // Handler threads kept waiting for work between bursts.
  int max_idle_threads = 16;
  // Who may call: the verifier of users' tokens and the service token.
  AccessConfig access;
  // gRPC server reflection (PLINTH_GRPC_REFLECTION): on in ./plinth up, off
  // in production.
  bool reflection = false;
  // Called once serving, with the health service, for a process whose
  // readiness changes at run time (the worker's model check).
  std::function<void(grpc::HealthCheckServiceInterface*)> on_started;
  // Called once a drain begins, before the server stops taking calls: for
  // a process whose streams never end by themselves (they are told to go).
  std::function<void()> on_draining;
};

// Builds and starts the server Serve runs (interceptors, health, options),
// without the signal handling and drain: for tests.
absl::StatusOr<std::unique_ptr<grpc::Server>> Start(const ServerOptions& options,
                                                    const std::vector<grpc::Service*>& services, int* bound_port);

// Blocks until a termination signal arrives and the server has drained.
// Returns an error if the server cannot start (e.g. the port is taken, or a
// method declares no caller).
absl::Status Serve(const ServerOptions& options, const std::vector<grpc::Service*>& services);

// Call first thing in main(): routes SIGTERM/SIGINT to Serve's drain.
void InstallSignalHandlers();

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_SERVER_H_
