// SetResourceStatus over real gRPC: only the internal service credential is
// accepted, it acts for the user it names (row-level security still
// applies), and only the worker's statuses can be set.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "libs/grpc_server/call.h"
#include "libs/grpc_server/server.h"
#include "services/resource/resource_service.h"
#include "services/resource/resource_store.h"
#include "tests/support/net.h"
#include "tests/support/pg.h"

namespace plinth::resource {
namespace {

constexpr char kSecret[] = "jwt-secret-for-the-set-status-test-0123456789";
constexpr char kToken[] = "service-token-for-the-set-status-test-0123456789";

class SetResourceStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url_.empty());
    pool_ = testing::OpenPool(testing::AsRole(url_, "plinth_resource"), ResourceStore::Statements());
    admin_ = testing::OpenPool(url_, {}, 2);  // fixtures, as the superuser
    store_ = std::make_unique<ResourceStore>(pool_.get());
    auth::VerifierOptions v;
    v.hs256_secret = kSecret;
    verifier_ = std::make_unique<auth::JwtVerifier>(v);
    service_ = std::make_unique<ResourceServiceImpl>(store_.get(), nullptr);
    server_ = Start(kToken, &address_);
    unconfigured_server_ = Start("", &unconfigured_address_);
    owner_ = testing::CreateUserWithProfile(url_);
    stranger_ = testing::CreateUserWithProfile(url_);
    ASSERT_TRUE(admin_
                    ->ServiceTx(db::NoDeadline(),
                                [&](pqxx::transaction_base& tx) {
                                  resource_ = tx.exec_params(
                                                    "insert into resources (user_id, title, content) "
                                                    "values ($1, 'T', 'the content') returning id::text",
                                                    owner_)[0][0]
                                                  .as<std::string>();
                                  return absl::OkStatus();
                                })
                    .ok());
  }
  void TearDown() override {
    server_->Shutdown();
    unconfigured_server_->Shutdown();
  }

  // The access adapter as the service runs it, with or without a service token.
  std::unique_ptr<grpc::Server> Start(const std::string& token, std::string* address) {
    *address = "127.0.0.1:" + std::to_string(testing::FreePort());
    grpc_server::ServerOptions options;
    options.service_name = "plinth.v1.ResourceService";
    options.listen_address = *address;
    options.access = {verifier_.get(), token};
    int port = 0;
    auto server = grpc_server::Start(options, {service_.get()}, &port);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  grpc::Status Call(const std::string& address, grpc::ClientContext* context, const std::string& status,
                    v1::ResourceResponse* out) {
    auto stub = v1::ResourceService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    v1::SetResourceStatusRequest request;
    request.set_id(resource_);
    request.set_status(status);
    return stub->SetResourceStatus(context, request, out);
  }
  std::unique_ptr<grpc::ClientContext> Internal(const std::string& token, const std::string& user) {
    return grpc_server::InternalContext(token, user, std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  std::string url_, address_, unconfigured_address_, owner_, stranger_, resource_;
  std::unique_ptr<db::Pool> pool_, admin_;
  std::unique_ptr<ResourceStore> store_;
  std::unique_ptr<auth::JwtVerifier> verifier_;
  std::unique_ptr<ResourceServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_, unconfigured_server_;
};

TEST_F(SetResourceStatusTest, TheServiceCredentialActsForTheNamedOwner) {
  v1::ResourceResponse out;
  auto context = Internal(kToken, owner_);
  ASSERT_TRUE(Call(address_, context.get(), "processing", &out).ok());
  EXPECT_EQ(out.data().status(), "processing");
  EXPECT_EQ(out.data().content(), "the content");
}

TEST_F(SetResourceStatusTest, AUsersOwnTokenIsNotEnough) {
  const std::string jwt = auth::SignHs256(
      R"({"sub":")" + owner_ + R"(","aud":"authenticated","role":"authenticated","exp":4102444800})", kSecret);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + jwt);
  v1::ResourceResponse out;
  EXPECT_EQ(Call(address_, &context, "completed", &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SetResourceStatusTest, AWrongOrMissingServiceTokenIsRefused) {
  v1::ResourceResponse out;
  auto wrong = Internal(std::string(kToken) + "x", owner_);
  EXPECT_EQ(Call(address_, wrong.get(), "completed", &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto empty = Internal("", owner_);
  EXPECT_EQ(Call(address_, empty.get(), "completed", &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext bare;
  EXPECT_EQ(Call(address_, &bare, "completed", &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A service with no token configured refuses internal calls altogether.
  auto any = Internal(kToken, owner_);
  EXPECT_EQ(Call(unconfigured_address_, any.get(), "completed", &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SetResourceStatusTest, AnotherUsersResourceIsNotFound) {
  v1::ResourceResponse out;
  auto context = Internal(kToken, stranger_);
  EXPECT_EQ(Call(address_, context.get(), "failed", &out).error_code(), grpc::StatusCode::NOT_FOUND);
  auto not_uuid = Internal(kToken, "'; drop table resources; --");
  EXPECT_EQ(Call(address_, not_uuid.get(), "failed", &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(SetResourceStatusTest, OnlyTheWorkersStatusesCanBeSet) {
  v1::ResourceResponse out;
  for (const char* status : {"archived", "", "completed'; --"}) {
    auto context = Internal(kToken, owner_);
    EXPECT_EQ(Call(address_, context.get(), status, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status;
  }
}

}  // namespace
}  // namespace plinth::resource
