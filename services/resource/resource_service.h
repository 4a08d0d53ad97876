#ifndef PLINTH_SERVICES_RESOURCE_RESOURCE_SERVICE_H_
#define PLINTH_SERVICES_RESOURCE_RESOURCE_SERVICE_H_

// gRPC ResourceService: maps protos to the store and back (admission and the
// protos' field rules: grpc_server::Handle; a PATCH's fields against its
// mask: ValidateUpdate).

#include <memory>

#include "libs/auth/jwt.h"
#include "libs/grpc_server/arena.h"
#include "libs/grpc_server/offload.h"
#include "plinth/v1/profile.grpc.pb.h"
#include "plinth/v1/resource.grpc.pb.h"
#include "services/resource/resource_store.h"

namespace plinth::resource {

// ListResources, the hot read, is on gRPC's callback API: the call is checked
// on gRPC's thread and waits on PostgreSQL on one of `db_connections` threads
// of the service's own (the sync server's hand-offs cost more than the
// query's own work in the resource service, docs/PERFORMANCE.md); the rest
// stays on the sync server.
class ResourceServiceImpl final
    : public plinth::v1::ResourceService::WithCallbackMethod_ListResources<plinth::v1::ResourceService::Service> {
 public:
  // `profiles` creates the caller's profile when a resource is created before
  // the profile was ever read (resources reference profiles).
  ResourceServiceImpl(ResourceStore* store, std::shared_ptr<v1::ProfileService::StubInterface> profiles,
                      int db_connections = 8);

  grpc::Status CreateResource(grpc::ServerContext* context, const v1::CreateResourceRequest* request,
                              v1::ResourceResponse* response) override;
  grpc::ServerUnaryReactor* ListResources(grpc::CallbackServerContext* context, const v1::ListResourcesRequest* request,
                                          v1::ListResourcesResponse* response) override;
  grpc::Status GetResource(grpc::ServerContext* context, const v1::GetResourceRequest* request,
                           v1::ResourceResponse* response) override;
  grpc::Status UpdateResource(grpc::ServerContext* context, const v1::UpdateResourceRequest* request,
                              v1::ResourceResponse* response) override;
  grpc::Status DeleteResource(grpc::ServerContext* context, const v1::DeleteResourceRequest* request,
                              v1::NoContent* response) override;
  // Internal (the analysis worker): processing / completed / failed, which users
  // cannot set through UpdateResource. Returns the resource, content included.
  grpc::Status SetResourceStatus(grpc::ServerContext* context, const v1::SetResourceStatusRequest* request,
                                 v1::ResourceResponse* response) override;

 private:
  ResourceStore* store_;
  std::shared_ptr<v1::ProfileService::StubInterface> profiles_;
  // List queries wait on PostgreSQL here, not on gRPC's threads.
  grpc_server::Offload lists_;
  grpc_server::ArenaAllocator<v1::ListResourcesRequest, v1::ListResourcesResponse> list_messages_;
};

// Requests the field rules accepted, as the store's inputs (declared
// defaults filled in); a PATCH's fields checked against its mask. Exposed
// for tests.
NewResource NewResourceOf(const v1::CreateResourceRequest& request);
ListQuery ListQueryOf(const v1::ListResourcesRequest& request);
absl::StatusOr<ResourceChanges> ValidateUpdate(const v1::UpdateResourceRequest& request);

}  // namespace plinth::resource

#endif  // PLINTH_SERVICES_RESOURCE_RESOURCE_SERVICE_H_
