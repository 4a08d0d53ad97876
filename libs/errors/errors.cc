#include "libs/errors/errors.h"

#include <map>
#include <optional>

#include <absl/strings/cord.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include "google/rpc/status.pb.h"
#include "plinth/v1/errors.pb.h"

namespace plinth::errors {
namespace {

constexpr char kDetailPayload[] = "type.googleapis.com/plinth.v1.ErrorDetail";
constexpr std::string_view kPrefix = "ERROR_CODE_";

// The facts of protos/plinth/v1/errors.proto, read once from its options.
struct Table {
  std::map<int, absl::StatusCode> grpc;          // ErrorCode → its gRPC code
  std::map<absl::StatusCode, std::string> bare;  // gRPC code without detail → wire name
  absl::Status problem;                          // what is wrong with the options, if anything
};

std::optional<absl::StatusCode> CanonicalCode(const std::string& name) {
  for (int c = 0; c <= 16; ++c) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(c)) == name) return static_cast<absl::StatusCode>(c);
  }
  return std::nullopt;
}

Table BuildTable() {
  Table t;
  const auto* codes = v1::ErrorCode_descriptor();
  auto fail = [&t](const std::string& why) {
    if (t.problem.ok()) t.problem = absl::InternalError(absl::StrCat("protos/plinth/v1/errors.proto: ", why));
  };
  for (int i = 0; i < codes->value_count(); ++i) {
    const auto* value = codes->value(i);
    if (value->number() == v1::ERROR_CODE_UNSPECIFIED) continue;
    const std::string& full = value->name();
    if (full.rfind(kPrefix, 0) != 0) fail(full + " lacks the ERROR_CODE_ prefix");
    const std::string name = full.substr(kPrefix.size());
    const auto& info = value->options().GetExtension(v1::error);
    if (info.http_status() < 400 || info.http_status() > 599) fail(full + ": http_status must be 4xx or 5xx");
    if (!info.grpc_code().empty()) {
      auto grpc = CanonicalCode(info.grpc_code());
      if (!grpc)
        fail(full + ": unknown grpc_code " + info.grpc_code());
      else
        t.grpc[value->number()] = *grpc;
    }
    for (const auto& b : info.bare_grpc_codes()) {
      auto grpc = CanonicalCode(b);
      if (!grpc)
        fail(absl::StrCat(full, ": unknown bare gRPC code ", b));
      else if (!t.bare.emplace(*grpc, name).second)
        fail(b + " is claimed by two codes");
    }
  }
  return t;
}

const Table& TheTable() {
  static const Table* table = new Table(BuildTable());
  return *table;
}

plinth::v1::ErrorDetail DetailOf(const absl::Status& status) {
  plinth::v1::ErrorDetail detail;
  if (auto payload = status.GetPayload(kDetailPayload)) detail.ParseFromString(std::string(*payload));
  return detail;
}

absl::Status WithDetail(absl::StatusCode code, std::string_view message, const plinth::v1::ErrorDetail& detail) {
  absl::Status status(code, absl::string_view(message.data(), message.size()));
  status.SetPayload(kDetailPayload, absl::Cord(detail.SerializeAsString()));
  return status;
}

// The gRPC code a service answers `code` with; INTERNAL for the codes only
// the gateway raises (a service has no business sending them).
absl::StatusCode GrpcCodeOf(v1::ErrorCode code) {
  auto it = TheTable().grpc.find(code);
  return it == TheTable().grpc.end() ? absl::StatusCode::kInternal : it->second;
}

absl::Status WithCode(v1::ErrorCode code, std::string_view message) {
  plinth::v1::ErrorDetail detail;
  detail.set_code(Name(code));
  return WithDetail(GrpcCodeOf(code), message, detail);
}

// The contract code of a status that carries no detail (from a library or
// gRPC itself): the code claiming it in errors.proto, else INTERNAL.
std::string CodeFromCanonical(absl::StatusCode code) {
  auto it = TheTable().bare.find(code);
  return it == TheTable().bare.end() ? Name(v1::ERROR_CODE_INTERNAL) : it->second;
}

}  // namespace

std::string Name(v1::ErrorCode code) {
  const std::string& full = v1::ErrorCode_Name(code);
  return full.rfind(kPrefix, 0) == 0 ? full.substr(kPrefix.size()) : full;
}

absl::Status CheckCodeTable() { return TheTable().problem; }

absl::Status Validation(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> parts;
  plinth::v1::ErrorDetail detail;
  detail.set_code(Name(v1::ERROR_CODE_VALIDATION_ERROR));
  for (const auto& v : violations) {
    parts.push_back(absl::StrCat(v.field, ": ", v.issue));
    auto* fv = detail.add_field_violations();
    fv->set_field(v.field);
    fv->set_issue(v.issue);
  }
  return WithDetail(GrpcCodeOf(v1::ERROR_CODE_VALIDATION_ERROR),
                    absl::StrCat("invalid request: ", absl::StrJoin(parts, "; ")), detail);
}

absl::Status InvalidField(std::string field, std::string issue) {
  return Validation(std::vector<FieldViolation>{{std::move(field), std::move(issue)}});
}

absl::Status Unauthenticated(std::string_view m) { return WithCode(v1::ERROR_CODE_UNAUTHENTICATED, m); }
absl::Status InsufficientCredits(std::string_view m) { return WithCode(v1::ERROR_CODE_INSUFFICIENT_CREDITS, m); }
absl::Status Forbidden(std::string_view m) { return WithCode(v1::ERROR_CODE_FORBIDDEN, m); }
absl::Status NotFound(std::string_view m) { return WithCode(v1::ERROR_CODE_NOT_FOUND, m); }
absl::Status Conflict(std::string_view m) { return WithCode(v1::ERROR_CODE_CONFLICT, m); }
absl::Status RateLimited(std::string_view m) { return WithCode(v1::ERROR_CODE_RATE_LIMITED, m); }
absl::Status Internal(std::string_view m) { return WithCode(v1::ERROR_CODE_INTERNAL, m); }
absl::Status Unavailable(std::string_view m) { return WithCode(v1::ERROR_CODE_UNAVAILABLE, m); }
absl::Status DeadlineExceeded(std::string_view m) { return WithCode(v1::ERROR_CODE_DEADLINE_EXCEEDED, m); }

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
      detail.code() == Name(v1::ERROR_CODE_INTERNAL) ? std::string("internal error") : std::string(status.message());
  google::rpc::Status wire;
  wire.set_code(static_cast<int>(status.code()));
  wire.set_message(message);
  wire.add_details()->PackFrom(detail);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message, wire.SerializeAsString());
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
  return WithDetail(static_cast<absl::StatusCode>(status.error_code()), status.error_message(), detail);
}

}  // namespace plinth::errors
