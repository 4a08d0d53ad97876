#include "libs/errors/errors.h"

#include <absl/strings/cord.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace plinth::errors {
namespace {

constexpr char kReasonPayload[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kBadRequestPayload[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kDomain[] = "plinth";

absl::Status WithReason(absl::StatusCode code, std::string_view message, std::string_view reason) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kDomain);
  status.SetPayload(kReasonPayload, absl::Cord(info.SerializeAsString()));
  return status;
}

// Default contract code for statuses that carry no explicit reason (e.g. from
// a library or another process).
std::string CodeFromCanonical(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return "OK";
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return "VALIDATION_ERROR";
    case absl::StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case absl::StatusCode::kPermissionDenied: return "FORBIDDEN";
    case absl::StatusCode::kNotFound: return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition: return "CONFLICT";
    case absl::StatusCode::kResourceExhausted: return "RATE_LIMITED";
    case absl::StatusCode::kUnavailable: return "UNAVAILABLE";
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled: return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kUnimplemented: return "NOT_IMPLEMENTED";
    default: return "INTERNAL";
  }
}

}  // namespace

absl::Status Validation(std::vector<FieldViolation> violations) {
  std::vector<std::string> parts;
  google::rpc::BadRequest bad_request;
  for (const auto& v : violations) {
    parts.push_back(absl::StrCat(v.field, ": ", v.issue));
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.issue);
  }
  absl::Status status = WithReason(absl::StatusCode::kInvalidArgument,
                                   absl::StrCat("invalid request: ", absl::StrJoin(parts, "; ")),
                                   "VALIDATION_ERROR");
  status.SetPayload(kBadRequestPayload, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status Validation(std::string field, std::string issue) {
  return Validation(std::vector<FieldViolation>{{std::move(field), std::move(issue)}});
}

absl::Status Unauthenticated(std::string_view m) {
  return WithReason(absl::StatusCode::kUnauthenticated, m, "UNAUTHENTICATED");
}
absl::Status InsufficientCredits(std::string_view m) {
  return WithReason(absl::StatusCode::kFailedPrecondition, m, "INSUFFICIENT_CREDITS");
}
absl::Status Forbidden(std::string_view m) {
  return WithReason(absl::StatusCode::kPermissionDenied, m, "FORBIDDEN");
}
absl::Status NotFound(std::string_view m) {
  return WithReason(absl::StatusCode::kNotFound, m, "NOT_FOUND");
}
absl::Status Conflict(std::string_view m) {
  return WithReason(absl::StatusCode::kAborted, m, "CONFLICT");
}
absl::Status RateLimited(std::string_view m) {
  return WithReason(absl::StatusCode::kResourceExhausted, m, "RATE_LIMITED");
}
absl::Status Internal(std::string_view m) {
  return WithReason(absl::StatusCode::kInternal, m, "INTERNAL");
}
absl::Status Unavailable(std::string_view m) {
  return WithReason(absl::StatusCode::kUnavailable, m, "UNAVAILABLE");
}
absl::Status DeadlineExceeded(std::string_view m) {
  return WithReason(absl::StatusCode::kDeadlineExceeded, m, "DEADLINE_EXCEEDED");
}

std::string ContractCode(const absl::Status& status) {
  if (auto payload = status.GetPayload(kReasonPayload)) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload)) && !info.reason().empty()) return info.reason();
  }
  return CodeFromCanonical(status.code());
}

std::vector<FieldViolation> Violations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  if (auto payload = status.GetPayload(kBadRequestPayload)) {
    google::rpc::BadRequest bad_request;
    if (bad_request.ParseFromString(std::string(*payload))) {
      for (const auto& fv : bad_request.field_violations()) out.push_back({fv.field(), fv.description()});
    }
  }
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const std::string code = ContractCode(status);
  // INTERNAL never exposes its cause (SQL, stack): the caller logs it.
  const std::string message =
      code == "INTERNAL" ? std::string("internal error") : std::string(status.message());
  google::rpc::Status wire;
  wire.set_code(static_cast<int>(status.code()));
  wire.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason(code);
  info.set_domain(kDomain);
  wire.add_details()->PackFrom(info);
  auto violations = Violations(status);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const auto& v : violations) {
      auto* fv = bad_request.add_field_violations();
      fv->set_field(v.field);
      fv->set_description(v.issue);
    }
    wire.add_details()->PackFrom(bad_request);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      wire.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status wire;
  if (!status.error_details().empty() && wire.ParseFromString(status.error_details())) {
    for (const auto& any : wire.details()) {
      google::rpc::ErrorInfo info;
      google::rpc::BadRequest bad_request;
      if (any.UnpackTo(&info)) {
        out.SetPayload(kReasonPayload, absl::Cord(info.SerializeAsString()));
      } else if (any.UnpackTo(&bad_request)) {
        out.SetPayload(kBadRequestPayload, absl::Cord(bad_request.SerializeAsString()));
      }
    }
  }
  return out;
}

}  // namespace plinth::errors
