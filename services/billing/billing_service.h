#ifndef PLINTH_SERVICES_BILLING_BILLING_SERVICE_H_
#define PLINTH_SERVICES_BILLING_BILLING_SERVICE_H_

// gRPC BillingService: plans, Stripe Checkout and portal sessions, signed
// webhooks applied exactly once, and the internal credit RPCs.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <absl/synchronization/mutex.h>

#include "libs/auth/jwt.h"
#include "libs/grpc_server/handler.h"
#include "plinth/v1/billing.grpc.pb.h"
#include "plinth/v1/profile.grpc.pb.h"
#include "services/billing/billing_store.h"
#include "services/billing/catalog.h"
#include "services/billing/stripe_client.h"

namespace plinth::billing {

struct BillingConfig {
  int free_credits = 10;               // FREE_TIER_CREDITS: the free plan's
  std::optional<StripeClient> stripe;  // unset: only the free plan; checkout and portal answer UNAVAILABLE
  std::string webhook_secret;          // empty: webhooks answer UNAVAILABLE
  int64_t webhook_tolerance_seconds = 300;
  // Where checkout and the portal may send users back: the frontend's
  // origins ("https://app.example.com"), lowercase, no trailing slash.
  std::set<std::string> redirect_origins;
  // How long past_due keeps the plan's tier (BILLING_GRACE_DAYS).
  int64_t grace_seconds = 7 * 86400;
};

// What the background loop does, and how often (0: never).
struct BillingSchedule {
  std::chrono::seconds catalog_refresh{300};
  std::chrono::seconds reconcile{3600};
  std::chrono::seconds grace_check{60};
};

class BillingServiceImpl final : public plinth::v1::BillingService::Service {
 public:
  BillingServiceImpl(BillingStore* store, BillingConfig config,
                     std::shared_ptr<v1::ProfileService::StubInterface> profiles);

  grpc::Status ListPlans(grpc::ServerContext*, const v1::ListPlansRequest*, v1::ListPlansResponse*) override;
  grpc::Status CreateCheckoutSession(grpc::ServerContext*, const v1::CreateCheckoutSessionRequest*,
                                     v1::CheckoutSessionResponse*) override;
  grpc::Status CreatePortalSession(grpc::ServerContext*, const v1::CreatePortalSessionRequest*,
                                   v1::PortalSessionResponse*) override;
  grpc::Status HandleStripeWebhook(grpc::ServerContext*, const v1::StripeWebhookRequest*,
                                   v1::StripeWebhookResponse*) override;
  grpc::Status ConsumeCredit(grpc::ServerContext*, const v1::CreditRequest*, v1::CreditResponse*) override;
  grpc::Status RefundCredit(grpc::ServerContext*, const v1::CreditRequest*, v1::CreditResponse*) override;

  grpc::Status ListCreditPacks(grpc::ServerContext*, const v1::ListCreditPacksRequest*,
                               v1::ListCreditPacksResponse*) override;
  grpc::Status BuyCreditPack(grpc::ServerContext*, const v1::BuyCreditPackRequest*,
                             v1::CheckoutSessionResponse*) override;
  grpc::Status SyncCatalog(grpc::ServerContext*, const v1::SyncCatalogRequest*, v1::SyncCatalogResponse*) override;
  grpc::Status ReconcileBilling(grpc::ServerContext*, const v1::ReconcileBillingRequest*,
                                v1::ReconcileBillingResponse*) override;

  // The catalog read from Stripe (when configured) and swapped in.
  absl::StatusOr<std::shared_ptr<const Catalog>> RefreshCatalog();
  std::shared_ptr<const Catalog> CurrentCatalog() const;
  // Every account with a Stripe customer against Stripe's subscriptions and
  // paid invoices of the last 40 days; differences repaired and reported.
  absl::StatusOr<v1::ReconcileReport> Reconcile(db::Deadline deadline);
  // Reads the catalog now, then runs the schedule on a thread of its own
  // until the service is destroyed.
  void Start(BillingSchedule schedule);
  ~BillingServiceImpl() override;

 private:
  absl::StatusOr<std::string> EnsureCustomer(const grpc_server::Call& call);
  absl::StatusOr<v1::CheckoutSessionResponse> Checkout(const grpc_server::Call& call,
                                                       const v1::CreateCheckoutSessionRequest& request);
  absl::StatusOr<v1::CheckoutSessionResponse> BuyPack(const grpc_server::Call& call,
                                                      const v1::BuyCreditPackRequest& request);
  absl::StatusOr<v1::StripeWebhookResponse> Webhook(const grpc_server::Call& call,
                                                    const v1::StripeWebhookRequest& request);
  // Stripe's current object of the subscription (nullopt: Stripe has none).
  absl::StatusOr<std::optional<SubscriptionTruth>> RetrieveSubscription(const std::string& id, const Catalog& catalog);
  absl::StatusOr<std::optional<SubscriptionState>> CurrentSubscriptionOf(const AccountRow& account,
                                                                         const Catalog& catalog);
  void Loop(BillingSchedule schedule);

  BillingStore* store_;
  BillingConfig config_;
  std::shared_ptr<v1::ProfileService::StubInterface> profiles_;
  mutable absl::Mutex catalog_mu_;
  std::shared_ptr<const Catalog> catalog_ ABSL_GUARDED_BY(catalog_mu_);
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread loop_;
};

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_BILLING_SERVICE_H_
