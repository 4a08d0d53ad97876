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

// Checkout's two return URLs (plans and credit packs alike).
void CheckCheckoutUrls(const std::string& success_url, const std::string& cancel_url,
                       const std::set<std::string>& origins, std::vector<errors::FieldViolation>* v) {
  if (auto issue = CheckReturnUrl(success_url, origins)) v->push_back({"success_url", *issue});
  if (auto issue = CheckReturnUrl(cancel_url, origins)) v->push_back({"cancel_url", *issue});
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
                                                 "checkout.session.async_payment_succeeded",
                                                 "product.created",
                                                 "product.updated",
                                                 "product.deleted",
                                                 "price.created",
                                                 "price.updated",
                                                 "price.deleted",
                                                 "customer.subscription.created",
                                                 "customer.subscription.updated",
                                                 "customer.subscription.deleted",
                                                 "invoice.paid",
                                                 "invoice.payment_failed"};
  family.Add({{"type", kHandled.count(type) ? type : "other"}, {"result", result}}).Increment();
}

// plinth_billing_drift_total{field}: what reconcile found different from
// Stripe (and repaired).
void CountDrift(const std::string& field) {
  static auto& family = metrics::CounterFamily("plinth_billing_drift_total",
                                               "Differences between accounts and Stripe that reconcile repaired.");
  family.Add({{"field", field}}).Increment();
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Stripe ids go into URL paths: only their own alphabet.
bool IsStripeId(const std::string& id, const char* prefix) {
  return id.rfind(prefix, 0) == 0 && id.size() <= 255 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// Stripe's Checkout Session → the API's answer.
absl::StatusOr<v1::CheckoutSessionResponse> SessionResponse(const nlohmann::json& session) {
  std::string url = StringAt(session, {"url"}), id = StringAt(session, {"id"});
  if (url.empty() || id.empty()) return errors::Unavailable("payment provider sent no session");
  v1::CheckoutSessionResponse out;
  out.mutable_data()->set_checkout_url(url);
  out.mutable_data()->set_session_id(id);
  return out;
}

void SetPrice(const Price& from, v1::Price* to) {
  to->set_id(from.id);
  to->set_unit_amount(static_cast<int32_t>(from.unit_amount));
  to->set_currency(from.currency);
  to->set_interval(from.interval);
}

}  // namespace

BillingServiceImpl::BillingServiceImpl(BillingStore* store, BillingConfig config,
                                       std::shared_ptr<v1::ProfileService::StubInterface> profiles)
    : store_(store),
      config_(std::move(config)),
      profiles_(std::move(profiles)),
      catalog_(std::make_shared<Catalog>(config_.free_credits)) {}

BillingServiceImpl::~BillingServiceImpl() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  if (loop_.joinable()) loop_.join();
}

std::shared_ptr<const Catalog> BillingServiceImpl::CurrentCatalog() const {
  absl::MutexLock lock(&catalog_mu_);
  return catalog_;
}

absl::StatusOr<std::shared_ptr<const Catalog>> BillingServiceImpl::RefreshCatalog() {
  if (!config_.stripe) return CurrentCatalog();
  auto prices = config_.stripe->ListAll("/v1/prices", {{"active", "true"}, {"expand[]", "data.product"}});
  if (!prices.ok()) return prices.status();
  auto fresh = std::make_shared<const Catalog>(Catalog::FromStripePrices(*prices, config_.free_credits));
  {
    absl::MutexLock lock(&catalog_mu_);
    catalog_ = fresh;
  }
  logging::Info("catalog read from Stripe", {{"plans", std::to_string(fresh->plans().size())},
                                             {"credit_packs", std::to_string(fresh->packs().size())},
                                             {"skipped_prices", std::to_string(fresh->skipped())}});
  return fresh;
}

void BillingServiceImpl::Start(BillingSchedule schedule) {
  if (auto c = RefreshCatalog(); !c.ok()) {
    logging::Warn("catalog not read from Stripe at start: only the free plan until it is",
                  {{"error", std::string(c.status().message())}});
  }
  loop_ = std::thread([this, schedule] { Loop(schedule); });
}

void BillingServiceImpl::Loop(BillingSchedule schedule) {
  using Clock = std::chrono::steady_clock;
  auto next = [](std::chrono::seconds every) {
    return every.count() > 0 ? Clock::now() + every : Clock::time_point::max();
  };
  auto catalog_at = next(schedule.catalog_refresh), reconcile_at = next(schedule.reconcile),
       grace_at = next(schedule.grace_check);
  while (true) {
    {
      absl::MutexLock lock(&stop_mu_);
      if (stop_mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1))) return;
    }
    const auto now = Clock::now();
    const auto deadline = std::chrono::system_clock::now() + std::chrono::minutes(10);
    if (now >= catalog_at) {
      catalog_at = next(schedule.catalog_refresh);
      if (auto c = RefreshCatalog(); !c.ok()) {
        logging::Warn("catalog refresh failed", {{"error", std::string(c.status().message())}});
      }
    }
    if (now >= grace_at) {
      grace_at = next(schedule.grace_check);
      auto expired = store_->ExpireGrace(config_.grace_seconds, deadline);
      if (expired.ok() && *expired > 0) {
        logging::Info("past_due accounts fell to the free tier", {{"count", std::to_string(*expired)}});
      }
    }
    if (now >= reconcile_at && config_.stripe) {
      reconcile_at = next(schedule.reconcile);
      auto report = Reconcile(deadline);
      if (!report.ok()) logging::Warn("reconcile failed", {{"error", std::string(report.status().message())}});
    }
  }
}

grpc::Status BillingServiceImpl::ListPlans(grpc::ServerContext* context, const v1::ListPlansRequest* request,
                                           v1::ListPlansResponse* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call&, const v1::ListPlansRequest&, v1::ListPlansResponse* out) {
                               for (const auto& p : CurrentCatalog()->plans()) {
                                 auto* plan = out->add_data();
                                 plan->set_tier(p.tier);
                                 plan->set_name(p.name);
                                 plan->set_monthly_credits(p.monthly_credits);
                                 if (const Price* monthly = p.PriceFor("month")) {
                                   plan->mutable_price_id()->set_value(monthly->id);
                                 }
                                 for (const auto& price : p.prices) SetPrice(price, plan->add_prices());
                                 for (const auto& f : p.features) plan->add_features(f);
                               }
                               return absl::OkStatus();
                             });
}

grpc::Status BillingServiceImpl::ListCreditPacks(grpc::ServerContext* context,
                                                 const v1::ListCreditPacksRequest* request,
                                                 v1::ListCreditPacksResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call&, const v1::ListCreditPacksRequest&, v1::ListCreditPacksResponse* out) {
        for (const auto& p : CurrentCatalog()->packs()) {
          auto* pack = out->add_data();
          pack->set_price_id(p.price.id);
          pack->set_name(p.name);
          pack->set_credits(p.credits);
          pack->set_unit_amount(static_cast<int32_t>(p.price.unit_amount));
          pack->set_currency(p.price.currency);
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
  auto catalog = CurrentCatalog();
  const Plan* plan = catalog->ByTier(request.tier());
  const std::string interval = request.interval().empty() ? "month" : request.interval();
  const Price* price = plan != nullptr ? plan->PriceFor(interval) : nullptr;
  if (plan == nullptr || plan->prices.empty()) {
    v.push_back({"tier", "must be one of the paid plans' tiers (GET /api/v1/billing/plans)"});
  } else if (price == nullptr) {
    v.push_back({"interval", "the " + plan->name + " plan has no " + interval + "ly price"});
  }
  CheckCheckoutUrls(request.success_url(), request.cancel_url(), config_.redirect_origins, &v);
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
               {"line_items[0][price]", price->id},
               {"line_items[0][quantity]", "1"},
               {"success_url", request.success_url()},
               {"cancel_url", request.cancel_url()},
               {"client_reference_id", user},
               {"metadata[user_id]", user},
               {"subscription_data[metadata][user_id]", user}};
  auto session = config_.stripe->Post("/v1/checkout/sessions", form, "plinth-checkout-" + auth::NewUuid());
  if (!session.ok()) return session.status();
  return SessionResponse(*session);
}

grpc::Status BillingServiceImpl::CreateCheckoutSession(grpc::ServerContext* context,
                                                       const v1::CreateCheckoutSessionRequest* request,
                                                       v1::CheckoutSessionResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::CreateCheckoutSessionRequest& r) { return Checkout(call, r); });
}

absl::StatusOr<v1::CheckoutSessionResponse> BillingServiceImpl::BuyPack(const grpc_server::Call& call,
                                                                        const v1::BuyCreditPackRequest& request) {
  std::vector<errors::FieldViolation> v;
  auto catalog = CurrentCatalog();
  const CreditPack* pack = catalog->PackByPrice(request.price_id());
  if (pack == nullptr) v.push_back({"price_id", "must be a credit pack's price (GET /api/v1/billing/credit-packs)"});
  CheckCheckoutUrls(request.success_url(), request.cancel_url(), config_.redirect_origins, &v);
  if (!v.empty()) return errors::Validation(v);
  if (!config_.stripe) return errors::Unavailable("billing is not configured (STRIPE_SECRET_KEY is not set)");
  auto customer = EnsureCustomer(call);
  if (!customer.ok()) return customer.status();
  const std::string& user = call.caller.sub;
  // The credits travel in the session's metadata: the webhook grants what
  // was bought, even if the pack changes since.
  Form form = {{"mode", "payment"},
               {"customer", *customer},
               {"line_items[0][price]", pack->price.id},
               {"line_items[0][quantity]", "1"},
               {"success_url", request.success_url()},
               {"cancel_url", request.cancel_url()},
               {"client_reference_id", user},
               {"metadata[user_id]", user},
               {"metadata[plinth_credits]", std::to_string(pack->credits)}};
  auto session = config_.stripe->Post("/v1/checkout/sessions", form, "plinth-pack-" + auth::NewUuid());
  if (!session.ok()) return session.status();
  return SessionResponse(*session);
}

grpc::Status BillingServiceImpl::BuyCreditPack(grpc::ServerContext* context, const v1::BuyCreditPackRequest* request,
                                               v1::CheckoutSessionResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::BuyCreditPackRequest& r) { return BuyPack(call, r); });
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

absl::StatusOr<std::optional<SubscriptionTruth>> BillingServiceImpl::RetrieveSubscription(const std::string& id,
                                                                                          const Catalog& catalog) {
  if (!IsStripeId(id, "sub_")) return std::optional<SubscriptionTruth>();
  // Anything Stripe knew before this moment is in the answer: the order of
  // applications follows it (two deliveries racing apply the later read).
  const double at = NowSeconds();
  auto object = config_.stripe->Get("/v1/subscriptions/" + id);
  if (!object.ok()) {
    if (absl::IsNotFound(object.status())) return std::optional<SubscriptionTruth>();
    return object.status();
  }
  auto state = ParseSubscription(*object, catalog);
  if (!state.ok()) return errors::Unavailable("payment provider sent an unreadable subscription");
  return std::optional<SubscriptionTruth>(SubscriptionTruth{*std::move(state), at});
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
  auto catalog = CurrentCatalog();
  auto event = ParseEvent(request.payload(), *catalog);
  if (!event.ok()) {
    CountWebhook("", "invalid");
    return event.status();
  }
  // The catalog changed: read it again (a failure answers 503, and Stripe
  // delivers the event again later).
  if (event->type.rfind("product.", 0) == 0 || event->type.rfind("price.", 0) == 0) {
    auto fresh = RefreshCatalog();
    if (!fresh.ok()) {
      CountWebhook(event->type, "error");
      return fresh.status();
    }
  }
  // Events say that something changed, Stripe says what is: the current
  // subscription is read, so order, duplicates and gaps do not matter.
  // Without a Stripe client (webhooks only), the event's own copy is used.
  std::optional<SubscriptionTruth> truth;
  if (ConcernsSubscription(*event)) {
    if (config_.stripe) {
      auto retrieved = RetrieveSubscription(event->subscription, *catalog);
      if (!retrieved.ok()) {
        CountWebhook(event->type, "error");
        return retrieved.status();
      }
      truth = *std::move(retrieved);
    } else if (event->state) {
      truth = SubscriptionTruth{*event->state, static_cast<double>(event->created)};
    }
  }
  auto applied = store_->Apply(*event, truth, config_.grace_seconds, call.deadline);
  if (!applied.ok()) {
    CountWebhook(event->type, "error");
    return applied.status();
  }
  CountWebhook(event->type, applied->duplicate ? "duplicate" : applied->user_id.empty() ? "ignored" : "applied");
  if (applied->credits_granted > 0) CountCredits("granted", applied->credits_granted);
  logging::Info("stripe event", {{"event", event->id},
                                 {"type", event->type},
                                 {"duplicate", applied->duplicate ? "true" : "false"},
                                 {"user", applied->user_id}});
  v1::StripeWebhookResponse out;
  out.mutable_data()->set_received(true);
  out.mutable_data()->set_duplicate(applied->duplicate);
  return out;
}

absl::StatusOr<std::optional<SubscriptionState>> BillingServiceImpl::CurrentSubscriptionOf(const AccountRow& account,
                                                                                           const Catalog& catalog) {
  if (!IsStripeId(account.customer, "cus_")) return std::optional<SubscriptionState>();
  auto listed = config_.stripe->ListAll("/v1/subscriptions", {{"customer", account.customer}, {"status", "all"}}, 100);
  if (!listed.ok()) return listed.status();
  std::optional<SubscriptionState> current, own, newest;
  for (const auto& object : *listed) {
    auto state = ParseSubscription(object, catalog);
    if (!state.ok()) continue;
    if (state->id == account.subscription) own = *state;
    if (!newest || state->created > newest->created) newest = *state;
    if (!state->Ended() && (!current || state->created > current->created)) current = *state;
  }
  if (current) return current;
  if (own) return own;
  return newest;
}

absl::StatusOr<v1::ReconcileReport> BillingServiceImpl::Reconcile(db::Deadline deadline) {
  if (!config_.stripe) return errors::Unavailable("billing is not configured (STRIPE_SECRET_KEY is not set)");
  auto catalog = CurrentCatalog();
  // Grace periods over first, so that they are not reported as drift.
  if (auto expired = store_->ExpireGrace(config_.grace_seconds, deadline); !expired.ok()) return expired.status();
  auto accounts = store_->AccountsWithCustomer(deadline);
  if (!accounts.ok()) return accounts.status();
  v1::ReconcileReport report;
  const int64_t since = static_cast<int64_t>(NowSeconds()) - int64_t{40} * 86400;
  for (const AccountRow& a : *accounts) {
    report.set_accounts_checked(report.accounts_checked() + 1);
    auto drift = [&](const std::string& field, const std::string& local, const std::string& stripe) {
      auto* d = report.add_drifts();
      d->set_user_id(a.user_id);
      d->set_field(field);
      d->set_local(local);
      d->set_stripe(stripe);
      CountDrift(field);
    };
    auto current = CurrentSubscriptionOf(a, *catalog);
    if (!current.ok()) {
      report.set_errors(report.errors() + 1);
      continue;
    }
    if (*current) {
      const SubscriptionState& t = **current;
      const size_t before = report.drifts_size();
      if (a.subscription != t.id) drift("subscription_id", a.subscription, t.id);
      if (a.status != t.status) drift("subscription_status", a.status, t.status);
      // past_due beyond the grace period is free here on purpose.
      const bool grace_over = t.status == "past_due" && a.status == "past_due" && a.tier == "free";
      if (a.tier != t.tier && !grace_over) drift("subscription_tier", a.tier, t.tier);
      if (a.period_end != t.period_end) {
        drift("current_period_end", std::to_string(a.period_end), std::to_string(t.period_end));
      }
      if (a.cancel_at_period_end != t.cancel_at_period_end) {
        drift("cancel_at_period_end", a.cancel_at_period_end ? "true" : "false",
              t.cancel_at_period_end ? "true" : "false");
      }
      if (static_cast<size_t>(report.drifts_size()) != before) {
        if (auto s = store_->Repair(a.user_id, t, config_.grace_seconds, deadline); !s.ok()) {
          report.set_errors(report.errors() + 1);
        }
      }
    } else if (!a.subscription.empty() && a.status != "canceled" && a.status != "free") {
      // Stripe has no subscription for the customer at all.
      drift("subscription_status", a.status, "none");
      SubscriptionState ended{a.subscription, a.customer, a.user_id, "canceled", "free", 0, false, 0};
      if (auto s = store_->Repair(a.user_id, ended, config_.grace_seconds, deadline); !s.ok()) {
        report.set_errors(report.errors() + 1);
      }
    }
    // Credits of paid invoices whose invoice.paid never arrived.
    auto invoices = config_.stripe->ListAll(
        "/v1/invoices", {{"customer", a.customer}, {"status", "paid"}, {"created[gte]", std::to_string(since)}}, 100);
    if (!invoices.ok()) {
      report.set_errors(report.errors() + 1);
      continue;
    }
    for (const auto& invoice : *invoices) {
      const std::string id = StringAt(invoice, {"id"});
      const int credits = InvoiceCredits(invoice, *catalog);
      if (!IsStripeId(id, "in_") || credits <= 0) continue;
      auto granted = store_->GrantInvoice(a.user_id, id, credits, deadline);
      if (!granted.ok()) {
        report.set_errors(report.errors() + 1);
      } else if (*granted) {
        drift("invoice_credits", "", id + ": +" + std::to_string(credits));
        CountCredits("granted", credits);
      }
    }
  }
  logging::Info("reconciled with Stripe", {{"accounts", std::to_string(report.accounts_checked())},
                                           {"drifts", std::to_string(report.drifts_size())},
                                           {"errors", std::to_string(report.errors())}});
  return report;
}

grpc::Status BillingServiceImpl::SyncCatalog(grpc::ServerContext* context, const v1::SyncCatalogRequest* request,
                                             v1::SyncCatalogResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::SyncCatalogRequest&) -> absl::StatusOr<v1::SyncCatalogResponse> {
        if (!config_.stripe) return errors::Unavailable("billing is not configured (STRIPE_SECRET_KEY is not set)");
        auto catalog = RefreshCatalog();
        if (!catalog.ok()) return catalog.status();
        if (auto s = store_->Audit(call.caller.sub, "billing_sync", {}, "{}", logging::RequestContext::RequestId(),
                                   call.deadline);
            !s.ok()) {
          return s;
        }
        v1::SyncCatalogResponse out;
        out.mutable_data()->set_plans(static_cast<int32_t>((*catalog)->plans().size()) - 1);  // paid plans
        out.mutable_data()->set_credit_packs(static_cast<int32_t>((*catalog)->packs().size()));
        out.mutable_data()->set_skipped_prices((*catalog)->skipped());
        return out;
      });
}

grpc::Status BillingServiceImpl::ReconcileBilling(grpc::ServerContext* context,
                                                  const v1::ReconcileBillingRequest* request,
                                                  v1::ReconcileBillingResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call,
             const v1::ReconcileBillingRequest&) -> absl::StatusOr<v1::ReconcileBillingResponse> {
        auto report = Reconcile(call.deadline);
        if (!report.ok()) return report.status();
        std::set<std::string> users;
        for (const auto& d : report->drifts()) users.insert(d.user_id());
        if (auto s = store_->Audit(call.caller.sub, "billing_reconcile", {users.begin(), users.end()}, "{}",
                                   logging::RequestContext::RequestId(), call.deadline);
            !s.ok()) {
          return s;
        }
        v1::ReconcileBillingResponse out;
        *out.mutable_data() = *std::move(report);
        return out;
      });
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
