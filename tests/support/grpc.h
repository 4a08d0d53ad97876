#ifndef PLINTH_TESTS_SUPPORT_GRPC_H_
#define PLINTH_TESTS_SUPPORT_GRPC_H_

// A gRPC server on loopback with the services' own access adapter
// (grpc_server::NewCallInterceptorFactory), for tests that call handlers the
// way clients do, and the credentials to call it with.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "libs/grpc_server/access.h"

namespace plinth::testing {

inline constexpr char kTestJwtSecret[] = "in-process-test-secret-of-at-least-32-bytes";
inline constexpr char kTestServiceToken[] = "in-process-test-service-token-of-32-bytes!";

// An HS256 user token for `sub`, valid for ten minutes.
inline std::string UserToken(const std::string& sub, const std::string& secret = kTestJwtSecret) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return auth::SignHs256(R"({"sub":")" + sub + R"(","role":"authenticated","aud":"authenticated","exp":)" +
                             std::to_string(now + 600) + "}",
                         secret);
}

class InProcessServer {
 public:
  // `services`' full names are those the adapter rules ("plinth.v1.X").
  InProcessServer(const std::vector<grpc::Service*>& services, const std::vector<std::string>& names) {
    auth::VerifierOptions options;
    options.hs256_secret = kTestJwtSecret;
    verifier_ = std::make_unique<auth::JwtVerifier>(options);
    auto factory = grpc_server::NewCallInterceptorFactory({verifier_.get(), kTestServiceToken}, names);
    EXPECT_TRUE(factory.ok()) << factory.status();
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(*std::move(factory));
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    for (auto* s : services) builder.RegisterService(s);
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server_ = builder.BuildAndStart();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  }
  ~InProcessServer() { server_->Shutdown(); }

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // Contexts with a 60 s deadline: anonymous, as a user, as a service.
  static std::unique_ptr<grpc::ClientContext> Anonymous() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return context;
  }
  static std::unique_ptr<grpc::ClientContext> AsUser(const std::string& token) {
    auto context = Anonymous();
    context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }
  static std::unique_ptr<grpc::ClientContext> AsService(const std::string& token, const std::string& user) {
    auto context = Anonymous();
    context->AddMetadata(grpc_server::kServiceTokenMetadata, token);
    context->AddMetadata(grpc_server::kUserIdMetadata, user);
    return context;
  }

 private:
  std::unique_ptr<auth::JwtVerifier> verifier_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace plinth::testing

#endif  // PLINTH_TESTS_SUPPORT_GRPC_H_
