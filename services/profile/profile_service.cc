#include "services/profile/profile_service.h"

#include <set>

#include "libs/errors/errors.h"
#include "libs/grpc_server/handler.h"
#include "libs/metrics/metrics.h"
#include "libs/validation/rules.h"
#include "libs/wire/wire.h"

namespace plinth::profile {
namespace {

struct CacheReadCounters {
  prometheus::Counter& hit;
  prometheus::Counter& miss;
};

// Registered with the service, so both series exist from the start.
CacheReadCounters& CacheReads() {
  static auto& family = metrics::CounterFamily("plinth_profile_cache_reads_total",
                                               "Profile reads by the profile service's memory cache, by result.");
  static CacheReadCounters counters{family.Add({{"result", "hit"}}), family.Add({{"result", "miss"}})};
  return counters;
}

void CountCacheRead(bool hit) { (hit ? CacheReads().hit : CacheReads().miss).Increment(); }

void ToProto(const ProfileRow& row, v1::Profile* out) {
  out->set_id(row.id);
  if (row.email) out->mutable_email()->set_value(*row.email);
  if (row.full_name) out->mutable_full_name()->set_value(*row.full_name);
  if (row.avatar_url) out->mutable_avatar_url()->set_value(*row.avatar_url);
  out->set_subscription_status(row.subscription_status);
  out->set_subscription_tier(row.subscription_tier);
  if (row.subscription_current_period_end_us) {
    *out->mutable_subscription_current_period_end() = wire::FromMicros(*row.subscription_current_period_end_us);
  }
  out->set_credits_remaining(row.credits_remaining);
  *out->mutable_created_at() = wire::FromMicros(row.created_at_us);
  *out->mutable_updated_at() = wire::FromMicros(row.updated_at_us);
  out->set_subscription_cancel_at_period_end(row.subscription_cancel_at_period_end);
  if (row.past_due_since_us) *out->mutable_subscription_past_due_since() = wire::FromMicros(*row.past_due_since_us);
}

// The gateway derives the mask from the JSON keys; proto and JSON spellings
// are both accepted so a gRPC caller may use either.
std::string CanonicalPath(const std::string& path) {
  if (path == "fullName") return "full_name";
  if (path == "avatarUrl") return "avatar_url";
  return path;
}

}  // namespace

absl::StatusOr<ProfileChanges> ValidatePatch(const v1::UpdateMyProfileRequest& request) {
  std::set<std::string> paths;
  std::vector<errors::FieldViolation> not_updatable;
  for (const auto& raw_path : request.update_mask().paths()) {
    std::string path = CanonicalPath(raw_path);
    if (path != "full_name" && path != "avatar_url") {
      not_updatable.push_back({raw_path, "is not a field that can be updated"});
    }
    paths.insert(std::move(path));
  }
  // Lengths and the https URL per the protos' rules; null (unset) clears.
  std::vector<errors::FieldViolation> violations;
  const auto& patch = request.profile();
  validation::CheckFields(patch, &violations, &paths);
  violations.insert(violations.end(), not_updatable.begin(), not_updatable.end());
  if (!violations.empty()) return errors::Validation(violations);
  if (paths.empty()) return errors::InvalidField("body", "give at least one of full_name, avatar_url");
  ProfileChanges changes;
  changes.full_name.present = paths.count("full_name") > 0;
  if (patch.has_full_name()) changes.full_name.value = patch.full_name().value();
  changes.avatar_url.present = paths.count("avatar_url") > 0;
  if (patch.has_avatar_url()) changes.avatar_url.value = patch.avatar_url().value();
  return changes;
}

ProfileServiceImpl::ProfileServiceImpl(ProfileStore* store, ProfileCache* cache, int db_connections)
    : store_(store), cache_(cache), misses_(db_connections) {
  CacheReads();
}

grpc::ServerUnaryReactor* ProfileServiceImpl::GetMyProfile(grpc::CallbackServerContext* context,
                                                           const v1::GetMyProfileRequest* request,
                                                           v1::ProfileResponse* response) {
  return grpc_server::HandleOffloaded(
      context, request, response, &misses_,
      // A hit is a lookup in this process's memory: answered on gRPC's thread.
      [this](const grpc_server::Call& call, const v1::GetMyProfileRequest&, v1::ProfileResponse* out) {
        auto cached = cache_->Get(call.caller.sub);
        CountCacheRead(cached.has_value());
        if (cached) *out->mutable_data() = std::move(*cached);
        return cached.has_value();
      },
      [this](const grpc_server::Call& call, const v1::GetMyProfileRequest&, v1::ProfileResponse* out) {
        return LoadMyProfile(call, out);
      });
}

absl::Status ProfileServiceImpl::LoadMyProfile(const grpc_server::Call& call, v1::ProfileResponse* response) {
  // Concurrent misses share one read, but only one begun after the last
  // change the cache knows of: a read after one's own write never gets the
  // answer of a load begun before it.
  const uint64_t ticket = cache_->BeginLoad();
  const std::string key = call.caller.sub + "@" + std::to_string(ticket);
  absl::StatusOr<v1::Profile> profile = loads_.Do(key, [&]() -> absl::StatusOr<v1::Profile> {
    auto row = store_->GetOrCreate(call.caller, call.deadline);
    if (!row.ok()) return row.status();
    v1::Profile loaded;
    ToProto(*row, &loaded);
    cache_->Put(loaded, ticket);
    return loaded;
  });
  if (!profile.ok()) return profile.status();
  *response->mutable_data() = std::move(*profile);
  return absl::OkStatus();
}

grpc::Status ProfileServiceImpl::UpdateMyProfile(grpc::ServerContext* context,
                                                 const v1::UpdateMyProfileRequest* request,
                                                 v1::ProfileResponse* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call& call,
                                    const v1::UpdateMyProfileRequest& r) -> absl::StatusOr<v1::ProfileResponse> {
                               auto changes = ValidatePatch(r);
                               if (!changes.ok()) return changes.status();
                               auto row = store_->Update(call.caller, *changes, call.deadline);
                               if (!row.ok()) return row.status();
                               // Committed: the next read loads it (the
                               // notification does the same on every replica).
                               cache_->Invalidate(call.caller.sub);
                               v1::ProfileResponse out;
                               ToProto(*row, out.mutable_data());
                               return out;
                             });
}

}  // namespace plinth::profile
