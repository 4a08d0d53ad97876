#ifndef PLINTH_SERVICES_BILLING_PLANS_H_
#define PLINTH_SERVICES_BILLING_PLANS_H_

// Plans from configuration: PLINTH_PLANS = "tier:Name:price_id:credits;…"
// (e.g. "pro:Pro:price_123:100;team:Team:price_456:500"); `free` is always
// present with FREE_TIER_CREDITS and no price.

#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace plinth::billing {

struct Plan {
  std::string tier;
  std::string name;
  std::string price_id;  // empty for free
  int monthly_credits = 0;
};

class Plans {
 public:
  static absl::StatusOr<Plans> Parse(const std::string& spec, int free_credits);
  const std::vector<Plan>& all() const { return plans_; }
  const Plan* ByTier(const std::string& tier) const;
  const Plan* ByPrice(const std::string& price_id) const;

 private:
  std::vector<Plan> plans_;
};

}  // namespace plinth::billing

#endif  // PLINTH_SERVICES_BILLING_PLANS_H_
