#include "services/analysis/analysis_service.h"

#include "libs/errors/errors.h"
#include "libs/grpc_server/handler.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"
#include "libs/validation/rules.h"
#include "libs/wire/wire.h"

namespace plinth::analysis {
namespace {

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
  out->mutable_usage()->set_cache_read_input_tokens(row.cache_read_input_tokens);
  out->mutable_usage()->set_cache_write_input_tokens(row.cache_write_input_tokens);
  out->set_attempts(row.attempts);
  *out->mutable_created_at() = wire::FromMicros(row.created_at_us);
  if (row.started_at_us) *out->mutable_started_at() = wire::FromMicros(*row.started_at_us);
  if (row.completed_at_us) *out->mutable_completed_at() = wire::FromMicros(*row.completed_at_us);
}

}  // namespace

AnalysisServiceImpl::AnalysisServiceImpl(AnalysisStore* store, JobQueue* queue) : store_(store), queue_(queue) {}

absl::StatusOr<v1::AnalysisResponse> AnalysisServiceImpl::Create(const grpc_server::Call& call,
                                                                 const v1::CreateAnalysisRequest& request) {
  const std::string prompt = validation::TextOrDefault(request, "prompt");
  const std::string id = auth::NewUuid();
  auto row = store_->Create(call.caller, id, request.resource_id(), prompt, call.deadline);
  if (!row.ok()) return row.status();
  static auto& consumed =
      metrics::CounterFamily("plinth_credits_total", "Credits moved, by kind.").Add({{"kind", "consumed"}});
  consumed.Increment();
  // The row is the record; a failed enqueue only delays the analysis until
  // the worker's sweeper finds it.
  if (queue_ == nullptr) {
    logging::Warn("no job queue (REDIS_URL unset): the analysis waits for the sweeper", {{"analysis_id", id}});
  } else if (auto s = queue_->Enqueue(id, logging::RequestContext::TraceParent()); !s.ok()) {
    logging::Warn("enqueue failed: the analysis waits for the sweeper",
                  {{"analysis_id", id}, {"error", std::string(s.message())}});
  }
  v1::AnalysisResponse out;
  ToProto(*row, out.mutable_data());
  return out;
}

grpc::Status AnalysisServiceImpl::CreateAnalysis(grpc::ServerContext* context, const v1::CreateAnalysisRequest* request,
                                                 v1::AnalysisResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::CreateAnalysisRequest& r) { return Create(call, r); });
}

grpc::Status AnalysisServiceImpl::ListAnalyses(grpc::ServerContext* context, const v1::ListAnalysesRequest* request,
                                               v1::ListAnalysesResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::ListAnalysesRequest& r, v1::ListAnalysesResponse* out) {
        const auto page = static_cast<int32_t>(validation::IntegerOrDefault(r, "page"));
        const auto limit = static_cast<int32_t>(validation::IntegerOrDefault(r, "limit"));
        auto rows = store_->List(call.caller, r.resource_id(), page, limit, call.deadline);
        if (!rows.ok()) return rows.status();
        for (const auto& row : rows->rows) ToProto(row, out->add_data());
        *out->mutable_meta() = wire::PageMeta(page, limit, rows->total);
        return absl::OkStatus();
      });
}

grpc::Status AnalysisServiceImpl::GetAnalysis(grpc::ServerContext* context, const v1::GetAnalysisRequest* request,
                                              v1::AnalysisResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::GetAnalysisRequest& r) -> absl::StatusOr<v1::AnalysisResponse> {
        auto row = store_->Get(call.caller, r.id(), call.deadline);
        if (!row.ok()) return row.status();
        v1::AnalysisResponse out;
        ToProto(*row, out.mutable_data());
        return out;
      });
}

}  // namespace plinth::analysis
