#ifndef PLINTH_LIBS_GRPC_SERVER_CALL_H_
#define PLINTH_LIBS_GRPC_SERVER_CALL_H_

// What a handler needs besides its Call (handler.h): how to turn an
// absl::Status into the wire status, and contexts for calling other
// services.

#include <chrono>
#include <memory>
#include <string>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include "libs/auth/jwt.h"

namespace plinth::grpc_server {

// ToGrpcStatus plus the error log line for INTERNAL (whose cause never goes
// on the wire).
grpc::Status Reply(const absl::Status& status);

// A client context for calling another service on behalf of this call's
// caller: same bearer token, request id and traceparent, the remaining
// deadline.
std::unique_ptr<grpc::ClientContext> ForwardedContext(const grpc::ServerContextBase& context);

// Service-to-service calls made for a user without the user's token (the
// analysis worker marking a resource, refunding a credit): metadata
// `x-plinth-service-token` (PLINTH_SERVICE_TOKEN, a secret the services
// share) and `x-plinth-user-id`. Only methods declared CALLER_INTERNAL or
// CALLER_USER_OR_INTERNAL accept it, and the gateway forwards neither header.
std::unique_ptr<grpc::ClientContext> InternalContext(const std::string& service_token, const std::string& user_id,
                                                     std::chrono::system_clock::time_point deadline);
// A channel to another Plinth service at `address` (host:port): every
// address the name resolves to, each call to the next (round robin). In
// Kubernetes the services' names are headless Services listing every ready
// pod; the servers close connections after 30 s, which makes the channel
// resolve again, so new pods get calls within that.
std::shared_ptr<grpc::Channel> BackendChannel(const std::string& address);

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_CALL_H_
