#ifndef PLINTH_LIBS_GRPC_SERVER_SERVER_H_
#define PLINTH_LIBS_GRPC_SERVER_SERVER_H_

// Bootstrap shared by every Plinth gRPC server: the standard health service
// (used by the gateway's /readyz and by Kubernetes' gRPC probes), reflection,
// an interceptor that stamps each call's request id on the logs and writes one
// access-log line per call, and a graceful drain on SIGTERM/SIGINT: health
// turns NOT_SERVING, new calls are refused, calls in flight get
// `drain_timeout` to finish.

#include <chrono>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <grpcpp/grpcpp.h>

namespace plinth::grpc_server {

struct ServerOptions {
  std::string service_name;  // e.g. "plinth.v1.ProfileService" (health entry)
  std::string listen_address;  // host:port
  std::chrono::seconds drain_timeout{20};
  int max_receive_bytes = 2 * 1024 * 1024;
  // Handler threads kept waiting for work between bursts.
  int max_idle_threads = 16;
};

// Blocks until a termination signal arrives and the server has drained.
// Returns an error if the server cannot start (e.g. the port is taken).
absl::Status Serve(const ServerOptions& options, const std::vector<grpc::Service*>& services);

// Call first thing in main(): routes SIGTERM/SIGINT to Serve's drain.
void InstallSignalHandlers();

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_SERVER_H_
