#include "services/resource/resource_service.h"

#include <chrono>
#include <set>

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "libs/errors/errors.h"
#include "libs/grpc_server/access.h"
#include "libs/grpc_server/call.h"
#include "libs/redis/keys.h"
#include "libs/validation/text.h"
#include "libs/wire/wire.h"

namespace plinth::resource {
namespace {

constexpr std::chrono::milliseconds kMaxCallTime{5000};
constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxContent = 100000;
constexpr size_t kMaxMetadataBytes = 16 * 1024;
constexpr int32_t kMaxLimit = 100;

const std::set<std::string> kStatuses = {"pending", "processing", "completed", "failed", "archived"};

using Violations = std::vector<errors::FieldViolation>;

void CheckTitle(const std::string& title, Violations* v) {
  if (auto issue = validation::CheckLine(title, 1, kMaxTitle)) v->push_back({"title", *issue});
}

void CheckContent(const std::string& content, Violations* v) {
  auto n = validation::CodePoints(content);
  if (!n) {
    v->push_back({"content", "must be valid UTF-8"});
  } else if (*n > kMaxContent) {
    v->push_back({"content", "must be at most 100000 characters"});
  } else if (validation::HasControlCharacters(content, /*allow_newlines=*/true)) {
    v->push_back({"content", "must not contain control characters other than newlines and tabs"});
  }
}

// The compact JSON text of a metadata object, or a violation.
std::optional<std::string> MetadataJson(const google::protobuf::Struct& metadata, Violations* v) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(metadata, &json).ok()) {
    v->push_back({"metadata", "must be a JSON object"});
    return std::nullopt;
  }
  if (json.size() > kMaxMetadataBytes) {
    v->push_back({"metadata", "must be at most 16 KiB of JSON"});
    return std::nullopt;
  }
  // PostgreSQL's jsonb cannot hold U+0000.
  if (json.find("\\u0000") != std::string::npos) {
    v->push_back({"metadata", "must not contain NUL characters"});
    return std::nullopt;
  }
  return json;
}

absl::Status CheckId(const std::string& id) {
  if (!auth::IsUuid(id)) return errors::InvalidField("id", "must be a UUID");
  return absl::OkStatus();
}

// jsonb text → Struct. protobuf's JSON parser costs ~10x more per row and
// dominated list profiles (docs/PERFORMANCE.md).
void ToValue(const nlohmann::json& j, google::protobuf::Value* out) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: out->set_null_value(google::protobuf::NULL_VALUE); break;
    case nlohmann::json::value_t::boolean: out->set_bool_value(j.get<bool>()); break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: out->set_number_value(j.get<double>()); break;
    case nlohmann::json::value_t::string: out->set_string_value(j.get_ref<const std::string&>()); break;
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
    default: break;
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

db::Deadline DeadlineOf(const grpc::ServerContext& context) {
  return grpc_server::Deadline(context, kMaxCallTime);
}

}  // namespace

absl::StatusOr<NewResource> ValidateCreate(const v1::CreateResourceRequest& request) {
  Violations v;
  CheckTitle(request.title(), &v);
  CheckContent(request.content(), &v);
  NewResource out{request.title(), request.content(), "{}"};
  if (request.has_metadata()) {
    if (auto json = MetadataJson(request.metadata(), &v)) out.metadata_json = *json;
  }
  if (!v.empty()) return errors::Validation(std::move(v));
  return out;
}

absl::StatusOr<ListQuery> ValidateList(const v1::ListResourcesRequest& request) {
  Violations v;
  ListQuery q;
  std::vector<std::pair<std::string, std::string>> paging;
  validation::CheckPaging(request.has_page(), request.page(), request.has_limit(), request.limit(),
                          kMaxLimit, &paging);
  for (auto& [field, issue] : paging) v.push_back({field, issue});
  if (request.has_page()) q.page = request.page();
  if (request.has_limit()) q.limit = request.limit();
  if (!request.status().empty()) {
    if (kStatuses.count(request.status()) == 0) {
      v.push_back({"status", "must be one of pending, processing, completed, failed, archived"});
    }
    q.status = request.status();
  }
  static const std::map<std::string, SortKey> kSorts = {
      {"created_at", SortKey::kCreatedAsc}, {"-created_at", SortKey::kCreatedDesc},
      {"updated_at", SortKey::kUpdatedAsc}, {"-updated_at", SortKey::kUpdatedDesc},
      {"title", SortKey::kTitleAsc},        {"-title", SortKey::kTitleDesc}};
  if (!request.sort().empty()) {
    auto it = kSorts.find(request.sort());
    if (it == kSorts.end()) {
      v.push_back({"sort", "must be one of created_at, -created_at, updated_at, -updated_at, title, -title"});
    } else {
      q.sort = it->second;
    }
  }
  if (!v.empty()) return errors::Validation(std::move(v));
  return q;
}

absl::StatusOr<ResourceChanges> ValidateUpdate(const v1::UpdateResourceRequest& request) {
  Violations v;
  if (!auth::IsUuid(request.id())) v.push_back({"id", "must be a UUID"});
  ResourceChanges changes;
  const auto& patch = request.resource();
  std::set<std::string> paths;
  for (const auto& path : request.update_mask().paths()) {
    // The gateway derives the mask from the JSON keys and descends into
    // metadata's own keys ("metadata.tags"): metadata is replaced whole.
    paths.insert(path.rfind("metadata.", 0) == 0 ? std::string("metadata") : path);
  }
  for (const auto& path : paths) {
    if (path == "title") {
      CheckTitle(patch.title(), &v);
      changes.title = patch.title();
    } else if (path == "content") {
      CheckContent(patch.content(), &v);
      changes.content = patch.content();
    } else if (path == "metadata") {
      if (!patch.has_metadata()) {
        v.push_back({"metadata", "must be a JSON object (use {} to clear it)"});
      } else if (auto json = MetadataJson(patch.metadata(), &v)) {
        changes.metadata_json = *json;
      }
    } else if (path == "status") {
      if (patch.status() != "archived" && patch.status() != "pending") {
        v.push_back({"status", "can only be set to archived or pending"});
      }
      changes.status = patch.status();
    } else {
      v.push_back({path, "is not a field that can be updated"});
    }
  }
  if (v.empty() && !changes.title && !changes.content && !changes.metadata_json && !changes.status) {
    v.push_back({"body", "give at least one of title, content, metadata, status"});
  }
  if (!v.empty()) return errors::Validation(std::move(v));
  return changes;
}

ResourceServiceImpl::ResourceServiceImpl(ResourceStore* store,
                                         std::shared_ptr<v1::ProfileService::StubInterface> profiles,
                                         std::shared_ptr<redis::RedisClient> redis)
    : store_(store), profiles_(std::move(profiles)), redis_(std::move(redis)) {}

grpc::Status ResourceServiceImpl::CreateResource(grpc::ServerContext* context,
                                                 const v1::CreateResourceRequest* request,
                                                 v1::ResourceResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  auto resource = ValidateCreate(*request);
  if (!resource.ok()) return grpc_server::Reply(resource.status());
  auto row = store_->Create(*claims, *resource, DeadlineOf(*context));
  if (ResourceStore::IsOwnerMissing(row.status())) {
    // First write before any profile read: the profile service creates it.
    v1::ProfileResponse profile;
    auto call = grpc_server::ForwardedContext(*context);
    grpc::Status created = profiles_->GetMyProfile(call.get(), v1::GetMyProfileRequest(), &profile);
    if (!created.ok()) return grpc_server::Reply(errors::FromGrpcStatus(created));
    row = store_->Create(*claims, *resource, DeadlineOf(*context));
  }
  if (!row.ok()) return grpc_server::Reply(row.status());
  ToProto(*row, response->mutable_data());
  return grpc::Status::OK;
}

grpc::Status ResourceServiceImpl::ListResources(grpc::ServerContext* context,
                                                const v1::ListResourcesRequest* request,
                                                v1::ListResourcesResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  auto query = ValidateList(*request);
  if (!query.ok()) return grpc_server::Reply(query.status());
  auto page = store_->List(*claims, *query, DeadlineOf(*context));
  if (!page.ok()) return grpc_server::Reply(page.status());
  for (const auto& row : page->rows) ToProto(row, response->add_data());
  *response->mutable_meta() = wire::PageMeta(query->page, query->limit, page->total);
  return grpc::Status::OK;
}

grpc::Status ResourceServiceImpl::GetResource(grpc::ServerContext* context,
                                              const v1::GetResourceRequest* request,
                                              v1::ResourceResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  if (auto bad = CheckId(request->id()); !bad.ok()) return grpc_server::Reply(bad);
  auto row = store_->Get(*claims, request->id(), DeadlineOf(*context));
  if (!row.ok()) return grpc_server::Reply(row.status());
  ToProto(*row, response->mutable_data());
  return grpc::Status::OK;
}

grpc::Status ResourceServiceImpl::UpdateResource(grpc::ServerContext* context,
                                                 const v1::UpdateResourceRequest* request,
                                                 v1::ResourceResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  auto changes = ValidateUpdate(*request);
  if (!changes.ok()) return grpc_server::Reply(changes.status());
  auto row = store_->Update(*claims, request->id(), *changes, DeadlineOf(*context));
  if (!row.ok()) return grpc_server::Reply(row.status());
  ToProto(*row, response->mutable_data());
  return grpc::Status::OK;
}

grpc::Status ResourceServiceImpl::DeleteResource(grpc::ServerContext* context,
                                                 const v1::DeleteResourceRequest* request,
                                                 v1::NoContent*) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  if (auto bad = CheckId(request->id()); !bad.ok()) return grpc_server::Reply(bad);
  auto deleted = store_->Delete(*claims, request->id(), DeadlineOf(*context));
  if (!deleted.ok()) return grpc_server::Reply(deleted);
  redis::InvalidateProfile(redis_.get(), claims->sub);
  return grpc::Status::OK;
}

grpc::Status ResourceServiceImpl::SetResourceStatus(grpc::ServerContext* context,
                                                    const v1::SetResourceStatusRequest* request,
                                                    v1::ResourceResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  std::vector<errors::FieldViolation> violations;
  if (!CheckId(request->id()).ok()) violations.push_back({"id", "must be a UUID"});
  if (request->status() != "processing" && request->status() != "completed" && request->status() != "failed") {
    violations.push_back({"status", "must be one of processing, completed, failed"});
  }
  if (!violations.empty()) return grpc_server::Reply(errors::Validation(std::move(violations)));
  ResourceChanges changes;
  changes.status = request->status();
  auto row = store_->Update(*claims, request->id(), changes, DeadlineOf(*context));
  if (!row.ok()) return grpc_server::Reply(row.status());
  ToProto(*row, response->mutable_data());
  return grpc::Status::OK;
}

}  // namespace plinth::resource
