#include "services/billing/stripe_event.h"

#include <set>

#include "libs/validation/text.h"
#include "libs/auth/jwt.h"
#include "libs/errors/errors.h"

namespace plinth::billing {
namespace {

using json = nlohmann::json;

const std::set<std::string> kSubscriptionStatuses = {"trialing",           "active",   "canceled", "incomplete",
                                                     "incomplete_expired", "past_due", "unpaid",   "paused"};

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
  for (const std::string& candidate : {StringAt(obj, {"client_reference_id"}), StringAt(obj, {"metadata", "user_id"}),
                                       StringAt(obj, {"subscription_details", "metadata", "user_id"}),
                                       StringAt(obj, {"parent", "subscription_details", "metadata", "user_id"})}) {
    if (validation::IsUuid(candidate)) return candidate;
  }
  return "";
}

}  // namespace

std::string StringAt(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return "";
    auto it = cur->find(key);
    if (it == cur->end()) return "";
    cur = &*it;
  }
  return cur->is_string() ? cur->get<std::string>() : "";
}

absl::StatusOr<BillingEvent> ParseEvent(const std::string& payload, const Plans& plans) {
  auto doc = json::parse(payload, nullptr, false);
  if (!doc.is_object()) return errors::InvalidField("body", "not a JSON object");
  BillingEvent e;
  e.id = StringAt(doc, {"id"});
  e.type = StringAt(doc, {"type"});
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
  e.customer = StringAt(obj, {"customer"});
  if (e.type == "checkout.session.completed") {
    e.subscription = StringAt(obj, {"subscription"});
  } else if (e.type.rfind("customer.subscription.", 0) == 0) {
    e.subscription = StringAt(obj, {"id"});
    e.status = e.type == "customer.subscription.deleted" ? "canceled" : StringAt(obj, {"status"});
    if (kSubscriptionStatuses.count(e.status) == 0)
      return errors::InvalidField("data.object.status", "unknown subscription status");
    const json& item = FirstItem(obj, "items");
    const Plan* plan = plans.ByPrice(StringAt(item, {"price", "id"}));
    bool ended = e.status == "canceled" || e.status == "incomplete_expired";
    e.tier = (plan != nullptr && !ended) ? plan->tier : "free";
    e.period_end = NumberAt(obj, {"current_period_end"});
    if (e.period_end == 0) e.period_end = NumberAt(item, {"current_period_end"});
  } else if (e.type == "invoice.paid" || e.type == "invoice.payment_failed") {
    e.invoice = StringAt(obj, {"id"});
    // Older API versions name it at the top, newer ones under parent.
    e.subscription = StringAt(obj, {"subscription"});
    if (e.subscription.empty()) e.subscription = StringAt(obj, {"parent", "subscription_details", "subscription"});
    const json& line = FirstItem(obj, "lines");
    std::string price = StringAt(line, {"price", "id"});
    if (price.empty()) price = StringAt(line, {"pricing", "price_details", "price"});
    if (const Plan* plan = plans.ByPrice(price)) e.credits = plan->monthly_credits;
    if (e.type == "invoice.paid" && e.invoice.empty()) return errors::InvalidField("data.object.id", "missing");
  }
  return e;
}

}  // namespace plinth::billing
