#ifndef PLINTH_LIBS_ERRORS_ERRORS_H_
#define PLINTH_LIBS_ERRORS_ERRORS_H_

// The one mapping between domain errors, gRPC status and the REST contract's
// error codes, read from protos/plinth/v1/errors.proto (the codes' HTTP and
// gRPC statuses are written there and nowhere else). Services return
// absl::Status built with the helpers below; ToGrpcStatus() turns it into what
// goes on the wire; the gateway turns the wire status into the HTTP status and
// `error.code`.

#include <string>
#include <string_view>
#include <vector>

#include <absl/status/status.h>
#include <grpcpp/support/status.h>

#include "plinth/v1/errors.pb.h"

namespace plinth::errors {

struct FieldViolation {
  std::string field;
  std::string issue;
};

// 400 VALIDATION_ERROR; `details` lists every violation.
absl::Status Validation(const std::vector<FieldViolation>& violations);
// One bad field (a separate name: a braced list of two strings would otherwise
// silently pick the wrong overload).
absl::Status InvalidField(std::string field, std::string issue);
// 401 UNAUTHENTICATED
absl::Status Unauthenticated(std::string_view message);
// 402 INSUFFICIENT_CREDITS
absl::Status InsufficientCredits(std::string_view message);
// 403 FORBIDDEN
absl::Status Forbidden(std::string_view message);
// 404 NOT_FOUND
absl::Status NotFound(std::string_view message);
// 409 CONFLICT
absl::Status Conflict(std::string_view message);
// 429 RATE_LIMITED
absl::Status RateLimited(std::string_view message);
// 500 INTERNAL: the message is logged, never sent.
absl::Status Internal(std::string_view message);
// 503 UNAVAILABLE
absl::Status Unavailable(std::string_view message);
// 504 DEADLINE_EXCEEDED
absl::Status DeadlineExceeded(std::string_view message);

// The contract's code for a status ("NOT_FOUND", "INSUFFICIENT_CREDITS", ...).
std::string ContractCode(const absl::Status& status);

// A code's name on the wire: its ErrorCode name without the prefix.
std::string Name(v1::ErrorCode code);

// What is wrong with errors.proto's options (an unknown gRPC code name, a
// bare code claimed twice); OK when they are sound. A test asserts it.
absl::Status CheckCodeTable();

// The field violations attached to a validation error (empty otherwise).
std::vector<FieldViolation> Violations(const absl::Status& status);

// Wire form: code, message (generic for INTERNAL) and, in grpc-status-details-bin,
// a google.rpc.Status carrying one plinth.v1.ErrorDetail{code = contract code,
// field_violations} (protos/plinth/v1/errors.proto; Debian's googleapis
// predates google.rpc.ErrorInfo).
grpc::Status ToGrpcStatus(const absl::Status& status);

// Inverse of ToGrpcStatus, for a service that calls another one. A status
// gRPC raised itself (no Plinth detail: connection refused, message too
// large) becomes a generic UNAVAILABLE, DEADLINE_EXCEEDED or INTERNAL, so
// its text never reaches a client.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace plinth::errors

#endif  // PLINTH_LIBS_ERRORS_ERRORS_H_
