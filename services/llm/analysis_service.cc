#include "services/llm/analysis_service.h"

#include <chrono>


#include "libs/errors/errors.h"
#include "libs/grpc_server/access.h"
#include "libs/grpc_server/call.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"
#include "libs/redis/keys.h"
#include "libs/validation/text.h"
#include "libs/wire/wire.h"

namespace plinth::llm {
namespace {

constexpr std::chrono::milliseconds kMaxCallTime{5000};
constexpr size_t kMaxPrompt = 4000;
constexpr int32_t kMaxLimit = 100;

void ToProto(const AnalysisRow& row, v1::Analysis* out) {
  out->set_id(row.id);
  out->set_resource_id(row.resource_id);
  out->set_status(row.status);
  out->set_prompt(row.prompt);
  if (row.model) out->mutable_model()->set_value(*row.model);
  if (row.output) out->mutable_output()->set_value(*row.output);
  if (row.error) out->mutable_error()->set_value(*row.error);
  out->mutable_usage()->set_input_tokens(row.input_tokens);
  out->mutable_usage()->set_output_tokens(row.output_tokens);
  out->set_attempts(row.attempts);
  *out->mutable_created_at() = wire::FromMicros(row.created_at_us);
  if (row.started_at_us) *out->mutable_started_at() = wire::FromMicros(*row.started_at_us);
  if (row.completed_at_us) *out->mutable_completed_at() = wire::FromMicros(*row.completed_at_us);
}

db::Deadline DeadlineOf(const grpc::ServerContext& c) { return grpc_server::Deadline(c, kMaxCallTime); }

}  // namespace

AnalysisServiceImpl::AnalysisServiceImpl(AnalysisStore* store,
                                         std::shared_ptr<v1::ResourceService::StubInterface> resources,
                                         std::shared_ptr<redis::RedisClient> redis, JobQueue* queue)
    : store_(store), resources_(std::move(resources)), redis_(std::move(redis)), queue_(queue) {}

absl::Status AnalysisServiceImpl::CheckResource(grpc::ServerContext* context, const std::string& resource_id) {
  v1::GetResourceRequest request;
  request.set_id(resource_id);
  v1::ResourceResponse response;
  auto call = grpc_server::ForwardedContext(*context);
  return errors::FromGrpcStatus(resources_->GetResource(call.get(), request, &response));
}

grpc::Status AnalysisServiceImpl::CreateAnalysis(grpc::ServerContext* context,
                                                 const v1::CreateAnalysisRequest* request,
                                                 v1::AnalysisResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  std::vector<errors::FieldViolation> v;
  if (!auth::IsUuid(request->resource_id())) v.push_back({"resource_id", "must be a UUID"});
  std::string prompt = request->prompt().empty() ? kDefaultPrompt : request->prompt();
  auto chars = validation::CodePoints(prompt);
  if (!chars) {
    v.push_back({"prompt", "must be valid UTF-8"});
  } else if (*chars > kMaxPrompt) {
    v.push_back({"prompt", "must be at most 4000 characters"});
  } else if (validation::HasControlCharacters(prompt, /*allow_newlines=*/true)) {
    v.push_back({"prompt", "must not contain control characters other than newlines and tabs"});
  }
  if (!v.empty()) return grpc_server::Reply(errors::Validation(std::move(v)));

  const std::string id = auth::NewUuid();
  auto row = store_->Create(*claims, id, request->resource_id(), prompt, DeadlineOf(*context));
  if (!row.ok()) return grpc_server::Reply(row.status());
  redis::InvalidateProfile(redis_.get(), claims->sub);
  static auto& consumed = metrics::CounterFamily("plinth_credits_total", "Credits moved, by kind.")
                              .Add({{"kind", "consumed"}});
  consumed.Increment();
  // The row is the record; a failed enqueue only delays the analysis until
  // the worker's sweeper finds it.
  if (queue_ == nullptr) {
    logging::Warn("no job queue (REDIS_URL unset): the analysis waits for the sweeper", {{"analysis_id", id}});
  } else if (auto s = queue_->Enqueue(id, logging::RequestContext::TraceParent()); !s.ok()) {
    logging::Warn("enqueue failed: the analysis waits for the sweeper",
                  {{"analysis_id", id}, {"error", std::string(s.message())}});
  }
  ToProto(*row, response->mutable_data());
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::ListAnalyses(grpc::ServerContext* context, const v1::ListAnalysesRequest* request,
                                               v1::ListAnalysesResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  std::vector<std::pair<std::string, std::string>> issues;
  if (!auth::IsUuid(request->resource_id())) issues.push_back({"resource_id", "must be a UUID"});
  validation::CheckPaging(request->has_page(), request->page(), request->has_limit(), request->limit(), kMaxLimit,
                          &issues);
  if (!issues.empty()) {
    std::vector<errors::FieldViolation> v;
    for (auto& [f, i] : issues) v.push_back({f, i});
    return grpc_server::Reply(errors::Validation(std::move(v)));
  }
  // Another user's resource is a 404, not an empty list.
  if (auto s = CheckResource(context, request->resource_id()); !s.ok()) return grpc_server::Reply(s);
  const int32_t page = request->has_page() ? request->page() : 1;
  const int32_t limit = request->has_limit() ? request->limit() : 20;
  auto rows = store_->List(*claims, request->resource_id(), page, limit, DeadlineOf(*context));
  if (!rows.ok()) return grpc_server::Reply(rows.status());
  for (const auto& row : rows->rows) ToProto(row, response->add_data());
  *response->mutable_meta() = wire::PageMeta(page, limit, rows->total);
  return grpc::Status::OK;
}

grpc::Status AnalysisServiceImpl::GetAnalysis(grpc::ServerContext* context, const v1::GetAnalysisRequest* request,
                                              v1::AnalysisResponse* response) {
  auto claims = grpc_server::CallerOf(*context);
  if (!claims.ok()) return grpc_server::Reply(claims.status());
  if (!auth::IsUuid(request->id())) return grpc_server::Reply(errors::InvalidField("id", "must be a UUID"));
  auto row = store_->Get(*claims, request->id(), DeadlineOf(*context));
  if (!row.ok()) return grpc_server::Reply(row.status());
  ToProto(*row, response->mutable_data());
  return grpc::Status::OK;
}

}  // namespace plinth::llm
