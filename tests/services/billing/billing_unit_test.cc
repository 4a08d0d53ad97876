#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "libs/errors/errors.h"
#include "services/billing/billing_service.h"
#include "services/billing/plans.h"
#include "services/billing/signature.h"
#include "services/billing/stripe_client.h"
#include "services/billing/stripe_event.h"
#include "tests/support/grpc.h"

namespace plinth::billing {
namespace {

TEST(Signature, AcceptsValidAndSeveralV1) {
  std::string body = R"({"id":"evt_1"})";
  int64_t now = 1800000000;
  std::string header = StripeSignatureHeader(body, "whsec_a", now);
  EXPECT_TRUE(VerifyStripeSignature(body, header, "whsec_a", now).ok());
  std::string rolled = "t=" + std::to_string(now) + ",v1=deadbeef," + header.substr(header.find("v1="));
  EXPECT_TRUE(VerifyStripeSignature(body, rolled, "whsec_a", now).ok());
  EXPECT_FALSE(VerifyStripeSignature(body, header, "whsec_b", now).ok());
  EXPECT_FALSE(VerifyStripeSignature(body, header, "whsec_a", now + 301).ok());
  EXPECT_FALSE(VerifyStripeSignature(body, header, "whsec_a", now - 301).ok());
  EXPECT_FALSE(VerifyStripeSignature(body + " ", header, "whsec_a", now).ok());
  EXPECT_FALSE(VerifyStripeSignature(body, "", "whsec_a", now).ok());
  EXPECT_FALSE(VerifyStripeSignature(body, "t=abc,v1=00", "whsec_a", now).ok());
}

TEST(Plans, ParseAndReject) {
  auto plans = Plans::Parse("pro:Pro:price_1:100;team:Team:price_2:500", 10);
  ASSERT_TRUE(plans.ok());
  EXPECT_EQ(plans->all().size(), 3u);
  EXPECT_EQ(plans->ByPrice("price_2")->tier, "team");
  EXPECT_EQ(plans->ByTier("free")->monthly_credits, 10);
  for (const char* bad :
       {"pro:Pro:100", "pro:Pro:notaprice:1", "pro:Pro:price_1:-1", "pro:Pro:price_1:1;pro:P:price_2:2"}) {
    auto r = Plans::Parse(bad, 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("PLINTH_PLANS"), std::string::npos);
  }
}

std::string Fixture(const std::string& name) {
  std::ifstream in("tests/services/billing/fixtures/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// One fixture per shape Stripe sends: the account's (or endpoint's) API
// version decides it (docs/STRIPE-SETUP.md). Basil moved the period end to
// the subscription items and the invoice's subscription and price under
// `parent` and `pricing`.
TEST(ParseEvent, ReadsSubscriptionsOfEveryApiVersion) {
  auto plans = *Plans::Parse("pro:Pro:price_pro:100;team:Team:price_team:500", 10);
  for (const char* file : {"subscription_updated.2024-06-20.json", "subscription_updated.basil.json"}) {
    auto e = ParseEvent(Fixture(file), plans);
    ASSERT_TRUE(e.ok()) << file << ": " << e.status();
    EXPECT_EQ(e->subscription, "sub_1") << file;
    EXPECT_EQ(e->status, "active") << file;
    EXPECT_EQ(e->tier, "team") << file;
    EXPECT_EQ(e->period_end, 1802592000) << file;
    EXPECT_EQ(e->user_id, "5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f") << file;
  }
}

TEST(ParseEvent, ReadsInvoicesOfEveryApiVersion) {
  auto plans = *Plans::Parse("pro:Pro:price_pro:100;team:Team:price_team:500", 10);
  for (const char* file : {"invoice_paid.2024-06-20.json", "invoice_paid.basil.json"}) {
    auto e = ParseEvent(Fixture(file), plans);
    ASSERT_TRUE(e.ok()) << file << ": " << e.status();
    EXPECT_EQ(e->invoice, "in_1") << file;
    EXPECT_EQ(e->subscription, "sub_1") << file;
    EXPECT_EQ(e->credits, 500) << file;
    EXPECT_EQ(e->user_id, "5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f") << file;
  }
}

TEST(StripeClient, FormEncodingKeepsBracketsMeaningful) {
  EXPECT_EQ(StripeClient::Encode({{"line_items[0][price]", "price_1"}, {"success_url", "https://a.com/s?x=1&y=2"}}),
            "line_items%5B0%5D%5Bprice%5D=price_1&success_url=https%3A%2F%2Fa.com%2Fs%3Fx%3D1%26y%3D2");
}

TEST(ParseEvent, RejectsMalformedAndMapsSubscriptions) {
  auto plans = *Plans::Parse("pro:Pro:price_1:100", 10);
  EXPECT_FALSE(ParseEvent("not json", plans).ok());
  EXPECT_FALSE(ParseEvent(R"({"id":"x","type":"t","created":1,"data":{"object":{}}})", plans).ok());
  auto e = ParseEvent(R"({"id":"evt_1","type":"customer.subscription.deleted","created":5,
    "data":{"object":{"id":"sub_1","customer":"cus_1","status":"canceled",
      "metadata":{"user_id":"5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f"},
      "items":{"data":[{"price":{"id":"price_1"},"current_period_end":99}]}}}})",
                      plans);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->status, "canceled");
  EXPECT_EQ(e->tier, "free");
  EXPECT_EQ(e->period_end, 99);
  EXPECT_EQ(e->user_id, "5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f");
  // A user id that is not a UUID is ignored (the customer decides instead).
  auto sneaky = ParseEvent(R"({"id":"evt_2","type":"invoice.paid","created":5,
    "data":{"object":{"id":"in_1","customer":"cus_1","metadata":{"user_id":"' or 1=1"}}}})",
                           plans);
  ASSERT_TRUE(sneaky.ok());
  EXPECT_TRUE(sneaky->user_id.empty());
}

// Through the access adapter, as the gateway calls it.
TEST(BillingService, UnconfiguredWebhooksAreUnavailableAndCallsNotAdmittedNeverReachAHandler) {
  BillingConfig config{*Plans::Parse("pro:Pro:price_1:100", 10), std::nullopt, ""};
  BillingServiceImpl service(nullptr, std::move(config), nullptr);
  testing::InProcessServer server({&service}, {"plinth.v1.BillingService"});
  auto stub = v1::BillingService::NewStub(server.channel());
  v1::StripeWebhookRequest hook;
  hook.set_payload("{}");
  v1::StripeWebhookResponse receipt;
  auto unconfigured = stub->HandleStripeWebhook(testing::InProcessServer::Anonymous().get(), hook, &receipt);
  EXPECT_EQ(unconfigured.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(unconfigured.error_message().find("STRIPE_WEBHOOK_SECRET"), std::string::npos);
  // Called directly, not through the adapter: refused before the handler
  // (whose store is null here) runs.
  grpc::ServerContext context;
  v1::CreateCheckoutSessionRequest request;
  v1::CheckoutSessionResponse response;
  EXPECT_EQ(service.CreateCheckoutSession(&context, &request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreditRequest credit;
  credit.set_idempotency_key("analysis:7f1e9d2c-3b4a-4c5d-8e6f-a1b2c3d4e5f6");
  v1::CreditResponse left;
  EXPECT_EQ(service.ConsumeCredit(&context, &credit, &left).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace plinth::billing
