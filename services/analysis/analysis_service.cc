#include "services/analysis/analysis_service.h"

#include "libs/errors/errors.h"
#include "libs/grpc_server/handler.h"
#include "libs/logging/logging.h"
#include "libs/metrics/metrics.h"
#include "libs/validation/rules.h"
#include "libs/wire/wire.h"
#include "services/analysis/events.h"
#include "services/analysis/watch_stream.h"

namespace plinth::analysis {
namespace {}  // namespace

AnalysisServiceImpl::AnalysisServiceImpl(AnalysisStore* store, JobQueue* queue,
                                         std::shared_ptr<redis::RedisClient> events, WatchHub* hub,
                                         grpc_server::Offload* offload)
    : store_(store), queue_(queue), events_(std::move(events)), hub_(hub), offload_(offload) {}

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

grpc::Status AnalysisServiceImpl::CancelAnalysis(grpc::ServerContext* context, const v1::CancelAnalysisRequest* request,
                                                 v1::AnalysisResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call,
             const v1::CancelAnalysisRequest& r) -> absl::StatusOr<v1::AnalysisResponse> {
        auto row = store_->Cancel(call.caller, r.id(), call.deadline);
        if (!row.ok()) return row.status();
        if (row->status == "cancelled" && events_ != nullptr) {
          // Its watchers end here (a worker may still write a piece or two
          // after: a watcher stops at the first `done`). Lost when Redis is
          // down: the watchers' check finds the analysis over.
          auto written = events_->CallPipelined(
              {events::AddCommand(r.id(), "done", {{"status", "cancelled"}}),
               {"EXPIRE", events::KeyOf(r.id()), std::to_string(events::kKeepAfterEnd.count())}});
          if (!written.ok()) {
            logging::Warn("cancel not written to the live log",
                          {{"analysis_id", r.id()}, {"error", std::string(written.status().message())}});
          }
        }
        v1::AnalysisResponse out;
        ToProto(*row, out.mutable_data());
        return out;
      });
}

grpc::ServerWriteReactor<v1::AnalysisEvent>* AnalysisServiceImpl::WatchAnalysis(
    grpc::CallbackServerContext* context, const v1::WatchAnalysisRequest* request) {
  auto call = grpc_server::Admit(*context, *request);
  if (call.ok() && hub_ == nullptr) call = errors::Unavailable("live analyses need Redis (REDIS_URL)");
  return WatchStream::Start(hub_, store_, offload_, std::move(call), *request);
}

}  // namespace plinth::analysis
