#include "services/billing/catalog.h"

#include <algorithm>
#include <map>

#include <absl/strings/numbers.h>

namespace plinth::billing {
namespace {

using json = nlohmann::json;

std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A tier names a plan in URLs and rows: short, lowercase, no separators.
bool IsTier(const std::string& tier) {
  if (tier.empty() || tier.size() > 32) return false;
  return std::all_of(tier.begin(), tier.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Stripe's metadata values are strings.
std::optional<int> Credits(const json& metadata) {
  int credits = 0;
  std::string raw = Str(metadata, "plinth_credits");
  if (!absl::SimpleAtoi(raw, &credits) || credits < 0 || credits > 10000000) return std::nullopt;
  return credits;
}

}  // namespace

const Price* Plan::PriceFor(const std::string& interval) const {
  for (const auto& p : prices) {
    if (p.interval == interval) return &p;
  }
  return nullptr;
}

int Plan::CreditsPerInvoice(const Price& price) const {
  return price.interval == "year" ? monthly_credits * 12 : monthly_credits;
}

Catalog::Catalog(int free_credits) { plans_.push_back({"free", "Free", free_credits, {}, {}}); }

Catalog Catalog::FromStripePrices(const std::vector<json>& prices, int free_credits) {
  Catalog catalog(free_credits);
  std::map<std::string, size_t> plan_of_product;  // product id -> index in plans_
  for (const json& p : prices) {
    const json& product = p.is_object() && p.contains("product") ? p["product"] : json();
    const json& metadata = product.is_object() && product.contains("metadata") ? product["metadata"] : json();
    const json& recurring = p.is_object() && p.contains("recurring") ? p["recurring"] : json();
    Price price{Str(p, "id"), 0, Str(p, "currency"), Str(recurring, "interval")};
    if (p.is_object() && p.contains("unit_amount") && p["unit_amount"].is_number_integer()) {
      price.unit_amount = p["unit_amount"].get<int64_t>();
    }
    auto credits = Credits(metadata);
    const bool active = (!p.contains("active") || p["active"] == true) &&
                        (!product.is_object() || !product.contains("active") || product["active"] == true);
    if (price.id.rfind("price_", 0) != 0 || !product.is_object() || !credits || !active || price.currency.empty() ||
        price.unit_amount < 0 || price.unit_amount > 100000000) {
      ++catalog.skipped_;
      continue;
    }
    if (Str(metadata, "plinth_kind") == "credit_pack") {
      if (Str(p, "type") != "one_time" || *credits == 0) {
        ++catalog.skipped_;
        continue;
      }
      price.interval.clear();
      catalog.packs_.push_back({price, Str(product, "name"), *credits});
      continue;
    }
    const std::string tier = Str(metadata, "plinth_tier");
    if (!IsTier(tier) || tier == "free" || (price.interval != "month" && price.interval != "year") ||
        (recurring.contains("interval_count") && recurring["interval_count"] != 1)) {
      ++catalog.skipped_;
      continue;
    }
    const std::string product_id = Str(product, "id");
    auto found = plan_of_product.find(product_id);
    if (found == plan_of_product.end()) {
      if (catalog.ByTier(tier) != nullptr) {  // two products claim one tier: the first keeps it
        ++catalog.skipped_;
        continue;
      }
      Plan plan{tier, Str(product, "name"), *credits, {}, {}};
      if (plan.name.empty()) plan.name = tier;
      if (product.contains("marketing_features") && product["marketing_features"].is_array()) {
        for (const auto& f : product["marketing_features"]) {
          if (std::string name = Str(f, "name"); !name.empty()) plan.features.push_back(name);
        }
      }
      catalog.plans_.push_back(std::move(plan));
      found = plan_of_product.emplace(product_id, catalog.plans_.size() - 1).first;
    }
    Plan& plan = catalog.plans_[found->second];
    if (plan.PriceFor(price.interval) != nullptr) {  // one price per interval
      ++catalog.skipped_;
      continue;
    }
    plan.prices.push_back(price);
  }
  for (auto& plan : catalog.plans_) {
    std::sort(plan.prices.begin(), plan.prices.end(),
              [](const Price& a, const Price& b) { return a.interval == "month" && b.interval != "month"; });
  }
  // Free first, then by monthly price (or credits).
  auto monthly = [](const Plan& p) {
    const Price* m = p.PriceFor("month");
    return m ? m->unit_amount : p.prices.empty() ? 0 : p.prices[0].unit_amount / 12;
  };
  std::stable_sort(catalog.plans_.begin() + 1, catalog.plans_.end(),
                   [&](const Plan& a, const Plan& b) { return monthly(a) < monthly(b); });
  std::stable_sort(catalog.packs_.begin(), catalog.packs_.end(),
                   [](const CreditPack& a, const CreditPack& b) { return a.credits < b.credits; });
  return catalog;
}

const Plan* Catalog::ByTier(const std::string& tier) const {
  for (const auto& p : plans_) {
    if (p.tier == tier) return &p;
  }
  return nullptr;
}

std::optional<Catalog::PlanPrice> Catalog::ByPrice(const std::string& price_id) const {
  if (price_id.empty()) return std::nullopt;
  for (const auto& plan : plans_) {
    for (const auto& price : plan.prices) {
      if (price.id == price_id) return PlanPrice{&plan, &price};
    }
  }
  return std::nullopt;
}

const CreditPack* Catalog::PackByPrice(const std::string& price_id) const {
  for (const auto& pack : packs_) {
    if (pack.price.id == price_id) return &pack;
  }
  return nullptr;
}

}  // namespace plinth::billing
