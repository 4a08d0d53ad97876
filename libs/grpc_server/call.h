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

// Service-to-service calls made for a user without the user's token (the
// LLM worker marking a resource, refunding a credit): metadata
// `x-plinth-service-token` (PLINTH_SERVICE_TOKEN, a secret the services
// share) and `x-plinth-user-id`. Only RPCs without an HTTP route accept it,
// and the gateway forwards neither header.
std::unique_ptr<grpc::ClientContext> InternalContext(const std::string& service_token,
                                                     const std::string& user_id,
                                                     std::chrono::system_clock::time_point deadline);
// The user an internal call acts for, as Claims whose raw_json carries that
// `sub` and role `authenticated`, so row-level security applies unchanged.
// UNAUTHENTICATED without a valid service token; FORBIDDEN when this service
// has none configured.
absl::StatusOr<auth::Claims> AuthenticateInternal(const grpc::ServerContext& context,
                                                  const std::string& service_token);
// AuthenticateInternal when the call carries a service token, else Authenticate.
absl::StatusOr<auth::Claims> AuthenticateUserOrInternal(const grpc::ServerContext& context,
                                                        const auth::JwtVerifier& verifier,
                                                        const std::string& service_token);
// Asks the gateway to answer with this HTTP status (201, 202, 204) instead of 200.
void SetHttpStatus(grpc::ServerContext* context, int http_status);

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_CALL_H_
