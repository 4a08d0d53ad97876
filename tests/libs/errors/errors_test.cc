#include "libs/errors/errors.h"

#include <gtest/gtest.h>

namespace plinth::errors {
namespace {

TEST(Errors, ContractCodesSurviveTheWire) {
  struct Case {
    absl::Status status;
    std::string code;
    grpc::StatusCode grpc_code;
  };
  std::vector<Case> cases = {
      {InvalidField("title", "must not be empty"), "VALIDATION_ERROR", grpc::INVALID_ARGUMENT},
      {Unauthenticated("x"), "UNAUTHENTICATED", grpc::UNAUTHENTICATED},
      {InsufficientCredits("x"), "INSUFFICIENT_CREDITS", grpc::FAILED_PRECONDITION},
      {Forbidden("x"), "FORBIDDEN", grpc::PERMISSION_DENIED},
      {NotFound("x"), "NOT_FOUND", grpc::NOT_FOUND},
      {Conflict("x"), "CONFLICT", grpc::ABORTED},
      {RateLimited("x"), "RATE_LIMITED", grpc::RESOURCE_EXHAUSTED},
      {Unavailable("x"), "UNAVAILABLE", grpc::UNAVAILABLE},
      {DeadlineExceeded("x"), "DEADLINE_EXCEEDED", grpc::DEADLINE_EXCEEDED},
      {absl::UnimplementedError("x"), "NOT_IMPLEMENTED", grpc::UNIMPLEMENTED},
  };
  for (const auto& c : cases) {
    grpc::Status wire = ToGrpcStatus(c.status);
    EXPECT_EQ(wire.error_code(), c.grpc_code) << c.code;
    absl::Status back = FromGrpcStatus(wire);
    EXPECT_EQ(ContractCode(back), c.code);
  }
}

TEST(Errors, TheProtoTableIsSound) {
  EXPECT_TRUE(CheckCodeTable().ok()) << CheckCodeTable();
  EXPECT_EQ(Name(v1::ERROR_CODE_PAYLOAD_TOO_LARGE), "PAYLOAD_TOO_LARGE");
  // A bare RESOURCE_EXHAUSTED is no rate limit (errors.proto): the same rule
  // in a service as in the gateway.
  EXPECT_EQ(ContractCode(absl::ResourceExhaustedError("x")), "INTERNAL");
  EXPECT_EQ(ContractCode(absl::FailedPreconditionError("x")), "CONFLICT");
  EXPECT_EQ(ContractCode(absl::CancelledError("x")), "DEADLINE_EXCEEDED");
}

TEST(Errors, ValidationCarriesEveryFieldViolation) {
  absl::Status s = Validation({{"title", "must not be empty"}, {"limit", "must be 1..100"}});
  auto back = Violations(FromGrpcStatus(ToGrpcStatus(s)));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].field, "title");
  EXPECT_EQ(back[1].issue, "must be 1..100");
}

TEST(Errors, TransportErrorsBetweenServicesNeverReachTheClientAsText) {
  // What gRPC itself raises when a callee is down or answers too much.
  grpc::Status down(grpc::UNAVAILABLE, "failed to connect to all addresses; last error: 10.0.0.7:50051");
  grpc::Status huge(grpc::RESOURCE_EXHAUSTED, "Received message larger than max (10003204 vs. 8388608)");
  grpc::Status slow(grpc::DEADLINE_EXCEEDED, "Deadline Exceeded");
  EXPECT_EQ(ContractCode(FromGrpcStatus(down)), "UNAVAILABLE");
  EXPECT_EQ(ToGrpcStatus(FromGrpcStatus(down)).error_message(), "a backend service is unavailable");
  // Not RATE_LIMITED: the client did nothing wrong.
  EXPECT_EQ(ContractCode(FromGrpcStatus(huge)), "INTERNAL");
  EXPECT_EQ(ToGrpcStatus(FromGrpcStatus(huge)).error_message(), "internal error");
  EXPECT_EQ(ContractCode(FromGrpcStatus(slow)), "DEADLINE_EXCEEDED");
}

TEST(Errors, InternalNeverExposesItsCause) {
  grpc::Status wire = ToGrpcStatus(Internal("ERROR: relation \"profiles\" does not exist"));
  EXPECT_EQ(wire.error_code(), grpc::INTERNAL);
  EXPECT_EQ(wire.error_message(), "internal error");
  EXPECT_EQ(wire.error_details().find("relation"), std::string::npos);
  // An untagged library error is INTERNAL too.
  EXPECT_EQ(ToGrpcStatus(absl::UnknownError("segfault at 0x0")).error_message(), "internal error");
}

}  // namespace
}  // namespace plinth::errors
