#ifndef PLINTH_LIBS_GRPC_SERVER_CALL_H_
#define PLINTH_LIBS_GRPC_SERVER_CALL_H_

// What a handler needs from its ServerContext: the verified caller, the
// deadline, and how to turn its absl::Status into the wire status.

#include <chrono>
#include <memory>
#include <string>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include "libs/auth/jwt.h"

namespace plinth::grpc_server {

// Verifies the bearer token in the `authorization` metadata and stamps the
// user id on the call's log lines.
absl::StatusOr<auth::Claims> Authenticate(const grpc::ServerContext& context,
                                          const auth::JwtVerifier& verifier);

// The caller's deadline, capped at `cap` from now.
std::chrono::system_clock::time_point Deadline(const grpc::ServerContext& context,
                                               std::chrono::milliseconds cap);

// ToGrpcStatus plus the error log line for INTERNAL (whose cause never goes
// on the wire).
grpc::Status Reply(const absl::Status& status);

// A client context for calling another service on behalf of this call's
// caller: same bearer token, same request id, the remaining deadline.
std::unique_ptr<grpc::ClientContext> ForwardedContext(const grpc::ServerContext& context);

// Asks the gateway to answer with this HTTP status (201, 202, 204) instead of 200.
void SetHttpStatus(grpc::ServerContext* context, int http_status);

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_CALL_H_
