#ifndef PLINTH_LIBS_GRPC_SERVER_ACCESS_H_
#define PLINTH_LIBS_GRPC_SERVER_ACCESS_H_

// The access adapter: every call is admitted or refused here, before its
// handler runs, by the rule its method declares in the protos
// (`option (plinth.v1.access)`, protos/plinth/v1/access.proto). Handlers do
// not authenticate: the shells of handler.h run one only for an admitted
// call, and hand it the caller.
//
// Deny by default, three times over:
//   - a server whose services have a method without a rule does not start
//     (NewCallInterceptorFactory fails, and with it Serve);
//   - a call to a method the adapter has no rule for is refused;
//   - AdmissionOf answers an error unless the adapter admitted this very
//     call, so a handler is never reached without an admission.
// A refused call's final status is the refusal, whatever its handler
// returned.

#include <chrono>
#include <memory>
#include <optional>
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

// What the adapter decided for an admitted call.
struct Admission {
  // The user of a verified token, or the user an internal call acts for
  // (role `authenticated`, so row-level security applies unchanged); unset
  // for a public method's call.
  std::optional<auth::Claims> caller;
  // The longest the call may work: its service's (plinth.v1.endpoint)
  // max_call_ms.
  std::chrono::milliseconds max_call{5000};
};

// This call's admission, or the refusal (also when the adapter did not
// admit this very call). handler.h's shells ask it before a handler runs.
absl::StatusOr<Admission> AdmissionOf(const grpc::ServerContextBase& context);

// The interceptor factory Serve installs for the named services (e.g.
// "plinth.v1.BillingService"): request id on the logs, the access decision,
// the success HTTP status, one access-log line per call. Fails, naming it,
// when a method of one of them declares no caller. Tests that build a server
// of their own install it too, so they run the same path.
absl::StatusOr<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> NewCallInterceptorFactory(
    AccessConfig access, const std::vector<std::string>& service_names);

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_ACCESS_H_
