#include "services/billing/billing_service.h"

#include <chrono>
#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "libs/errors/errors.h"
#include "libs/grpc_server/handler.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"
#include "libs/validation/rules.h"
#include "libs/validation/text.h"
#include "services/billing/signature.h"
#include "services/billing/stripe_event.h"

namespace plinth::billing {
namespace {

// Stripe sends the user back to these URLs after checkout or the portal:
// only to the frontend's own origins, or a phishing page could borrow
// Plinth's checkout. `url` is a FORMAT_URI the protos' rules accepted.
std::optional<std::string> CheckReturnUrl(const std::string& url, const std::set<std::string>& origins) {
  std::string origin = url.substr(0, url.find_first_of("/?#", url.find("://") + 3));
  std::transform(origin.begin(), origin.end(), origin.begin(), [](unsigned char c) { return std::tolower(c); });
  if (origins.count(origin) == 0) return "must be on one of the application's origins (PLINTH_CORS_ORIGINS)";
  return std::nullopt;
}

// A subscription in one of these states is the user's current one: a
// second checkout would bill them twice.
bool Subscribed(const std::string& status) {
  return status == "trialing" || status == "active" || status == "past_due" || status == "unpaid" || status == "paused";
}

// plinth_credits_total{kind}: consumed, refunded, granted.
void CountCredits(const char* kind, int n) {
  static auto& family = metrics::CounterFamily("plinth_credits_total", "Credits moved, by kind.");
  family.Add({{"kind", kind}}).Increment(n);
}

// plinth_stripe_webhooks_total{type,result}. Types Plinth handles are
// labelled as they are, any other as "other", so the set stays bounded.
void CountWebhook(const std::string& type, const char* result) {
  static auto& family =
      metrics::CounterFamily("plinth_stripe_webhooks_total", "Stripe webhook deliveries, by event type and result.");
  static const std::set<std::string> kHandled = {"checkout.session.completed",
                                                 "customer.subscription.created",
                                                 "customer.subscription.updated",
                                                 "customer.subscription.deleted",
                                                 "invoice.paid",
                                                 "invoice.payment_failed"};
  family.Add({{"type", kHandled.count(type) ? type : "other"}, {"result", result}}).Increment();
}

}  // namespace

BillingServiceImpl::BillingServiceImpl(BillingStore* store, BillingConfig config,
                                       std::shared_ptr<v1::ProfileService::StubInterface> profiles)
    : store_(store), config_(std::move(config)), profiles_(std::move(profiles)) {}

grpc::Status BillingServiceImpl::ListPlans(grpc::ServerContext* context, const v1::ListPlansRequest* request,
                                           v1::ListPlansResponse* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call&, const v1::ListPlansRequest&, v1::ListPlansResponse* out) {
                               for (const auto& p : config_.plans.all()) {
                                 auto* plan = out->add_data();
                                 plan->set_tier(p.tier);
                                 plan->set_name(p.name);
                                 plan->set_monthly_credits(p.monthly_credits);
                                 if (!p.price_id.empty()) plan->mutable_price_id()->set_value(p.price_id);
                               }
                               return absl::OkStatus();
                             });
}

absl::StatusOr<std::string> BillingServiceImpl::EnsureCustomer(const grpc_server::Call& call) {
  const auth::Claims& claims = call.caller;
  auto customer = store_->CustomerOf(claims.sub, call.deadline);
  if (!customer.ok() && absl::IsNotFound(customer.status())) {
    v1::ProfileResponse profile;  // first sight: the profile service creates it
    auto forwarded = grpc_server::ForwardedContext(*call.context);
    grpc::Status created = profiles_->GetMyProfile(forwarded.get(), v1::GetMyProfileRequest(), &profile);
    if (!created.ok()) return errors::FromGrpcStatus(created);
    customer = store_->CustomerOf(claims.sub, call.deadline);
  }
  if (!customer.ok()) return customer.status();
  if (customer->has_value()) return **customer;
  Form form = {{"metadata[user_id]", claims.sub}};
  if (!claims.email.empty()) form.push_back({"email", claims.email});
  // One customer per user even if two checkouts race: Stripe replays the
  // first response for the same idempotency key.
  auto created = config_.stripe->Post("/v1/customers", form, "plinth-customer-" + claims.sub);
  if (!created.ok()) return created.status();
  std::string id = StringAt(*created, {"id"});
  if (id.empty()) return errors::Unavailable("payment provider sent no customer id");
  if (auto s = store_->SetCustomer(claims.sub, id, call.deadline); !s.ok()) return s;
  return id;
}

absl::StatusOr<v1::CheckoutSessionResponse> BillingServiceImpl::Checkout(
    const grpc_server::Call& call, const v1::CreateCheckoutSessionRequest& request) {
  // The protos' rules were checked (present, lengths, URLs); here what
  // depends on the deployment: the configured plans and origins.
  std::vector<errors::FieldViolation> v;
  const Plan* plan = config_.plans.ByTier(request.tier());
  if (plan == nullptr || plan->price_id.empty()) v.push_back({"tier", "must be one of the paid plans' tiers"});
  if (auto issue = CheckReturnUrl(request.success_url(), config_.redirect_origins))
    v.push_back({"success_url", *issue});
  if (auto issue = CheckReturnUrl(request.cancel_url(), config_.redirect_origins)) v.push_back({"cancel_url", *issue});
  if (!v.empty()) return errors::Validation(v);
  if (!config_.stripe) return errors::Unavailable("billing is not configured (STRIPE_SECRET_KEY is not set)");
  auto subscription = store_->SubscriptionStatus(call.caller.sub, call.deadline);
  if (!subscription.ok() && !absl::IsNotFound(subscription.status())) return subscription.status();
  if (subscription.ok() && Subscribed(*subscription)) {
    return errors::Conflict("you already have a subscription: change or cancel it in the billing portal");
  }
  auto customer = EnsureCustomer(call);
  if (!customer.ok()) return customer.status();
  const std::string& user = call.caller.sub;
  Form form = {{"mode", "subscription"},
               {"customer", *customer},
               {"line_items[0][price]", plan->price_id},
               {"line_items[0][quantity]", "1"},
               {"success_url", request.success_url()},
               {"cancel_url", request.cancel_url()},
               {"client_reference_id", user},
               {"metadata[user_id]", user},
               {"subscription_data[metadata][user_id]", user}};
  auto session = config_.stripe->Post("/v1/checkout/sessions", form, "plinth-checkout-" + auth::NewUuid());
  if (!session.ok()) return session.status();
  std::string url = StringAt(*session, {"url"}), id = StringAt(*session, {"id"});
  if (url.empty() || id.empty()) return errors::Unavailable("payment provider sent no session");
  v1::CheckoutSessionResponse out;
  out.mutable_data()->set_checkout_url(url);
  out.mutable_data()->set_session_id(id);
  return out;
}

grpc::Status BillingServiceImpl::CreateCheckoutSession(grpc::ServerContext* context,
                                                       const v1::CreateCheckoutSessionRequest* request,
                                                       v1::CheckoutSessionResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::CreateCheckoutSessionRequest& r) { return Checkout(call, r); });
}

grpc::Status BillingServiceImpl::CreatePortalSession(grpc::ServerContext* context,
                                                     const v1::CreatePortalSessionRequest* request,
                                                     v1::PortalSessionResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call,
             const v1::CreatePortalSessionRequest& r) -> absl::StatusOr<v1::PortalSessionResponse> {
        if (auto issue = CheckReturnUrl(r.return_url(), config_.redirect_origins)) {
          return errors::InvalidField("return_url", *issue);
        }
        if (!config_.stripe) return errors::Unavailable("billing is not configured (STRIPE_SECRET_KEY is not set)");
        auto customer = store_->CustomerOf(call.caller.sub, call.deadline);
        if (!customer.ok() && !absl::IsNotFound(customer.status())) return customer.status();
        if (!customer.ok() || !customer->has_value()) {
          return errors::Conflict("no billing account yet: subscribe through checkout first");
        }
        auto session = config_.stripe->Post("/v1/billing_portal/sessions",
                                            {{"customer", **customer}, {"return_url", r.return_url()}},
                                            "plinth-portal-" + auth::NewUuid());
        if (!session.ok()) return session.status();
        std::string url = StringAt(*session, {"url"});
        if (url.empty()) return errors::Unavailable("payment provider sent no portal URL");
        v1::PortalSessionResponse out;
        out.mutable_data()->set_portal_url(url);
        return out;
      });
}

absl::StatusOr<v1::StripeWebhookResponse> BillingServiceImpl::Webhook(const grpc_server::Call& call,
                                                                      const v1::StripeWebhookRequest& request) {
  if (config_.webhook_secret.empty()) {
    return errors::Unavailable("webhooks are not configured (STRIPE_WEBHOOK_SECRET is not set)");
  }
  if (auto s = VerifyStripeSignature(request.payload(), request.signature(), config_.webhook_secret,
                                     static_cast<int64_t>(std::time(nullptr)), config_.webhook_tolerance_seconds);
      !s.ok()) {
    CountWebhook("", "bad_signature");
    return s;
  }
  auto event = ParseEvent(request.payload(), config_.plans);
  if (!event.ok()) {
    CountWebhook("", "invalid");
    return event.status();
  }
  auto applied = store_->Apply(*event, call.deadline);
  if (!applied.ok()) {
    CountWebhook(event->type, "error");
    return applied.status();
  }
  CountWebhook(event->type, applied->duplicate ? "duplicate" : applied->user_id.empty() ? "ignored" : "applied");
  if (!applied->duplicate && event->type == "invoice.paid" && !applied->user_id.empty() && event->credits > 0) {
    CountCredits("granted", event->credits);
  }
  logging::Info("stripe event", {{"event", event->id},
                                 {"type", event->type},
                                 {"duplicate", applied->duplicate ? "true" : "false"},
                                 {"user", applied->user_id}});
  v1::StripeWebhookResponse out;
  out.mutable_data()->set_received(true);
  out.mutable_data()->set_duplicate(applied->duplicate);
  return out;
}

grpc::Status BillingServiceImpl::HandleStripeWebhook(grpc::ServerContext* context,
                                                     const v1::StripeWebhookRequest* request,
                                                     v1::StripeWebhookResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::StripeWebhookRequest& r) { return Webhook(call, r); });
}

grpc::Status BillingServiceImpl::ConsumeCredit(grpc::ServerContext* context, const v1::CreditRequest* request,
                                               v1::CreditResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::CreditRequest& r) -> absl::StatusOr<v1::CreditResponse> {
        auto left = store_->Consume(call.caller.sub, r.idempotency_key(), call.deadline);
        if (!left.ok()) return left.status();
        CountCredits("consumed", 1);  // a replay of the same key counts again: the metric counts calls
        v1::CreditResponse out;
        out.set_credits_remaining(*left);
        return out;
      });
}

grpc::Status BillingServiceImpl::RefundCredit(grpc::ServerContext* context, const v1::CreditRequest* request,
                                              v1::CreditResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::CreditRequest& r) -> absl::StatusOr<v1::CreditResponse> {
        // Only analyses take credits (CreateAnalysis, key analysis:<id>), and
        // only one that failed gives it back.
        const std::string& key = r.idempotency_key();
        constexpr std::string_view kPrefix = "analysis:";
        if (key.rfind(kPrefix, 0) != 0 || !validation::IsUuid(key.substr(kPrefix.size()))) {
          return errors::InvalidField("idempotency_key", "must be analysis:<analysis id>");
        }
        auto left = store_->RefundFailedAnalysis(call.caller.sub, key.substr(kPrefix.size()), call.deadline);
        if (!left.ok()) return left.status();
        CountCredits("refunded", 1);  // as for consumed: replays count again
        v1::CreditResponse out;
        out.set_credits_remaining(*left);
        return out;
      });
}

}  // namespace plinth::billing
