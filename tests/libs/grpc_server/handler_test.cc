// The access adapter and the handler shell on a real in-process gRPC server:
// who is admitted to which method (the protos' access rules), that a refused
// or invalid call never reaches its handler, the caller and the deadline cap
// a handler gets, the success HTTP status sent to the gateway.
#include "libs/grpc_server/handler.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "libs/errors/errors.h"
#include "libs/grpc_server/access.h"
#include "plinth/v1/billing.grpc.pb.h"
#include "plinth/v1/resource.grpc.pb.h"
#include "tests/support/grpc.h"

namespace plinth::grpc_server {
namespace {

using testing::InProcessServer;
using testing::kTestServiceToken;
using testing::UserToken;

constexpr char kUser[] = "11111111-2222-4333-8444-555555555555";
constexpr char kResource[] = "7f1e9d2c-3b4a-4c5d-8e6f-a1b2c3d4e5f6";

// What the handlers saw.
struct Seen {
  std::atomic<int> calls{0};
  std::string caller;
  std::chrono::milliseconds budget{0};
};

std::chrono::milliseconds Budget(const Call& call) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(call.deadline - std::chrono::system_clock::now());
}

class Resources final : public v1::ResourceService::Service {
 public:
  explicit Resources(Seen* seen) : seen_(seen) {}
  grpc::Status GetResource(grpc::ServerContext* context, const v1::GetResourceRequest* request,
                           v1::ResourceResponse* response) override {
    return Handle(context, request, response, [this](const Call& call, const v1::GetResourceRequest& r) {
      Record(call);
      v1::ResourceResponse out;
      out.mutable_data()->set_id(r.id());
      return absl::StatusOr<v1::ResourceResponse>(out);
    });
  }
  grpc::Status CreateResource(grpc::ServerContext* context, const v1::CreateResourceRequest* request,
                              v1::ResourceResponse* response) override {
    return Handle(context, request, response,
                  [this](const Call& call, const v1::CreateResourceRequest&, v1::ResourceResponse*) {
                    Record(call);
                    return absl::OkStatus();
                  });
  }
  grpc::Status SetResourceStatus(grpc::ServerContext* context, const v1::SetResourceStatusRequest* request,
                                 v1::ResourceResponse* response) override {
    return Handle(context, request, response,
                  [this](const Call& call, const v1::SetResourceStatusRequest&, v1::ResourceResponse*) {
                    Record(call);
                    return absl::OkStatus();
                  });
  }

 private:
  void Record(const Call& call) {
    seen_->calls++;
    seen_->caller = call.caller.sub;
    seen_->budget = Budget(call);
  }
  Seen* seen_;
};

class Billing final : public v1::BillingService::Service {
 public:
  explicit Billing(Seen* seen) : seen_(seen) {}
  grpc::Status ListPlans(grpc::ServerContext* context, const v1::ListPlansRequest* request,
                         v1::ListPlansResponse* response) override {
    return Handle(context, request, response, [this](const Call& call, const v1::ListPlansRequest&, auto*) {
      seen_->calls++;
      seen_->caller = call.caller.sub;
      seen_->budget = Budget(call);
      return absl::OkStatus();
    });
  }

 private:
  Seen* seen_;
};

class HandlerTest : public ::testing::Test {
 protected:
  grpc::Status Get(grpc::ClientContext* context, const std::string& id = kResource) {
    v1::GetResourceRequest request;
    request.set_id(id);
    v1::ResourceResponse response;
    return resource_stub_->GetResource(context, request, &response);
  }
  static auto AsUser(const std::string& token) { return InProcessServer::AsUser(token); }
  static auto AsService(const std::string& token, const std::string& user) {
    return InProcessServer::AsService(token, user);
  }

  Seen seen_;
  Resources resources_{&seen_};
  Billing billing_{&seen_};
  InProcessServer server_{{&resources_, &billing_}, {"plinth.v1.ResourceService", "plinth.v1.BillingService"}};
  std::unique_ptr<v1::ResourceService::Stub> resource_stub_ = v1::ResourceService::NewStub(server_.channel());
  std::unique_ptr<v1::BillingService::Stub> billing_stub_ = v1::BillingService::NewStub(server_.channel());
};
TEST_F(HandlerTest, AUsersVerifiedTokenReachesTheHandlerAsThatUser) {
  auto status = Get(AsUser(UserToken(kUser)).get());
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(seen_.calls, 1);
  EXPECT_EQ(seen_.caller, kUser);
}

TEST_F(HandlerTest, RefusedCallsNeverReachTheHandler) {
  grpc::ClientContext anonymous;
  EXPECT_EQ(Get(&anonymous).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Get(AsUser(UserToken(kUser, "a-forged-secret-that-is-32-bytes-long!!")).get()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Get(AsUser("not.a.token").get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A user method called with the internal credential: user methods take tokens.
  EXPECT_EQ(Get(AsService(kTestServiceToken, kUser).get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(HandlerTest, InternalMethodsTakeOnlyTheServiceCredential) {
  v1::SetResourceStatusRequest request;
  request.set_id(kResource);
  request.set_status("processing");
  v1::ResourceResponse response;
  EXPECT_EQ(resource_stub_->SetResourceStatus(AsUser(UserToken(kUser)).get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(resource_stub_->SetResourceStatus(AsService("wrong-token", kUser).get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(resource_stub_->SetResourceStatus(AsService(kTestServiceToken, "not-a-uuid").get(), request, &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(seen_.calls, 0);
  auto ok = resource_stub_->SetResourceStatus(AsService(kTestServiceToken, kUser).get(), request, &response);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(seen_.calls, 1);
  EXPECT_EQ(seen_.caller, kUser);
}

TEST_F(HandlerTest, AnInvalidRequestNeverReachesTheHandler) {
  auto status = Get(AsUser(UserToken(kUser)).get(), "'; drop table resources; --");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("UUID"), std::string::npos) << status.error_message();
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(HandlerTest, PublicMethodsRunWithoutACaller) {
  grpc::ClientContext anonymous;
  v1::ListPlansResponse response;
  ASSERT_TRUE(billing_stub_->ListPlans(&anonymous, v1::ListPlansRequest(), &response).ok());
  EXPECT_EQ(seen_.calls, 1);
  EXPECT_EQ(seen_.caller, "");
}

// The caller gave 60 s: the handler gets its service's max_call_ms.
TEST_F(HandlerTest, TheDeadlineIsCappedByTheServicesEndpoint) {
  ASSERT_TRUE(Get(AsUser(UserToken(kUser)).get()).ok());
  EXPECT_LE(seen_.budget, std::chrono::milliseconds(5000));
  EXPECT_GT(seen_.budget, std::chrono::milliseconds(4000));
  auto context = AsUser(UserToken(kUser));
  v1::ListPlansResponse response;
  ASSERT_TRUE(billing_stub_->ListPlans(context.get(), v1::ListPlansRequest(), &response).ok());
  EXPECT_LE(seen_.budget, std::chrono::milliseconds(15000));  // billing.proto: it waits for Stripe
  EXPECT_GT(seen_.budget, std::chrono::milliseconds(14000));
}

TEST_F(HandlerTest, ASuccessCarriesTheDeclaredHttpStatus) {
  v1::CreateResourceRequest request;
  request.set_title("t");
  v1::ResourceResponse response;
  auto context = AsUser(UserToken(kUser));
  ASSERT_TRUE(resource_stub_->CreateResource(context.get(), request, &response).ok());
  auto code = context->GetServerInitialMetadata().find("x-http-code");
  ASSERT_NE(code, context->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(code->second.data(), code->second.size()), "201");
}

TEST_F(HandlerTest, ACallNotAdmittedByTheAdapterHasNoAdmission) {
  grpc::ServerContext context;  // never went through the interceptor
  EXPECT_FALSE(AdmissionOf(context).ok());
}

}  // namespace
}  // namespace plinth::grpc_server
