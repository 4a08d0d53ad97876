#include "libs/validation/text.h"
#include "libs/grpc_server/access.h"

#include "libs/grpc_server/offload.h"

#include <cctype>
#include <chrono>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <absl/strings/str_cat.h>
#include <google/protobuf/descriptor.h>
#include <nlohmann/json.hpp>

#include "libs/crypto/crypto.h"
#include "libs/errors/errors.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"
#include "plinth/v1/access.pb.h"

namespace plinth::grpc_server {
namespace {

using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

std::optional<std::string_view> Find(const Metadata* md, std::string_view key) {
  if (md == nullptr) return std::nullopt;
  auto it = md->find(grpc::string_ref(key.data(), key.size()));
  if (it == md->end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

// The usual gRPC-Prometheus families, labelled as go-grpc-prometheus does.
prometheus::Family<prometheus::Counter>& HandledFamily() {
  static auto& f =
      metrics::CounterFamily("grpc_server_handled_total", "RPCs completed on the server, by method and status code.");
  return f;
}
prometheus::Family<prometheus::Histogram>& HandlingFamily() {
  static auto& f =
      metrics::HistogramFamily("grpc_server_handling_seconds", "Time from an RPC's arrival to its status, by method.");
  return f;
}

// "/pkg.Service/Method" -> ("pkg.Service", "Method"); false if not that shape.
bool SplitMethod(std::string_view path, std::string* service, std::string* method) {
  const size_t slash = path.rfind('/');
  if (path.size() < 2 || slash == std::string_view::npos || slash == 0) return false;
  *service = std::string(path.substr(1, slash - 1));
  *method = std::string(path.substr(slash + 1));
  return true;
}

// A method's rule and what its metrics need, resolved once at start-up so
// that a call only looks its path up.
struct Method {
  v1::Access access;
  std::string service, name;  // the grpc_service and grpc_method labels
  prometheus::Histogram* handling = nullptr;
  std::chrono::milliseconds max_call{5000};  // the service's endpoint
};

using Rules = std::unordered_map<std::string, Method>;

void AddRule(Rules* rules, const std::string& path, const v1::Access& access, uint32_t max_call_ms = 0) {
  Method m{access, "", "", nullptr, std::chrono::milliseconds(max_call_ms != 0 ? max_call_ms : 5000)};
  if (SplitMethod(path, &m.service, &m.name)) {
    m.handling =
        &HandlingFamily().Add({{"grpc_service", m.service}, {"grpc_method", m.name}}, metrics::LatencyBuckets());
  }
  (*rules)[path] = std::move(m);
}

// The rules of the named services' methods, read from their generated
// descriptors. Health and reflection are gRPC's own services: probes must
// reach health; reflection only when configured.
absl::StatusOr<Rules> ReadRules(const std::vector<std::string>& service_names, bool reflection) {
  Rules rules;
  v1::Access open;
  open.set_caller(v1::CALLER_PUBLIC);
  for (const char* m : {"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"}) AddRule(&rules, m, open);
  if (reflection) {
    for (const char* m : {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                          "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"}) {
      AddRule(&rules, m, open);
    }
  }
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& name : service_names) {
    const auto* s = pool->FindServiceByName(name);
    // A health-only name (the worker's) has no methods to rule; any method
    // not ruled here is refused anyway.
    if (s == nullptr) continue;
    for (int i = 0; i < s->method_count(); ++i) {
      const auto* m = s->method(i);
      const v1::Access& access = m->options().GetExtension(v1::access);
      if (access.caller() == v1::CALLER_UNSPECIFIED) {
        return absl::FailedPreconditionError(
            absl::StrCat(m->full_name(), " declares no caller: add option (plinth.v1.access) to its rpc"));
      }
      AddRule(&rules, absl::StrCat("/", s->full_name(), "/", m->name()), access,
              s->options().GetExtension(v1::endpoint).max_call_ms());
    }
  }
  return rules;
}

absl::StatusOr<auth::Claims> VerifyUser(const Metadata* md, const AccessConfig& config) {
  if (config.verifier == nullptr) return errors::Unauthenticated("user calls are not configured");
  auto token = auth::JwtVerifier::FromAuthorizationHeader(Find(md, "authorization").value_or(""));
  if (!token.ok()) return token.status();
  return config.verifier->Verify(*token);
}

absl::StatusOr<auth::Claims> VerifyInternal(const Metadata* md, const AccessConfig& config) {
  auto presented = Find(md, kServiceTokenMetadata);
  if (!presented) return errors::Forbidden("this method is for Plinth services only");
  if (config.service_token.empty()) {
    return errors::Forbidden("internal calls are not configured (PLINTH_SERVICE_TOKEN)");
  }
  if (!crypto::Equal(std::string(*presented), config.service_token)) {
    return errors::Unauthenticated("invalid service credential");
  }
  auto user_id = Find(md, kUserIdMetadata);
  if (!user_id || !validation::IsUuid(std::string(*user_id))) {
    return errors::InvalidField("x-plinth-user-id", "must be a UUID");
  }
  auth::Claims claims;
  claims.sub = std::string(*user_id);
  claims.role = "authenticated";
  claims.raw_json = nlohmann::json{{"sub", claims.sub}, {"role", claims.role}}.dump();
  return claims;
}

absl::StatusOr<auth::Claims> Admit(const v1::Access* rule, const Metadata* md, const AccessConfig& config) {
  if (rule == nullptr) return errors::Forbidden("no access rule for this method");
  switch (rule->caller()) {
    case v1::CALLER_PUBLIC:
      return errors::Unauthenticated("a public method has no caller");
    case v1::CALLER_USER:
      return VerifyUser(md, config);
    case v1::CALLER_INTERNAL:
      return VerifyInternal(md, config);
    case v1::CALLER_USER_OR_INTERNAL:
      return Find(md, kServiceTokenMetadata) ? VerifyInternal(md, config) : VerifyUser(md, config);
    case v1::CALLER_OPERATOR: {
      auto user = VerifyUser(md, config);
      if (!user.ok()) return user.status();
      if (user->plinth_role != "operator") return errors::Forbidden("this route is for operators only");
      return user;
    }
    default:
      return errors::Forbidden("no access rule for this method");
  }
}

// The decision for the call this thread runs. The sync server runs a call's
// interceptor hooks and its handler on one thread, one call at a time; so
// does the callback API until the handler returns (a handler that hands its
// call to another thread does so through Offload, which calls
// ReleaseCallOnThisThread, offload.h).
struct ThreadAdmission {
  const grpc::ServerContextBase* context = nullptr;
  absl::StatusOr<Admission> admission = absl::UnknownError("unset");
};
thread_local ThreadAdmission t_admission;

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
  }
  return true;
}

class CallInterceptor : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info, const AccessConfig* config, const Rules* rules)
      : info_(info),
        config_(config),
        rules_(rules),
        method_(info->method()),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      Admit(methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) && rule_ != nullptr &&
        rule_->access.success_http_status() != 0) {
      // Read by the gateway on success only (forwardHTTPCode).
      methods->GetSendInitialMetadata()->emplace("x-http-code", std::to_string(rule_->access.success_http_status()));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      if (!refusal_.ok()) methods->ModifySendStatus(errors::ToGrpcStatus(refusal_));
      grpc::Status status = methods->GetSendStatus();
      // gRPC's callback API finishes a call whose request message never
      // arrived (the client cancelled first: the gateway does when its own
      // client goes away) or could not be decoded as UNIMPLEMENTED with no
      // message, for a method that is implemented: counted and logged as
      // the cancellation it is, not as a missing method. (A sync method
      // left unimplemented still reads UNIMPLEMENTED.)
      if (rule_ != nullptr && status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty() &&
          dynamic_cast<grpc::CallbackServerContext*>(info_->server_context()) != nullptr) {
        status = grpc::Status(grpc::StatusCode::CANCELLED, "the call ended before its request could be read");
      }
      Log(status);
      ReleaseCallOnThisThread();
    }
    methods->Proceed();
  }

 private:
  void Admit(const Metadata* md) {
    std::string request_id(Find(md, "x-request-id").value_or(""));
    if (!SaneRequestId(request_id)) request_id = auth::NewUuid();
    // Set by the gateway: the client chain it received plus the peer it saw.
    if (auto fwd = Find(md, "x-forwarded-for")) forwarded_for_.assign(fwd->substr(0, 256));
    logging::RequestContext::Set(request_id, "");
    // W3C trace context from the gateway (or a peer): logged as trace_id and
    // passed on by ForwardedContext and the job queue.
    std::string traceparent(Find(md, "traceparent").value_or(""));
    logging::RequestContext::SetTraceParent(logging::ValidTraceParent(traceparent) ? traceparent : "");

    auto it = rules_->find(method_);
    rule_ = it == rules_->end() ? nullptr : &it->second;
    auto caller = grpc_server::Admit(rule_ ? &rule_->access : nullptr, md, *config_);
    bool is_public = rule_ != nullptr && rule_->access.caller() == v1::CALLER_PUBLIC;
    if (!caller.ok() && !is_public) refusal_ = caller.status();
    if (caller.ok()) logging::RequestContext::SetUserId(caller->sub);
    t_admission.context = info_->server_context();
    if (!refusal_.ok()) {
      t_admission.admission = refusal_;
    } else {
      Admission admitted;
      if (caller.ok()) admitted.caller = *std::move(caller);
      admitted.max_call = rule_->max_call;
      t_admission.admission = std::move(admitted);
    }
  }

  void Log(const grpc::Status& status) {
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
    Count(status.error_code(), static_cast<double>(micros) / 1e6);
    // A method without a rule is whatever the caller sent: logged cut short.
    logging::Fields fields = {{"method", rule_ != nullptr ? method_ : method_.substr(0, 200)},
                              {"grpc_code", std::to_string(status.error_code())},
                              {"duration_ms", absl::StrCat(static_cast<double>(micros) / 1000.0)}};
    if (!forwarded_for_.empty()) fields.push_back({"forwarded_for", forwarded_for_});
    if (!status.ok()) fields.push_back({"error", status.error_message()});
    logging::Info("rpc", fields);
  }

  // grpc_server_handled_total and grpc_server_handling_seconds: a ruled
  // method's labels and histogram were resolved at start-up (AddRule).
  void Count(grpc::StatusCode code, double seconds) {
    if (rule_ != nullptr && rule_->handling != nullptr) {
      HandledFamily()
          .Add({{"grpc_service", rule_->service}, {"grpc_method", rule_->name}, {"grpc_code", CodeName(code)}})
          .Increment();
      rule_->handling->Observe(seconds);
      return;
    }
    // Without a rule: gRPC's own services keep their names; any other path
    // (a caller can send any) shares one label value, so callers cannot
    // grow the exposition.
    std::string service, method;
    if (!SplitMethod(method_, &service, &method) || !IsGrpcOwnService(service)) {
      service = kUnknownLabel;
      method = kUnknownLabel;
    }
    HandledFamily()
        .Add({{"grpc_service", service}, {"grpc_method", method}, {"grpc_code", CodeName(code)}})
        .Increment();
    HandlingFamily()
        .Add({{"grpc_service", service}, {"grpc_method", method}}, metrics::LatencyBuckets())
        .Observe(seconds);
  }

  static constexpr char kUnknownLabel[] = "unknown";
  // Health checking and reflection: a fixed, small set of names.
  static bool IsGrpcOwnService(const std::string& service) {
    return service == "grpc.health.v1.Health" || service == "grpc.reflection.v1alpha.ServerReflection" ||
           service == "grpc.reflection.v1.ServerReflection";
  }

  static const char* CodeName(grpc::StatusCode code) {
    static const char* kNames[] = {
        "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
        "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
        "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
        "DataLoss", "Unauthenticated"};
    const int i = static_cast<int>(code);
    return i >= 0 && i < 17 ? kNames[i] : "Unknown";
  }

  grpc::experimental::ServerRpcInfo* info_;
  const AccessConfig* config_;
  const Rules* rules_;
  std::string method_;
  std::string forwarded_for_;
  const Method* rule_ = nullptr;
  absl::Status refusal_;
  std::chrono::steady_clock::time_point start_;
};

class CallInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallInterceptorFactory(AccessConfig config, Rules rules) : config_(std::move(config)), rules_(std::move(rules)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new CallInterceptor(info, &config_, &rules_);
  }

 private:
  AccessConfig config_;
  Rules rules_;
};

}  // namespace

void ReleaseCallOnThisThread() {
  t_admission = ThreadAdmission();
  logging::RequestContext::Set("", "");
  logging::RequestContext::SetTraceParent("");
}

absl::StatusOr<Admission> AdmissionOf(const grpc::ServerContextBase& context) {
  if (t_admission.context != &context) return errors::Forbidden("call not admitted by the access adapter");
  return t_admission.admission;
}

absl::StatusOr<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> NewCallInterceptorFactory(
    AccessConfig access, const std::vector<std::string>& service_names) {
  auto rules = ReadRules(service_names, access.reflection);
  if (!rules.ok()) return rules.status();
  return std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>(
      std::make_unique<CallInterceptorFactory>(std::move(access), *std::move(rules)));
}

}  // namespace plinth::grpc_server
