#ifndef PLINTH_SERVICES_BILLING_CATALOG_H_
#define PLINTH_SERVICES_BILLING_CATALOG_H_

// What Plinth sells, as Stripe's products and prices say (docs/STRIPE-SETUP.md):
// a product with metadata `plinth_tier` (and `plinth_credits`, the credits
// per month) is a plan, its active recurring prices (month, year) the ways to
// pay for it, its marketing features what it includes; a product with
// `plinth_kind = credit_pack` and `plinth_credits` is a pack of credits sold
// once at its one-time price. `free` is always there, with FREE_TIER_CREDITS
// and no price. Built from Stripe's JSON only: a pure function, fuzzed.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace plinth::billing {

struct Price {
  std::string id;
  int64_t unit_amount = 0;  // smallest currency unit
  std::string currency;
  std::string interval;  // plans: "month" or "year"; packs: ""
};

struct Plan {
  std::string tier;
  std::string name;
  int monthly_credits = 0;
  std::vector<std::string> features;
  std::vector<Price> prices;  // monthly first; empty for free

  const Price* PriceFor(const std::string& interval) const;
  // Credits one invoice of `price` grants: a month's, or twelve for a year.
  int CreditsPerInvoice(const Price& price) const;
};

struct CreditPack {
  Price price;
  std::string name;
  int credits = 0;
};

class Catalog {
 public:
  // Only the free plan (Stripe not configured, or not read yet).
  explicit Catalog(int free_credits);
  // From Stripe's active prices, each with its product expanded
  // (GET /v1/prices?active=true&expand[]=data.product). Prices Plinth cannot
  // use are counted in skipped().
  static Catalog FromStripePrices(const std::vector<nlohmann::json>& prices, int free_credits);

  const std::vector<Plan>& plans() const { return plans_; }
  const std::vector<CreditPack>& packs() const { return packs_; }
  int skipped() const { return skipped_; }

  const Plan* ByTier(const std::string& tier) const;
  // The plan a subscription's price belongs to, and that price.
  struct PlanPrice {
    const Plan* plan;
    const Price* price;
  };
  std::optional<PlanPrice> ByPrice(const std::string& price_id) const;
  const CreditPack* PackByPrice(const std::string& price_id) const;

 private:
  std::vector<Plan> plans_;
  std::vector<CreditPack> packs_;
  int skipped_ = 0;
};

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_CATALOG_H_
