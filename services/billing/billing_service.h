#ifndef PLINTH_SERVICES_BILLING_BILLING_SERVICE_H_
#define PLINTH_SERVICES_BILLING_BILLING_SERVICE_H_

// gRPC BillingService: plans, Stripe Checkout and portal sessions, signed
// webhooks applied exactly once, and the internal credit RPCs.

#include <memory>
#include <optional>
#include <set>

#include "libs/auth/jwt.h"
#include "libs/grpc_server/handler.h"
#include "plinth/v1/billing.grpc.pb.h"
#include "plinth/v1/profile.grpc.pb.h"
#include "services/billing/billing_store.h"
#include "services/billing/plans.h"
#include "services/billing/stripe_client.h"

namespace plinth::billing {

struct BillingConfig {
  Plans plans;
  std::optional<StripeClient> stripe;  // unset: checkout/portal answer UNAVAILABLE
  std::string webhook_secret;          // empty: webhooks answer UNAVAILABLE
  int64_t webhook_tolerance_seconds = 300;
  // Where checkout and the portal may send users back: the frontend's
  // origins ("https://app.example.com"), lowercase, no trailing slash.
  std::set<std::string> redirect_origins;
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

 private:
  absl::StatusOr<std::string> EnsureCustomer(const grpc_server::Call& call);
  absl::StatusOr<v1::CheckoutSessionResponse> Checkout(const grpc_server::Call& call,
                                                       const v1::CreateCheckoutSessionRequest& request);
  absl::StatusOr<v1::StripeWebhookResponse> Webhook(const grpc_server::Call& call,
                                                    const v1::StripeWebhookRequest& request);

  BillingStore* store_;
  BillingConfig config_;
  std::shared_ptr<v1::ProfileService::StubInterface> profiles_;
};

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_BILLING_SERVICE_H_
