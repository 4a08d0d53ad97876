#include "services/resource/resource_service.h"

#include <map>
#include <set>

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "libs/errors/errors.h"
#include "libs/grpc_server/handler.h"
#include "libs/validation/rules.h"
#include "libs/wire/wire.h"

namespace plinth::resource {
namespace {

using Violations = std::vector<errors::FieldViolation>;

// The compact JSON text of a metadata object that CheckFields accepted.
std::string MetadataJson(const google::protobuf::Struct& metadata) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(metadata, &json);
  return json;
}

// jsonb text → Struct. protobuf's JSON parser costs ~10x more per row and
// dominated list profiles (docs/PERFORMANCE.md).
void ToValue(const nlohmann::json& j, google::protobuf::Value* out) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      out->set_null_value(google::protobuf::NULL_VALUE);
      break;
    case nlohmann::json::value_t::boolean:
      out->set_bool_value(j.get<bool>());
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      out->set_number_value(j.get<double>());
      break;
    case nlohmann::json::value_t::string:
      out->set_string_value(j.get_ref<const std::string&>());
      break;
    case nlohmann::json::value_t::array: {
      auto* list = out->mutable_list_value();
      for (const auto& item : j) ToValue(item, list->add_values());
      break;
    }
    case nlohmann::json::value_t::object: {
      auto* fields = out->mutable_struct_value()->mutable_fields();
      for (const auto& [key, value] : j.items()) ToValue(value, &(*fields)[key]);
      break;
    }
    default:
      break;
  }
}

void MetadataToProto(const std::string& json_text, google::protobuf::Struct* out) {
  auto j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  auto* fields = out->mutable_fields();
  for (const auto& [key, value] : j.items()) ToValue(value, &(*fields)[key]);
}

void ToProto(const ResourceRow& row, v1::Resource* out) {
  out->set_id(row.id);
  out->set_user_id(row.user_id);
  out->set_title(row.title);
  out->set_content(row.content);
  out->set_content_truncated(row.content_truncated);
  MetadataToProto(row.metadata_json, out->mutable_metadata());
  out->set_status(row.status);
  *out->mutable_created_at() = wire::FromMicros(row.created_at_us);
  *out->mutable_updated_at() = wire::FromMicros(row.updated_at_us);
}

// A resource row as the response, or the store's error.
absl::StatusOr<v1::ResourceResponse> Respond(const absl::StatusOr<ResourceRow>& row) {
  if (!row.ok()) return row.status();
  v1::ResourceResponse out;
  ToProto(*row, out.mutable_data());
  return out;
}

}  // namespace

NewResource NewResourceOf(const v1::CreateResourceRequest& request) {
  return NewResource{
      request.title(), request.content(),
      request.has_metadata() ? MetadataJson(request.metadata()) : validation::DefaultJsonText(request, "metadata")};
}

ListQuery ListQueryOf(const v1::ListResourcesRequest& request) {
  ListQuery q;
  q.page = static_cast<int32_t>(validation::IntegerOrDefault(request, "page"));
  q.limit = static_cast<int32_t>(validation::IntegerOrDefault(request, "limit"));
  if (request.has_status()) q.status = request.status();
  q.sort = validation::TextOrDefault(request, "sort");
  return q;
}

absl::StatusOr<ResourceChanges> ValidateUpdate(const v1::UpdateResourceRequest& request) {
  Violations v;
  std::set<std::string> paths;
  for (const auto& path : request.update_mask().paths()) {
    // The gateway derives the mask from the JSON keys and descends into
    // metadata's own keys ("metadata.tags"): metadata is replaced whole.
    paths.insert(path.rfind("metadata.", 0) == 0 ? std::string("metadata") : path);
  }
  const auto& patch = request.resource();
  validation::CheckFields(patch, &v, &paths);
  ResourceChanges changes;
  for (const auto& path : paths) {
    if (path == "title") {
      changes.title = patch.title();
    } else if (path == "content") {
      changes.content = patch.content();
    } else if (path == "metadata") {
      if (patch.has_metadata()) changes.metadata_json = MetadataJson(patch.metadata());  // null: CheckFields said so
    } else if (path == "status") {
      changes.status = patch.status();
    } else {
      v.push_back({path, "is not a field that can be updated"});
    }
  }
  if (v.empty() && paths.empty()) {
    v.push_back({"body", "give at least one of title, content, metadata, status"});
  }
  if (!v.empty()) return errors::Validation(v);
  return changes;
}

ResourceServiceImpl::ResourceServiceImpl(ResourceStore* store,
                                         std::shared_ptr<v1::ProfileService::StubInterface> profiles,
                                         int db_connections)
    : store_(store), profiles_(std::move(profiles)), lists_(db_connections) {
  SetMessageAllocatorFor_ListResources(&list_messages_);
}

grpc::Status ResourceServiceImpl::CreateResource(grpc::ServerContext* context, const v1::CreateResourceRequest* request,
                                                 v1::ResourceResponse* response) {
  return grpc_server::Handle(
      context, request, response, [this](const grpc_server::Call& call, const v1::CreateResourceRequest& r) {
        const NewResource resource = NewResourceOf(r);
        auto row = store_->Create(call.caller, resource, call.deadline);
        if (ResourceStore::IsOwnerMissing(row.status())) {
          // First write before any profile read: the profile service creates it.
          v1::ProfileResponse profile;
          auto forwarded = grpc_server::ForwardedContext(*call.context);
          grpc::Status created = profiles_->GetMyProfile(forwarded.get(), v1::GetMyProfileRequest(), &profile);
          if (!created.ok()) return absl::StatusOr<v1::ResourceResponse>(errors::FromGrpcStatus(created));
          row = store_->Create(call.caller, resource, call.deadline);
        }
        return Respond(row);
      });
}

grpc::ServerUnaryReactor* ResourceServiceImpl::ListResources(grpc::CallbackServerContext* context,
                                                             const v1::ListResourcesRequest* request,
                                                             v1::ListResourcesResponse* response) {
  // The response lives on gRPC's arena (list_messages_): filled in place.
  return grpc_server::HandleOffloaded(
      context, request, response, &lists_,
      [this](const grpc_server::Call& call, const v1::ListResourcesRequest& r, v1::ListResourcesResponse* out) {
        const ListQuery query = ListQueryOf(r);
        auto page = store_->List(call.caller, query, call.deadline);
        if (!page.ok()) return page.status();
        for (const auto& row : page->rows) ToProto(row, out->add_data());
        *out->mutable_meta() = wire::PageMeta(query.page, query.limit, page->total);
        return absl::OkStatus();
      });
}

grpc::Status ResourceServiceImpl::GetResource(grpc::ServerContext* context, const v1::GetResourceRequest* request,
                                              v1::ResourceResponse* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call& call, const v1::GetResourceRequest& r) {
                               return Respond(store_->Get(call.caller, r.id(), call.deadline));
                             });
}

grpc::Status ResourceServiceImpl::UpdateResource(grpc::ServerContext* context, const v1::UpdateResourceRequest* request,
                                                 v1::ResourceResponse* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call& call, const v1::UpdateResourceRequest& r) {
                               auto changes = ValidateUpdate(r);
                               if (!changes.ok()) return absl::StatusOr<v1::ResourceResponse>(changes.status());
                               return Respond(store_->Update(call.caller, r.id(), *changes, call.deadline));
                             });
}

grpc::Status ResourceServiceImpl::DeleteResource(grpc::ServerContext* context, const v1::DeleteResourceRequest* request,
                                                 v1::NoContent* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call& call, const v1::DeleteResourceRequest& r, v1::NoContent*) {
                               return store_->Delete(call.caller, r.id(), call.deadline);
                             });
}

grpc::Status ResourceServiceImpl::SetResourceStatus(grpc::ServerContext* context,
                                                    const v1::SetResourceStatusRequest* request,
                                                    v1::ResourceResponse* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call& call, const v1::SetResourceStatusRequest& r) {
                               ResourceChanges changes;
                               changes.status = r.status();
                               return Respond(store_->Update(call.caller, r.id(), changes, call.deadline));
                             });
}

}  // namespace plinth::resource
