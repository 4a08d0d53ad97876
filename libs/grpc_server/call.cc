#include "libs/grpc_server/call.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "libs/crypto/crypto.h"
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

namespace {

constexpr char kServiceTokenKey[] = "x-plinth-service-token";
constexpr char kUserIdKey[] = "x-plinth-user-id";

std::optional<std::string> Metadata(const grpc::ServerContext& context, const char* key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

std::unique_ptr<grpc::ClientContext> InternalContext(const std::string& service_token,
                                                     const std::string& user_id,
                                                     std::chrono::system_clock::time_point deadline) {
  auto out = std::make_unique<grpc::ClientContext>();
  out->AddMetadata(kServiceTokenKey, service_token);
  out->AddMetadata(kUserIdKey, user_id);
  out->set_deadline(deadline);
  return out;
}

absl::StatusOr<auth::Claims> AuthenticateInternal(const grpc::ServerContext& context,
                                                  const std::string& service_token) {
  if (service_token.empty()) return errors::Forbidden("internal calls are not configured (PLINTH_SERVICE_TOKEN)");
  auto presented = Metadata(context, kServiceTokenKey);
  if (!presented || !crypto::Equal(*presented, service_token)) {
    return errors::Unauthenticated("missing or invalid service credential");
  }
  auto user_id = Metadata(context, kUserIdKey);
  if (!user_id || !auth::IsUuid(*user_id)) return errors::InvalidField("x-plinth-user-id", "must be a UUID");
  auth::Claims claims;
  claims.sub = *user_id;
  claims.role = "authenticated";
  claims.raw_json = nlohmann::json{{"sub", claims.sub}, {"role", claims.role}}.dump();
  logging::RequestContext::SetUserId(claims.sub);
  return claims;
}

absl::StatusOr<auth::Claims> AuthenticateUserOrInternal(const grpc::ServerContext& context,
                                                        const auth::JwtVerifier& verifier,
                                                        const std::string& service_token) {
  if (Metadata(context, kServiceTokenKey)) return AuthenticateInternal(context, service_token);
  return Authenticate(context, verifier);
}

void SetHttpStatus(grpc::ServerContext* context, int http_status) {
  context->AddInitialMetadata("x-http-code", std::to_string(http_status));
}

}  // namespace plinth::grpc_server
