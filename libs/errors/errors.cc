#include "libs/errors/errors.h"

#include <absl/strings/cord.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include "google/rpc/status.pb.h"
#include "plinth/v1/errors.pb.h"

namespace plinth::errors {
namespace {

constexpr char kDetailPayload[] = "type.googleapis.com/plinth.v1.ErrorDetail";

plinth::v1::ErrorDetail DetailOf(const absl::Status& status) {
  plinth::v1::ErrorDetail detail;
  if (auto payload = status.GetPayload(kDetailPayload)) detail.ParseFromString(std::string(*payload));
  return detail;
}

absl::Status WithDetail(absl::StatusCode code, std::string_view message,
                        const plinth::v1::ErrorDetail& detail) {
  absl::Status status(code, absl::string_view(message.data(), message.size()));
  status.SetPayload(kDetailPayload, absl::Cord(detail.SerializeAsString()));
  return status;
}

absl::Status WithReason(absl::StatusCode code, std::string_view message, std::string_view reason) {
  plinth::v1::ErrorDetail detail;
  detail.set_code(std::string(reason));
  return WithDetail(code, message, detail);
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
  plinth::v1::ErrorDetail detail;
  detail.set_code("VALIDATION_ERROR");
  for (const auto& v : violations) {
    parts.push_back(absl::StrCat(v.field, ": ", v.issue));
    auto* fv = detail.add_field_violations();
    fv->set_field(v.field);
    fv->set_issue(v.issue);
  }
  return WithDetail(absl::StatusCode::kInvalidArgument,
                    absl::StrCat("invalid request: ", absl::StrJoin(parts, "; ")), detail);
}

absl::Status InvalidField(std::string field, std::string issue) {
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
  auto detail = DetailOf(status);
  if (!detail.code().empty()) return detail.code();
  return CodeFromCanonical(status.code());
}

std::vector<FieldViolation> Violations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  const plinth::v1::ErrorDetail detail = DetailOf(status);
  for (const auto& fv : detail.field_violations()) out.push_back({fv.field(), fv.issue()});
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  plinth::v1::ErrorDetail detail = DetailOf(status);
  if (detail.code().empty()) detail.set_code(CodeFromCanonical(status.code()));
  // INTERNAL never exposes its cause (SQL, stack): the caller logs it.
  const std::string message =
      detail.code() == "INTERNAL" ? std::string("internal error") : std::string(status.message());
  google::rpc::Status wire;
  wire.set_code(static_cast<int>(status.code()));
  wire.set_message(message);
  wire.add_details()->PackFrom(detail);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      wire.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  plinth::v1::ErrorDetail detail;
  google::rpc::Status wire;
  if (!status.error_details().empty() && wire.ParseFromString(status.error_details())) {
    for (const auto& any : wire.details()) {
      if (any.UnpackTo(&detail)) break;
    }
  }
  if (detail.code().empty()) {
    // Raised by gRPC itself (connection refused, message too large, a
    // deadline): its text names addresses and limits, not for a client.
    // INTERNAL keeps the cause for the log line Reply writes.
    const auto code = static_cast<absl::StatusCode>(status.error_code());
    switch (code) {
      case absl::StatusCode::kUnavailable:
        return Unavailable("a backend service is unavailable");
      case absl::StatusCode::kDeadlineExceeded:
      case absl::StatusCode::kCancelled:
        return DeadlineExceeded("a backend service did not answer in time");
      default:
        return Internal("backend call failed: " + status.error_message());
    }
  }
  return WithDetail(static_cast<absl::StatusCode>(status.error_code()), status.error_message(),
                    detail);
}

}  // namespace plinth::errors
