#include "services/analysis/analysis_service.h"

#include <google/protobuf/util/json_util.h>

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
  } else if (auto s = queue_->Enqueue(id, logging::RequestContext::TraceParent(), call.caller.sub); !s.ok()) {
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
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call& call,
                                    const v1::CancelAnalysisRequest& r) -> absl::StatusOr<v1::AnalysisResponse> {
                               auto row = store_->Cancel(call.caller, r.id(), call.deadline);
                               if (!row.ok()) return row.status();
                               if (row->status == "cancelled") EndLogsOfCancelled({r.id()});
                               v1::AnalysisResponse out;
                               ToProto(*row, out.mutable_data());
                               return out;
                             });
}

void AnalysisServiceImpl::EndLogsOfCancelled(const std::vector<std::string>& ids) {
  if (events_ == nullptr || ids.empty()) return;
  // Their watchers end here (a worker may still write a piece or two after:
  // a watcher stops at the first `done`). Lost when Redis is down: the
  // watchers' check finds the analyses over.
  std::vector<std::vector<std::string>> commands;
  for (const auto& id : ids) {
    commands.push_back(events::AddCommand(id, "done", {{"status", "cancelled"}}));
    commands.push_back({"EXPIRE", events::KeyOf(id), std::to_string(events::kKeepAfterEnd.count())});
  }
  if (auto written = events_->CallPipelined(commands); !written.ok()) {
    logging::Warn("cancels not written to the live logs",
                  {{"analyses", std::to_string(ids.size())}, {"error", std::string(written.status().message())}});
  }
}

namespace {

template <class Request>
OperatorFilter FilterOf(const Request& r) {
  OperatorFilter f;
  if (r.has_user_id()) f.user_id = r.user_id();
  if (r.has_max_age_minutes()) f.max_age_minutes = r.max_age_minutes();
  if (r.has_error_contains()) f.error_contains = r.error_contains();
  return f;
}

AuditEntry AuditOf(const grpc_server::Call& call, const v1::OperatorActionRequest& r) {
  AuditEntry audit;
  audit.operator_id = call.caller.sub;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(r, &audit.request_json, options);
  audit.reason = r.reason();
  audit.request_id = logging::RequestContext::RequestId();
  return audit;
}

void ToProto(const OperatorOutcome& outcome, v1::OperatorActionResponse* out) {
  for (const auto& id : outcome.ids) out->mutable_data()->add_ids(id);
  out->mutable_data()->set_audit_id(outcome.audit_id);
}

}  // namespace

grpc::Status AnalysisServiceImpl::ListOperatorAnalyses(grpc::ServerContext* context,
                                                       const v1::ListOperatorAnalysesRequest* request,
                                                       v1::ListOperatorAnalysesResponse* response) {
  return grpc_server::Handle(context, request, response,
                             [this](const grpc_server::Call& call, const v1::ListOperatorAnalysesRequest& r,
                                    v1::ListOperatorAnalysesResponse* out) {
                               OperatorFilter filter = FilterOf(r);
                               if (r.has_status()) filter.status = r.status();
                               const auto page = static_cast<int32_t>(validation::IntegerOrDefault(r, "page"));
                               const auto limit = static_cast<int32_t>(validation::IntegerOrDefault(r, "limit"));
                               auto rows = store_->ListAll(filter, page, limit, call.deadline);
                               if (!rows.ok()) return rows.status();
                               for (const auto& row : rows->rows) {
                                 auto* item = out->add_data();
                                 item->set_user_id(row.user_id);
                                 ToProto(row.analysis, item->mutable_analysis());
                               }
                               *out->mutable_meta() = wire::PageMeta(page, limit, rows->total);
                               return absl::OkStatus();
                             });
}

grpc::Status AnalysisServiceImpl::GetJobStats(grpc::ServerContext* context, const v1::GetJobStatsRequest* request,
                                              v1::JobStatsResponse* response) {
  return grpc_server::Handle(
      context, request, response,
      [this](const grpc_server::Call& call, const v1::GetJobStatsRequest&) -> absl::StatusOr<v1::JobStatsResponse> {
        auto counts = store_->Counts(call.deadline);
        if (!counts.ok()) return counts.status();
        v1::JobStatsResponse out;
        auto* s = out.mutable_data();
        s->set_queued(counts->queued);
        s->set_running(counts->running);
        s->set_oldest_queued_seconds(counts->oldest_queued_seconds);
        s->set_failed_last_hour(counts->failed_last_hour);
        s->set_succeeded_last_hour(counts->succeeded_last_hour);
        s->set_failed_total(counts->failed_total);
        if (queue_ != nullptr) {
          auto depth = queue_->Depth();
          if (!depth.ok()) return depth.status();
          s->set_queue_depth(static_cast<int32_t>(*depth));
          auto limited = queue_->RateLimitedRecently(5);
          if (!limited.ok()) return limited.status();
          s->set_provider_rate_limited_last_5m(static_cast<int32_t>(*limited));
          auto consumers = queue_->Consumers();
          if (!consumers.ok()) return consumers.status();
          for (const auto& c : *consumers) {
            if (c.in_flight == 0 && c.idle_ms > 600'000) continue;  // long gone
            auto* w = s->add_workers();
            w->set_name(c.name);
            w->set_in_flight(static_cast<int32_t>(c.in_flight));
            w->set_idle_seconds(static_cast<int32_t>(c.idle_ms / 1000));
          }
        }
        return out;
      });
}

namespace {

// An operator action's shell: the store's `act` on the request's ids or
// filter (audited in its transaction), then `after` on what it changed.
template <class Act, class After>
grpc::Status OperatorAction(grpc::ServerContext* context, const v1::OperatorActionRequest* request,
                            v1::OperatorActionResponse* response, const char* done, Act act, After after) {
  return grpc_server::Handle(
      context, request, response,
      [&](const grpc_server::Call& call, const v1::OperatorActionRequest& r,
          v1::OperatorActionResponse* out) -> absl::Status {
        const std::vector<std::string> ids(r.ids().begin(), r.ids().end());
        const auto max = static_cast<int32_t>(validation::IntegerOrDefault(r, "max"));
        absl::StatusOr<OperatorOutcome> outcome = act(ids, FilterOf(r), max, AuditOf(call, r), call.deadline);
        if (!outcome.ok()) return outcome.status();
        after(outcome->ids);
        logging::Info(
            done, {{"count", std::to_string(outcome->ids.size())}, {"audit_id", std::to_string(outcome->audit_id)}});
        ToProto(*outcome, out);
        return absl::OkStatus();
      });
}

}  // namespace

grpc::Status AnalysisServiceImpl::RetryAnalyses(grpc::ServerContext* context, const v1::OperatorActionRequest* request,
                                                v1::OperatorActionResponse* response) {
  return OperatorAction(
      context, request, response, "operator retried analyses",
      [this](auto&&... args) { return store_->RetryFailed(args...); },
      [this](const std::vector<std::string>& ids) {
        // Queued in the database: the sweeper finds any the queue misses.
        if (queue_ == nullptr) return;
        for (const auto& id : ids) (void)queue_->Enqueue(id, logging::RequestContext::TraceParent());
      });
}

grpc::Status AnalysisServiceImpl::CancelAnalyses(grpc::ServerContext* context, const v1::OperatorActionRequest* request,
                                                 v1::OperatorActionResponse* response) {
  return OperatorAction(
      context, request, response, "operator cancelled analyses",
      [this](auto&&... args) { return store_->CancelActive(args...); },
      [this](const std::vector<std::string>& ids) { EndLogsOfCancelled(ids); });
}

grpc::ServerWriteReactor<v1::AnalysisEvent>* AnalysisServiceImpl::WatchAnalysis(
    grpc::CallbackServerContext* context, const v1::WatchAnalysisRequest* request) {
  auto call = grpc_server::Admit(*context, *request);
  if (call.ok() && hub_ == nullptr) call = errors::Unavailable("live analyses need Redis (REDIS_URL)");
  return WatchStream::Start(hub_, store_, offload_, std::move(call), *request);
}

}  // namespace plinth::analysis
