#include "services/billing/stripe_event.h"

#include <algorithm>
#include <set>

#include <absl/strings/numbers.h>

#include "libs/auth/jwt.h"
#include "libs/errors/errors.h"
#include "libs/validation/text.h"

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

// A customer field may be an id or, expanded, the customer object.
std::string CustomerIn(const json& obj) {
  std::string id = StringAt(obj, {"customer"});
  return id.empty() ? StringAt(obj, {"customer", "id"}) : id;
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

absl::StatusOr<SubscriptionState> ParseSubscription(const json& obj, const Catalog& catalog) {
  if (!obj.is_object()) return errors::InvalidField("data.object", "not a subscription");
  SubscriptionState s;
  s.id = StringAt(obj, {"id"});
  if (s.id.rfind("sub_", 0) != 0 || s.id.size() > 255)
    return errors::InvalidField("data.object.id", "not a subscription id");
  s.customer = CustomerIn(obj);
  s.user_id = UserIdIn(obj);
  s.status = StringAt(obj, {"status"});
  if (kSubscriptionStatuses.count(s.status) == 0) {
    return errors::InvalidField("data.object.status", "unknown subscription status");
  }
  const json& item = FirstItem(obj, "items");
  auto plan = catalog.ByPrice(StringAt(item, {"price", "id"}));
  // Unpaid and paused subscriptions give no access (docs/STRIPE-SETUP.md);
  // past_due keeps it for the grace period (the store applies it).
  const bool access = !s.Ended() && s.status != "unpaid" && s.status != "paused";
  s.tier = (plan && access) ? plan->plan->tier : "free";
  s.period_end = NumberAt(obj, {"current_period_end"});
  if (s.period_end == 0) s.period_end = NumberAt(item, {"current_period_end"});
  s.cancel_at_period_end = obj.contains("cancel_at_period_end") && obj["cancel_at_period_end"] == true;
  s.created = NumberAt(obj, {"created"});
  return s;
}

namespace {

std::string LinePrice(const json& line) {
  std::string price = StringAt(line, {"price", "id"});
  return price.empty() ? StringAt(line, {"pricing", "price_details", "price"}) : price;
}

int64_t LineAmount(const json& line) {
  return line.is_object() && line.contains("amount") && line["amount"].is_number_integer()
             ? line["amount"].get<int64_t>()
             : 0;
}

}  // namespace

int InvoiceCredits(const json& invoice, const Catalog& catalog) {
  if (StringAt(invoice, {"billing_reason"}) == "subscription_update") {
    // A plan change's proration: a credit line for the unused time on the
    // old price (negative) and a charge for the new one. An upgrade grants
    // the difference of monthly credits; a downgrade nothing.
    int old_credits = 0, new_credits = 0;
    bool has_new = false;
    if (invoice.contains("lines") && invoice["lines"].is_object() && invoice["lines"].contains("data") &&
        invoice["lines"]["data"].is_array()) {
      for (const json& line : invoice["lines"]["data"]) {
        auto plan = catalog.ByPrice(LinePrice(line));
        if (!plan) continue;
        if (LineAmount(line) < 0) {
          old_credits = plan->plan->monthly_credits;
        } else {
          new_credits = plan->plan->monthly_credits;
          has_new = true;
        }
      }
    }
    return has_new ? std::max(0, new_credits - old_credits) : 0;
  }
  auto plan = catalog.ByPrice(LinePrice(FirstItem(invoice, "lines")));
  return plan ? plan->plan->CreditsPerInvoice(*plan->price) : 0;
}

bool ConcernsSubscription(const BillingEvent& e) {
  return !e.subscription.empty() && (e.type.rfind("customer.subscription.", 0) == 0 || e.type == "invoice.paid" ||
                                     e.type == "invoice.payment_failed" || e.type == "checkout.session.completed");
}

absl::StatusOr<BillingEvent> ParseEvent(const std::string& payload, const Catalog& catalog) {
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
  e.customer = CustomerIn(obj);
  if (e.type == "checkout.session.completed" || e.type == "checkout.session.async_payment_succeeded") {
    e.subscription = StringAt(obj, {"subscription"});
    if (StringAt(obj, {"mode"}) == "payment" && StringAt(obj, {"payment_status"}) == "paid") {
      e.checkout_session = StringAt(obj, {"id"});
      int credits = 0;
      if (e.checkout_session.rfind("cs_", 0) != 0 ||
          !absl::SimpleAtoi(StringAt(obj, {"metadata", "plinth_credits"}), &credits) || credits <= 0 ||
          credits > 10000000) {
        return errors::InvalidField("data.object", "a paid credit pack session without its id or credits");
      }
      e.pack_credits = credits;
    }
  } else if (e.type.rfind("customer.subscription.", 0) == 0) {
    auto state = ParseSubscription(obj, catalog);
    if (!state.ok()) return state.status();
    // A deleted subscription's object may still say what it was.
    if (e.type == "customer.subscription.deleted") {
      state->status = "canceled";
      state->tier = "free";
    }
    e.subscription = state->id;
    e.state = std::move(*state);
  } else if (e.type == "invoice.paid" || e.type == "invoice.payment_failed") {
    e.invoice = StringAt(obj, {"id"});
    // Older API versions name it at the top, newer ones under parent.
    e.subscription = StringAt(obj, {"subscription"});
    if (e.subscription.empty()) e.subscription = StringAt(obj, {"parent", "subscription_details", "subscription"});
    e.credits = InvoiceCredits(obj, catalog);
    if (e.type == "invoice.paid" && e.invoice.empty()) return errors::InvalidField("data.object.id", "missing");
  }
  return e;
}

}  // namespace plinth::billing
