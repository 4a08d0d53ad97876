#ifndef PLINTH_SERVICES_PROFILE_PROFILE_SERVICE_H_
#define PLINTH_SERVICES_PROFILE_PROFILE_SERVICE_H_

// gRPC ProfileService: maps between protos and the store's rows (admission
// and the protos' field rules: grpc_server::Handle).

#include "libs/auth/jwt.h"
#include "libs/grpc_server/handler.h"
#include "plinth/v1/profile.grpc.pb.h"
#include "libs/singleflight/singleflight.h"
#include "services/profile/profile_cache.h"
#include "services/profile/profile_store.h"

namespace plinth::profile {

// GetMyProfile, the hot read, is on gRPC's callback API (no thread hand-off
// for a cache hit: ~45 % less CPU per call than the sync server,
// docs/PERFORMANCE.md); the rest stays on the sync server.
class ProfileServiceImpl final
    : public plinth::v1::ProfileService::WithCallbackMethod_GetMyProfile<plinth::v1::ProfileService::Service> {
 public:
  // `db_connections`: the pool's size, the threads cache misses wait on.
  ProfileServiceImpl(ProfileStore* store, ProfileCache* cache, int db_connections = 8);

  grpc::ServerUnaryReactor* GetMyProfile(grpc::CallbackServerContext* context, const v1::GetMyProfileRequest* request,
                                         v1::ProfileResponse* response) override;
  grpc::Status UpdateMyProfile(grpc::ServerContext* context, const v1::UpdateMyProfileRequest* request,
                               v1::ProfileResponse* response) override;

 private:
  // A cache miss: the profile from PostgreSQL (created on first sight).
  absl::Status LoadMyProfile(const grpc_server::Call& call, v1::ProfileResponse* response);

  ProfileStore* store_;
  ProfileCache* cache_;
  // Concurrent cache misses for one user → one database read.
  singleflight::Group<absl::StatusOr<v1::Profile>> loads_;
  // Cache misses wait on PostgreSQL here, not on gRPC's threads.
  grpc_server::Offload misses_;
};

// Validates a PATCH body against its update mask (exposed for tests).
absl::StatusOr<ProfileChanges> ValidatePatch(const v1::UpdateMyProfileRequest& request);

}  // namespace plinth::profile

#endif  // PLINTH_SERVICES_PROFILE_PROFILE_SERVICE_H_
