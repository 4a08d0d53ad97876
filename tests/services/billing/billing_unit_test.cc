#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "libs/auth/jwt.h"
#include "libs/errors/errors.h"
#include "services/billing/billing_service.h"
#include "services/billing/catalog.h"
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

// Stripe's price objects with their products expanded, as GET /v1/prices
// answers with expand[]=data.product.
nlohmann::json StripePrice(const std::string& id, const std::string& product, const std::string& tier, int credits,
                           int64_t amount, const std::string& interval, const std::string& kind = "") {
  nlohmann::json metadata = {{"plinth_credits", std::to_string(credits)}};
  if (!tier.empty()) metadata["plinth_tier"] = tier;
  if (!kind.empty()) metadata["plinth_kind"] = kind;
  nlohmann::json price = {{"id", id},
                          {"object", "price"},
                          {"active", true},
                          {"currency", "usd"},
                          {"unit_amount", amount},
                          {"type", interval.empty() ? "one_time" : "recurring"},
                          {"product",
                           {{"id", product},
                            {"object", "product"},
                            {"active", true},
                            {"name", tier.empty()    ? "Pack"
                                     : tier == "pro" ? "Pro"
                                                     : "Team"},
                            {"metadata", metadata},
                            {"marketing_features", nlohmann::json::array({{{"name", "Feature of " + product}}})}}}};
  if (!interval.empty()) price["recurring"] = {{"interval", interval}, {"interval_count", 1}};
  return price;
}

Catalog TestCatalog() {
  return Catalog::FromStripePrices({StripePrice("price_team", "prod_team", "team", 500, 4900, "month"),
                                    StripePrice("price_pro_year", "prod_pro", "pro", 100, 19000, "year"),
                                    StripePrice("price_pro", "prod_pro", "pro", 100, 1900, "month"),
                                    StripePrice("price_pack", "prod_pack", "", 50, 900, "", "credit_pack")},
                                   10);
}

TEST(Catalog, PlansAndPacksFromStripePrices) {
  Catalog c = TestCatalog();
  ASSERT_EQ(c.plans().size(), 3u);
  EXPECT_EQ(c.plans()[0].tier, "free");
  EXPECT_EQ(c.plans()[0].monthly_credits, 10);
  EXPECT_TRUE(c.plans()[0].prices.empty());
  // By monthly price; monthly first within a plan.
  EXPECT_EQ(c.plans()[1].tier, "pro");
  ASSERT_EQ(c.plans()[1].prices.size(), 2u);
  EXPECT_EQ(c.plans()[1].prices[0].interval, "month");
  EXPECT_EQ(c.plans()[1].prices[1].unit_amount, 19000);
  EXPECT_EQ(c.plans()[1].features, std::vector<std::string>{"Feature of prod_pro"});
  EXPECT_EQ(c.plans()[2].tier, "team");
  auto yearly = c.ByPrice("price_pro_year");
  ASSERT_TRUE(yearly.has_value());
  EXPECT_EQ(yearly->plan->CreditsPerInvoice(*yearly->price), 1200);
  ASSERT_EQ(c.packs().size(), 1u);
  EXPECT_EQ(c.PackByPrice("price_pack")->credits, 50);
  EXPECT_EQ(c.skipped(), 0);
}

TEST(Catalog, SkipsPricesItCannotUse) {
  auto weekly = StripePrice("price_w", "prod_w", "weekly", 1, 100, "week");
  auto no_credits = StripePrice("price_n", "prod_n", "none", 1, 100, "month");
  no_credits["product"]["metadata"].erase("plinth_credits");
  auto bad_tier = StripePrice("price_b", "prod_b", "Bad Tier!", 1, 100, "month");
  auto free_claim = StripePrice("price_f", "prod_f", "free", 1, 100, "month");
  auto every_2_months = StripePrice("price_2", "prod_2", "bi", 1, 100, "month");
  every_2_months["recurring"]["interval_count"] = 2;
  auto recurring_pack = StripePrice("price_rp", "prod_rp", "", 5, 100, "month", "credit_pack");
  auto second_monthly = StripePrice("price_pro2", "prod_pro", "pro", 100, 2900, "month");
  auto other_product_same_tier = StripePrice("price_pro3", "prod_pro3", "pro", 100, 2900, "month");
  Catalog c = Catalog::FromStripePrices(
      {StripePrice("price_pro", "prod_pro", "pro", 100, 1900, "month"), weekly, no_credits, bad_tier, free_claim,
       every_2_months, recurring_pack, second_monthly, other_product_same_tier, nlohmann::json("garbage")},
      10);
  EXPECT_EQ(c.plans().size(), 2u);
  EXPECT_EQ(c.packs().size(), 0u);
  EXPECT_EQ(c.skipped(), 9);
  EXPECT_EQ(c.ByPrice("price_pro")->plan->tier, "pro");
  EXPECT_FALSE(c.ByPrice("price_pro2").has_value());
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
  Catalog catalog = TestCatalog();
  for (const char* file : {"subscription_updated.2024-06-20.json", "subscription_updated.basil.json"}) {
    auto e = ParseEvent(Fixture(file), catalog);
    ASSERT_TRUE(e.ok()) << file << ": " << e.status();
    EXPECT_EQ(e->subscription, "sub_1") << file;
    ASSERT_TRUE(e->state.has_value()) << file;
    EXPECT_EQ(e->state->status, "active") << file;
    EXPECT_EQ(e->state->tier, "team") << file;
    EXPECT_EQ(e->state->period_end, 1802592000) << file;
    EXPECT_EQ(e->user_id, "5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f") << file;
  }
}

TEST(ParseEvent, ReadsInvoicesOfEveryApiVersion) {
  Catalog catalog = TestCatalog();
  for (const char* file : {"invoice_paid.2024-06-20.json", "invoice_paid.basil.json"}) {
    auto e = ParseEvent(Fixture(file), catalog);
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
  Catalog plans = TestCatalog();
  EXPECT_FALSE(ParseEvent("not json", plans).ok());
  EXPECT_FALSE(ParseEvent(R"({"id":"x","type":"t","created":1,"data":{"object":{}}})", plans).ok());
  auto e = ParseEvent(R"({"id":"evt_1","type":"customer.subscription.deleted","created":5,
    "data":{"object":{"id":"sub_1","customer":"cus_1","status":"active",
      "metadata":{"user_id":"5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f"},
      "items":{"data":[{"price":{"id":"price_pro"},"current_period_end":99}]}}}})",
                      plans);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->state->status, "canceled");
  EXPECT_EQ(e->state->tier, "free");
  EXPECT_EQ(e->state->period_end, 99);
  EXPECT_EQ(e->user_id, "5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f");
  // A user id that is not a UUID is ignored (the customer decides instead).
  auto sneaky = ParseEvent(R"({"id":"evt_2","type":"invoice.paid","created":5,
    "data":{"object":{"id":"in_1","customer":"cus_1","metadata":{"user_id":"' or 1=1"}}}})",
                           plans);
  ASSERT_TRUE(sneaky.ok());
  EXPECT_TRUE(sneaky->user_id.empty());
}

// Unpaid and paused subscriptions give no access; an upgrade's proration
// invoice grants nothing (the upgrade's own rule does); a yearly invoice
// grants twelve months.
TEST(ParseEvent, AccessAndInvoiceCredits) {
  Catalog plans = TestCatalog();
  for (const char* status : {"unpaid", "paused", "incomplete_expired"}) {
    auto s = ParseSubscription(
        {{"id", "sub_1"}, {"status", status}, {"items", {{"data", {{{"price", {{"id", "price_pro"}}}}}}}}}, plans);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->tier, "free") << status;
  }
  auto past_due = ParseSubscription(
      {{"id", "sub_1"}, {"status", "past_due"}, {"items", {{"data", {{{"price", {{"id", "price_pro"}}}}}}}}}, plans);
  EXPECT_EQ(past_due->tier, "pro");
  auto line = [](const char* price) { return nlohmann::json{{"data", {{{"price", {{"id", price}}}}}}}; };
  EXPECT_EQ(InvoiceCredits({{"lines", line("price_pro_year")}}, plans), 1200);
  EXPECT_EQ(InvoiceCredits({{"lines", line("price_pro")}, {"billing_reason", "subscription_cycle"}}, plans), 100);
  // A plan change's proration: the unused time on the old price (negative)
  // and the new price; an upgrade grants the difference, a downgrade none.
  auto proration = [](const char* from, const char* to) {
    return nlohmann::json{
        {"billing_reason", "subscription_update"},
        {"lines",
         {{"data", {{{"price", {{"id", from}}}, {"amount", -1200}}, {{"price", {{"id", to}}}, {"amount", 3100}}}}}}};
  };
  EXPECT_EQ(InvoiceCredits(proration("price_pro", "price_team"), plans), 400);
  EXPECT_EQ(InvoiceCredits(proration("price_team", "price_pro"), plans), 0);
  EXPECT_EQ(InvoiceCredits({{"lines", line("price_unknown")}}, plans), 0);
  // A paid credit pack's session carries its credits; one without is refused.
  auto pack = ParseEvent(R"({"id":"evt_3","type":"checkout.session.completed","created":5,
    "data":{"object":{"id":"cs_1","mode":"payment","payment_status":"paid","customer":"cus_1",
      "metadata":{"plinth_credits":"50"}}}})",
                         plans);
  ASSERT_TRUE(pack.ok()) << pack.status();
  EXPECT_EQ(pack->checkout_session, "cs_1");
  EXPECT_EQ(pack->pack_credits, 50);
  EXPECT_FALSE(ParseEvent(R"({"id":"evt_4","type":"checkout.session.completed","created":5,
    "data":{"object":{"id":"cs_1","mode":"payment","payment_status":"paid","metadata":{"plinth_credits":"-5"}}}})",
                          plans)
                   .ok());
  // Not paid yet (a delayed payment method): nothing granted now.
  auto unpaid = ParseEvent(R"({"id":"evt_5","type":"checkout.session.completed","created":5,
    "data":{"object":{"id":"cs_2","mode":"payment","payment_status":"unpaid","metadata":{"plinth_credits":"50"}}}})",
                           plans);
  ASSERT_TRUE(unpaid.ok());
  EXPECT_EQ(unpaid->pack_credits, 0);
}

// Through the access adapter, as the gateway calls it.
TEST(BillingService, UnconfiguredWebhooksAreUnavailableAndCallsNotAdmittedNeverReachAHandler) {
  BillingConfig config;
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
