#ifndef PLINTH_SERVICES_PROFILE_PROFILE_SERVICE_H_
#define PLINTH_SERVICES_PROFILE_PROFILE_SERVICE_H_

// gRPC ProfileService: authenticates the caller, validates input and maps
// between protos and the store's rows.

#include "libs/auth/jwt.h"
#include "plinth/v1/profile.grpc.pb.h"
#include "libs/singleflight/singleflight.h"
#include "services/profile/profile_cache.h"
#include "services/profile/profile_store.h"

namespace plinth::profile {

class ProfileServiceImpl final : public plinth::v1::ProfileService::Service {
 public:
  ProfileServiceImpl(ProfileStore* store, ProfileCache* cache);

  grpc::Status GetMyProfile(grpc::ServerContext* context, const v1::GetMyProfileRequest* request,
                            v1::ProfileResponse* response) override;
  grpc::Status UpdateMyProfile(grpc::ServerContext* context,
                               const v1::UpdateMyProfileRequest* request,
                               v1::ProfileResponse* response) override;

 private:
  ProfileStore* store_;
  ProfileCache* cache_;
  // Concurrent cache misses for one user → one database read.
  singleflight::Group<absl::StatusOr<v1::Profile>> loads_;
};

// Validates a PATCH body against its update mask (exposed for tests).
absl::StatusOr<ProfileChanges> ValidatePatch(const v1::UpdateMyProfileRequest& request);

}  // namespace plinth::profile

#endif  // PLINTH_SERVICES_PROFILE_PROFILE_SERVICE_H_
