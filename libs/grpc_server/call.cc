#include "libs/grpc_server/call.h"

#include "libs/errors/errors.h"
#include "libs/grpc_server/access.h"
#include "libs/grpc_server/handler.h"
#include "libs/logging/logging.h"
#include "libs/validation/rules.h"

namespace plinth::grpc_server {

absl::StatusOr<Call> Admit(const grpc::ServerContextBase& context, const google::protobuf::Message& request) {
  auto admission = AdmissionOf(context);
  if (!admission.ok()) return admission.status();
  if (auto bad = validation::Check(request); !bad.ok()) return bad;
  Call call;
  if (admission->caller) call.caller = *std::move(admission->caller);
  call.deadline = std::min(context.deadline(), std::chrono::system_clock::now() + admission->max_call);
  call.context = &context;
  return call;
}

grpc::Status Reply(const absl::Status& status) {
  if (!status.ok() && errors::ContractCode(status) == errors::Name(v1::ERROR_CODE_INTERNAL)) {
    logging::Error("internal error", {{"cause", std::string(status.message())}});
  }
  return errors::ToGrpcStatus(status);
}

std::unique_ptr<grpc::ClientContext> ForwardedContext(const grpc::ServerContextBase& context) {
  auto out = std::make_unique<grpc::ClientContext>();
  for (const char* key : {"authorization", "x-request-id"}) {
    auto it = context.client_metadata().find(key);
    if (it != context.client_metadata().end()) {
      out->AddMetadata(key, std::string(it->second.data(), it->second.size()));
    }
  }
  if (!logging::RequestContext::TraceParent().empty()) {
    out->AddMetadata("traceparent", logging::RequestContext::TraceParent());
  }
  out->set_deadline(context.deadline());
  return out;
}

std::unique_ptr<grpc::ClientContext> InternalContext(const std::string& service_token, const std::string& user_id,
                                                     std::chrono::system_clock::time_point deadline) {
  auto out = std::make_unique<grpc::ClientContext>();
  out->AddMetadata(kServiceTokenMetadata, service_token);
  out->AddMetadata(kUserIdMetadata, user_id);
  if (!logging::RequestContext::TraceParent().empty()) {
    out->AddMetadata("traceparent", logging::RequestContext::TraceParent());
  }
  out->set_deadline(deadline);
  return out;
}

std::shared_ptr<grpc::Channel> BackendChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  // Look the name up again within a second when a pod goes away (the
  // default, 30 s, outlasts a rolling update's turnover).
  args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 1000);
  return grpc::CreateCustomChannel("dns:///" + address, grpc::InsecureChannelCredentials(), args);
}

}  // namespace plinth::grpc_server
