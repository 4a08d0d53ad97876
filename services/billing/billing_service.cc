#include "services/billing/billing_service.h"

#include <chrono>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "libs/errors/errors.h"
#include "libs/grpc_server/access.h"
#include "libs/grpc_server/call.h"
#include "libs/logging/logging.h"
#include "libs/redis/keys.h"
#include "libs/validation/text.h"
#include "services/billing/signature.h"

namespace plinth::billing {
namespace {

constexpr std::chrono::milliseconds kMaxCallTime{15000};

const std::set<std::string> kSubscriptionStatuses = {
    "trialing", "active", "canceled", "incomplete", "incomplete_expired", "past_due", "unpaid", "paused"};

using json = nlohmann::json;

// A string at a path of nested objects, or "".
std::string At(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return "";
    auto it = cur->find(key);
    if (it == cur->end()) return "";
    cur = &*it;
  }
  return cur->is_string() ? cur->get<std::string>() : "";
}

int64_t NumberAt(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object() || !cur->contains(key)) return 0;
    cur = &(*cur)[key];
  }
  return cur->is_number_integer() ? cur->get<int64_t>() : 0;
}

const json& FirstItem(const json& obj, const char* list) {
  static const json kNull;
  if (obj.is_object() && obj.contains(list) && obj[list].is_object() && obj[list].contains("data") &&
      obj[list]["data"].is_array() && !obj[list]["data"].empty()) {
    return obj[list]["data"][0];
  }
  return kNull;
}

std::string UserIdIn(const json& obj) {
  for (const std::string& candidate :
       {At(obj, {"client_reference_id"}), At(obj, {"metadata", "user_id"}),
        At(obj, {"subscription_details", "metadata", "user_id"}),
        At(obj, {"parent", "subscription_details", "metadata", "user_id"})}) {
    if (auth::IsUuid(candidate)) return candidate;
  }
  return "";
}

std::optional<std::string> CheckReturnUrl(const std::string& url) {
  if (url.size() > 2048) return "must be at most 2048 characters";
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return "must be an http(s) URL";
  std::string rest = url.substr(url.find("://") + 3);
  if (rest.empty() || rest[0] == '/' || validation::HasControlCharacters(url, false) ||
      url.find(' ') != std::string::npos) {
    return "must be an http(s) URL with a host";
  }
  return std::nullopt;
}

db::Deadline DeadlineOf(const grpc::ServerContext& c) { return grpc_server::Deadline(c, kMaxCallTime); }

}  // namespace

absl::StatusOr<BillingEvent> ParseEvent(const std::string& payload, const Plans& plans) {
  auto doc = json::parse(payload, nullptr, false);
  if (!doc.is_object()) return errors::InvalidField("body", "not a JSON object");
  BillingEvent e;
  e.id = At(doc, {"id"});
  e.type = At(doc, {"type"});
  e.created = NumberAt(doc, {"created"});
  if (e.id.rfind("evt_", 0) != 0 || e.id.size() > 255) return errors::InvalidField("id", "not a Stripe event id");
  if (e.type.empty()) return errors::InvalidField("type", "missing");
  if (e.created <= 0) return errors::InvalidField("created", "missing");
  if (!doc.contains("data") || !doc["data"].is_object() || !doc["data"].contains("object") ||
      !doc["data"]["object"].is_object()) {
    return errors::InvalidField("data.object", "missing");
  }
  const json& obj = doc["data"]["object"];
  e.user_id = UserIdIn(obj);
  e.customer = At(obj, {"customer"});
  if (e.type == "checkout.session.completed") {
    e.subscription = At(obj, {"subscription"});
  } else if (e.type.rfind("customer.subscription.", 0) == 0) {
    e.subscription = At(obj, {"id"});
    e.status = e.type == "customer.subscription.deleted" ? "canceled" : At(obj, {"status"});
    if (kSubscriptionStatuses.count(e.status) == 0) return errors::InvalidField("data.object.status", "unknown subscription status");
    const json& item = FirstItem(obj, "items");
    const Plan* plan = plans.ByPrice(At(item, {"price", "id"}));
    bool ended = e.status == "canceled" || e.status == "incomplete_expired";
    e.tier = (plan != nullptr && !ended) ? plan->tier : "free";
    e.period_end = NumberAt(obj, {"current_period_end"});
    if (e.period_end == 0) e.period_end = NumberAt(item, {"current_period_end"});
  } else if (e.type == "invoice.paid" || e.type == "invoice.payment_failed") {
    e.invoice = At(obj, {"id"});
    const json& line = FirstItem(obj, "lines");
    std::string price = At(line, {"price", "id"});
    if (price.empty()) price = At(line, {"pricing", "price_details", "price"});
    if (const Plan* plan = plans.ByPrice(price)) e.credits = plan->monthly_credits;
    if (e.type == "invoice.paid" && e.invoice.empty()) return errors::InvalidField("data.object.id", "missing");
  }
  return e;
}

BillingServiceImpl::BillingServiceImpl(BillingStore* store,
                                       BillingConfig config, std::shared_ptr<redis::RedisClient> redis,
                                       std::shared_ptr<v1::ProfileService::StubInterface> profiles)
    : store_(store), config_(std::move(config)), redis_(std::move(redis)),
      profiles_(std::move(profiles)) {}

grpc::Status BillingServiceImpl::ListPlans(grpc::ServerContext*, const v1::ListPlansRequest*,
                                           v1::ListPlansResponse* response) {
  for (const auto& p : config_.plans.all()) {
    auto* out = response->add_data();
    out->set_tier(p.tier);
    out->set_name(p.name);
    out->set_monthly_credits(p.monthly_credits);
    if (!p.price_id.empty()) out->mutable_price_id()->set_value(p.price_id);
  }
  return grpc::Status::OK;
}

absl::StatusOr<std::string> BillingServiceImpl::EnsureCustomer(grpc::ServerContext* context,
                                                               const auth::Claims& claims) {
  auto customer = store_->CustomerOf(claims.sub, DeadlineOf(*context));
  if (!customer.ok() && errors::ContractCode(customer.status()) == "NOT_FOUND") {
    v1::ProfileResponse profile;  // first sight: the profile service creates it
    auto call = grpc_server::ForwardedContext(*context);
    grpc::Status created = profiles_->GetMyProfile(call.get(), v1::GetMyProfileRequest(), &profile);
    if (!created.ok()) return errors::FromGrpcStatus(created);
    customer = store_->CustomerOf(claims.sub, DeadlineOf(*context));
  }
  if (!customer.ok()) return customer.status();
  if (customer->has_value()) return **customer;
  Form form = {{"metadata[user_id]", claims.sub}};
  if (!claims.email.empty()) form.push_back({"email", claims.email});
  // One customer per user even if two checkouts race: Stripe replays the
  // first response for the same idempotency key.
  auto created = config_.stripe->Post("/v1/customers", form, "plinth-customer-" + claims.sub);
  if (!created.ok()) return created.status();
  std::string id = At(*created, {"id"});
  if (id.empty()) return errors::Unavailable("payment provider sent no customer id");
  if (auto s = store_->SetCustomer(claims.sub, id, DeadlineOf(*context)); !s.ok()) return s;
  redis::InvalidateProfile(redis_.get(), claims.sub);
  return id;
}

grpc::Status BillingServiceImpl::CreateCheckoutSession(grpc::ServerContext* context,
                                                       const v1::CreateCheckoutSessionRequest* request,
                                                       v1::CheckoutSessionResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  std::vector<errors::FieldViolation> v;
  const Plan* plan = config_.plans.ByTier(request->tier());
  if (plan == nullptr || plan->price_id.empty()) v.push_back({"tier", "must be one of the paid plans' tiers"});
  if (auto issue = CheckReturnUrl(request->success_url())) v.push_back({"success_url", *issue});
  if (auto issue = CheckReturnUrl(request->cancel_url())) v.push_back({"cancel_url", *issue});
  if (!v.empty()) return grpc_server::Reply(errors::Validation(std::move(v)));
  if (!config_.stripe) {
    return grpc_server::Reply(errors::Unavailable("billing is not configured (STRIPE_SECRET_KEY is not set)"));
  }
  auto customer = EnsureCustomer(context, *claims);
  if (!customer.ok()) return grpc_server::Reply(customer.status());
  Form form = {{"mode", "subscription"},
               {"customer", *customer},
               {"line_items[0][price]", plan->price_id},
               {"line_items[0][quantity]", "1"},
               {"success_url", request->success_url()},
               {"cancel_url", request->cancel_url()},
               {"client_reference_id", claims->sub},
               {"metadata[user_id]", claims->sub},
               {"subscription_data[metadata][user_id]", claims->sub}};
  auto session = config_.stripe->Post("/v1/checkout/sessions", form, "plinth-checkout-" + auth::NewUuid());
  if (!session.ok()) return grpc_server::Reply(session.status());
  std::string url = At(*session, {"url"}), id = At(*session, {"id"});
  if (url.empty() || id.empty()) return grpc_server::Reply(errors::Unavailable("payment provider sent no session"));
  response->mutable_data()->set_checkout_url(url);
  response->mutable_data()->set_session_id(id);
  return grpc::Status::OK;
}

grpc::Status BillingServiceImpl::CreatePortalSession(grpc::ServerContext* context,
                                                     const v1::CreatePortalSessionRequest* request,
                                                     v1::PortalSessionResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  if (auto issue = CheckReturnUrl(request->return_url())) {
    return grpc_server::Reply(errors::InvalidField("return_url", *issue));
  }
  if (!config_.stripe) {
    return grpc_server::Reply(errors::Unavailable("billing is not configured (STRIPE_SECRET_KEY is not set)"));
  }
  auto customer = store_->CustomerOf(claims->sub, DeadlineOf(*context));
  if (!customer.ok() && errors::ContractCode(customer.status()) != "NOT_FOUND") {
    return grpc_server::Reply(customer.status());
  }
  if (!customer.ok() || !customer->has_value()) {
    return grpc_server::Reply(errors::Conflict("no billing account yet: subscribe through checkout first"));
  }
  auto session = config_.stripe->Post("/v1/billing_portal/sessions",
                                      {{"customer", **customer}, {"return_url", request->return_url()}},
                                      "plinth-portal-" + auth::NewUuid());
  if (!session.ok()) return grpc_server::Reply(session.status());
  std::string url = At(*session, {"url"});
  if (url.empty()) return grpc_server::Reply(errors::Unavailable("payment provider sent no portal URL"));
  response->mutable_data()->set_portal_url(url);
  return grpc::Status::OK;
}

grpc::Status BillingServiceImpl::HandleStripeWebhook(grpc::ServerContext* context,
                                                     const v1::StripeWebhookRequest* request,
                                                     v1::StripeWebhookResponse* response) {
  if (config_.webhook_secret.empty()) {
    return grpc_server::Reply(errors::Unavailable("webhooks are not configured (STRIPE_WEBHOOK_SECRET is not set)"));
  }
  if (auto s = VerifyStripeSignature(request->payload(), request->signature(), config_.webhook_secret,
                                     static_cast<int64_t>(std::time(nullptr)), config_.webhook_tolerance_seconds);
      !s.ok()) {
    return grpc_server::Reply(s);
  }
  auto event = ParseEvent(request->payload(), config_.plans);
  if (!event.ok()) return grpc_server::Reply(event.status());
  auto applied = store_->Apply(*event, DeadlineOf(*context));
  if (!applied.ok()) return grpc_server::Reply(applied.status());
  redis::InvalidateProfile(redis_.get(), applied->user_id);
  logging::Info("stripe event", {{"event", event->id}, {"type", event->type},
                                 {"duplicate", applied->duplicate ? "true" : "false"},
                                 {"user", applied->user_id}});
  response->mutable_data()->set_received(true);
  response->mutable_data()->set_duplicate(applied->duplicate);
  return grpc::Status::OK;
}

grpc::Status BillingServiceImpl::ConsumeCredit(grpc::ServerContext* context, const v1::CreditRequest* request,
                                               v1::CreditResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  if (auto issue = validation::CheckLine(request->idempotency_key(), 1, 255)) {
    return grpc_server::Reply(errors::InvalidField("idempotency_key", *issue));
  }
  auto left = store_->Consume(claims->sub, request->idempotency_key(), DeadlineOf(*context));
  if (!left.ok()) return grpc_server::Reply(left.status());
  redis::InvalidateProfile(redis_.get(), claims->sub);
  response->set_credits_remaining(*left);
  return grpc::Status::OK;
}

grpc::Status BillingServiceImpl::RefundCredit(grpc::ServerContext* context, const v1::CreditRequest* request,
                                              v1::CreditResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  // Only analyses take credits (CreateAnalysis, key analysis:<id>), and only
  // one that failed gives it back.
  const std::string& key = request->idempotency_key();
  constexpr std::string_view kPrefix = "analysis:";
  if (key.rfind(kPrefix, 0) != 0 || !auth::IsUuid(key.substr(kPrefix.size()))) {
    return grpc_server::Reply(errors::InvalidField("idempotency_key", "must be analysis:<analysis id>"));
  }
  auto left = store_->RefundFailedAnalysis(claims->sub, key.substr(kPrefix.size()), DeadlineOf(*context));
  if (!left.ok()) return grpc_server::Reply(left.status());
  redis::InvalidateProfile(redis_.get(), claims->sub);
  response->set_credits_remaining(*left);
  return grpc::Status::OK;
}

}  // namespace plinth::billing
