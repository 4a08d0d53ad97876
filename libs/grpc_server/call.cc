#include "libs/grpc_server/call.h"

#include "libs/errors/errors.h"
#include "libs/logging/logging.h"

namespace plinth::grpc_server {

absl::StatusOr<auth::Claims> Authenticate(const grpc::ServerContext& context,
                                          const auth::JwtVerifier& verifier) {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  std::string_view header;
  if (it != md.end()) header = std::string_view(it->second.data(), it->second.size());
  auto token = auth::JwtVerifier::FromAuthorizationHeader(header);
  if (!token.ok()) return token.status();
  auto claims = verifier.Verify(*token);
  if (claims.ok()) logging::RequestContext::SetUserId(claims->sub);
  return claims;
}

std::chrono::system_clock::time_point Deadline(const grpc::ServerContext& context,
                                               std::chrono::milliseconds cap) {
  return std::min(context.deadline(), std::chrono::system_clock::now() + cap);
}

grpc::Status Reply(const absl::Status& status) {
  if (!status.ok() && errors::ContractCode(status) == "INTERNAL") {
    logging::Error("internal error", {{"cause", std::string(status.message())}});
  }
  return errors::ToGrpcStatus(status);
}

std::unique_ptr<grpc::ClientContext> ForwardedContext(const grpc::ServerContext& context) {
  auto out = std::make_unique<grpc::ClientContext>();
  for (const char* key : {"authorization", "x-request-id"}) {
    auto it = context.client_metadata().find(key);
    if (it != context.client_metadata().end()) {
      out->AddMetadata(key, std::string(it->second.data(), it->second.size()));
    }
  }
  out->set_deadline(context.deadline());
  return out;
}

void SetHttpStatus(grpc::ServerContext* context, int http_status) {
  context->AddInitialMetadata("x-http-code", std::to_string(http_status));
}

}  // namespace plinth::grpc_server
