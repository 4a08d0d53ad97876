#include "services/profile/profile_service.h"

#include <set>

#include "libs/errors/errors.h"
#include "libs/grpc_server/access.h"
#include "libs/grpc_server/call.h"
#include "libs/validation/rules.h"
#include "libs/wire/wire.h"

namespace plinth::profile {
namespace {

void ToProto(const ProfileRow& row, v1::Profile* out) {
  out->set_id(row.id);
  if (row.email) out->mutable_email()->set_value(*row.email);
  if (row.full_name) out->mutable_full_name()->set_value(*row.full_name);
  if (row.avatar_url) out->mutable_avatar_url()->set_value(*row.avatar_url);
  out->set_subscription_status(row.subscription_status);
  out->set_subscription_tier(row.subscription_tier);
  if (row.subscription_current_period_end_us) {
    *out->mutable_subscription_current_period_end() =
        wire::FromMicros(*row.subscription_current_period_end_us);
  }
  out->set_credits_remaining(row.credits_remaining);
  *out->mutable_created_at() = wire::FromMicros(row.created_at_us);
  *out->mutable_updated_at() = wire::FromMicros(row.updated_at_us);
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
  if (!violations.empty()) return errors::Validation(std::move(violations));
  if (paths.empty()) return errors::InvalidField("body", "give at least one of full_name, avatar_url");
  ProfileChanges changes;
  changes.full_name.present = paths.count("full_name") > 0;
  if (patch.has_full_name()) changes.full_name.value = patch.full_name().value();
  changes.avatar_url.present = paths.count("avatar_url") > 0;
  if (patch.has_avatar_url()) changes.avatar_url.value = patch.avatar_url().value();
  return changes;
}

ProfileServiceImpl::ProfileServiceImpl(ProfileStore* store, ProfileCache* cache, int db_connections)
    : store_(store), cache_(cache), misses_(db_connections) {}

grpc::ServerUnaryReactor* ProfileServiceImpl::GetMyProfile(grpc::CallbackServerContext* context,
                                                           const v1::GetMyProfileRequest*,
                                                           v1::ProfileResponse* response) {
  auto* reactor = context->DefaultReactor();
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) {
    reactor->Finish(grpc_server::Reply(claims.status()));
    return reactor;
  }
  // A hit costs one Redis GET (100 ms at worst, and a dead Redis fails fast
  // for a second): answered here, on gRPC's thread.
  if (auto cached = cache_->Get(claims->sub)) {
    *response->mutable_data() = std::move(*cached);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  const auto deadline = grpc_server::Deadline(*context);
  misses_.Run([this, reactor, response, claims = *std::move(claims), deadline] {
    reactor->Finish(LoadMyProfile(claims, deadline, response));
  });
  return reactor;
}

grpc::Status ProfileServiceImpl::LoadMyProfile(const auth::Claims& claims,
                                               std::chrono::system_clock::time_point deadline,
                                               v1::ProfileResponse* response) {
  absl::StatusOr<v1::Profile> profile = loads_.Do(claims.sub, [&]() -> absl::StatusOr<v1::Profile> {
    auto row = store_->GetOrCreate(claims, deadline);
    if (!row.ok()) return row.status();
    v1::Profile loaded;
    ToProto(*row, &loaded);
    cache_->PutIfAbsent(loaded);
    return loaded;
  });
  if (!profile.ok()) return grpc_server::Reply(profile.status());
  *response->mutable_data() = std::move(*profile);
  return grpc::Status::OK;
}

grpc::Status ProfileServiceImpl::UpdateMyProfile(grpc::ServerContext* context,
                                                 const v1::UpdateMyProfileRequest* request,
                                                 v1::ProfileResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  auto changes = ValidatePatch(*request);
  if (!changes.ok()) return grpc_server::Reply(changes.status());
  auto row = store_->Update(*claims, *changes, grpc_server::Deadline(*context));
  if (!row.ok()) return grpc_server::Reply(row.status());
  ToProto(*row, response->mutable_data());
  cache_->Replace(response->data());
  return grpc::Status::OK;
}

}  // namespace plinth::profile
