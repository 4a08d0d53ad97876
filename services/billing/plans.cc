#include "services/billing/plans.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_split.h>

namespace plinth::billing {

absl::StatusOr<Plans> Plans::Parse(const std::string& spec, int free_credits) {
  Plans plans;
  plans.plans_.push_back({"free", "Free", "", free_credits});
  for (absl::string_view entry : absl::StrSplit(spec, ';', absl::SkipWhitespace())) {
    std::vector<std::string> f = absl::StrSplit(entry, ':');
    int credits = 0;
    if (f.size() != 4 || f[0].empty() || f[1].empty() || f[2].rfind("price_", 0) != 0 ||
        !absl::SimpleAtoi(f[3], &credits) || credits < 0) {
      return absl::InvalidArgumentError("configuration PLINTH_PLANS: want tier:Name:price_id:credits;…, got '" +
                                        std::string(entry) + "'");
    }
    if (plans.ByTier(f[0]) != nullptr) {
      return absl::InvalidArgumentError("configuration PLINTH_PLANS: tier '" + f[0] + "' given twice");
    }
    plans.plans_.push_back({f[0], f[1], f[2], credits});
  }
  return plans;
}

const Plan* Plans::ByTier(const std::string& tier) const {
  for (const auto& p : plans_) {
    if (p.tier == tier) return &p;
  }
  return nullptr;
}

const Plan* Plans::ByPrice(const std::string& price_id) const {
  for (const auto& p : plans_) {
    if (!p.price_id.empty() && p.price_id == price_id) return &p;
  }
  return nullptr;
}

}  // namespace plinth::billing
