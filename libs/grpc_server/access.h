#ifndef PLINTH_LIBS_GRPC_SERVER_ACCESS_H_
#define PLINTH_LIBS_GRPC_SERVER_ACCESS_H_

// The access adapter: every call is admitted or refused here, before its
// handler runs, by the rule its method declares in the protos
// (`option (plinth.v1.access)`, protos/plinth/v1/access.proto). Handlers do
// not authenticate; they ask CallerOf for the caller the adapter admitted.
//
// Deny by default, three times over:
//   - a server whose services have a method without a rule does not start
//     (NewCallInterceptorFactory fails, and with it Serve);
//   - a call to a method the adapter has no rule for is refused;
//   - CallerOf answers an error unless the adapter admitted this very call,
//     so a handler reached without an admission has no user to act for.
// A refused call's final status is the refusal, whatever its handler
// returned.

#include <memory>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include "libs/auth/jwt.h"

namespace plinth::grpc_server {

// The metadata of an internal call (call.h, InternalContext).
inline constexpr char kServiceTokenMetadata[] = "x-plinth-service-token";
inline constexpr char kUserIdMetadata[] = "x-plinth-user-id";

struct AccessConfig {
  // Verifies end users' tokens (CALLER_USER). Must outlive the server.
  const auth::JwtVerifier* verifier = nullptr;
  // PLINTH_SERVICE_TOKEN (CALLER_INTERNAL); empty: internal calls refused.
  std::string service_token;
  // Admit gRPC reflection. Linking gRPC's reflection library registers the
  // service on every server, so off means refused here.
  bool reflection = false;
};

// The caller admitted for this call: the user of a verified token, or the
// user an internal call acts for (role `authenticated`, so row-level
// security applies unchanged). An error for a public method's call or when
// the adapter did not admit this call.
absl::StatusOr<auth::Claims> CallerOf(const grpc::ServerContextBase& context);

// The interceptor factory Serve installs for the named services (e.g.
// "plinth.v1.BillingService"): request id on the logs, the access decision,
// the success HTTP status, one access-log line per call. Fails, naming it,
// when a method of one of them declares no caller. Tests that build a server
// of their own install it too, so they run the same path.
absl::StatusOr<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> NewCallInterceptorFactory(
    AccessConfig access, const std::vector<std::string>& service_names);

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_ACCESS_H_
