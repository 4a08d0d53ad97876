#ifndef PLINTH_SERVICES_ANALYSIS_ANALYSIS_SERVICE_H_
#define PLINTH_SERVICES_ANALYSIS_ANALYSIS_SERVICE_H_

// gRPC AnalysisService (the API side of the LLM feature). Creating an
// analysis records it as `queued` and takes its credit (ledger key
// `analysis:<id>`) in one transaction, then puts it on the job queue.
// Running analyses is the worker's job (worker.h). Watching one is
// watch_stream.h's; cancelling one, the store's cancel function (migration
// 0014) plus the `done` on its live log.

#include <memory>

#include "libs/auth/jwt.h"
#include "libs/grpc_server/handler.h"
#include "plinth/v1/analysis.grpc.pb.h"
#include "services/analysis/analysis_store.h"
#include "services/analysis/job_queue.h"
#include "services/analysis/watch_hub.h"

namespace plinth::analysis {

class AnalysisServiceImpl final
    : public plinth::v1::AnalysisService::WithCallbackMethod_WatchAnalysis<plinth::v1::AnalysisService::Service> {
 public:
  // `queue` may be null (no Redis): the worker's sweeper finds the analyses.
  // `events` (Redis' live logs) may be null: WatchAnalysis is UNAVAILABLE
  // and a cancel writes no `done`. `hub` and `offload` serve WatchAnalysis.
  AnalysisServiceImpl(AnalysisStore* store, JobQueue* queue, std::shared_ptr<redis::RedisClient> events = nullptr,
                      WatchHub* hub = nullptr, grpc_server::Offload* offload = nullptr);

  grpc::Status CreateAnalysis(grpc::ServerContext*, const v1::CreateAnalysisRequest*, v1::AnalysisResponse*) override;
  grpc::Status ListAnalyses(grpc::ServerContext*, const v1::ListAnalysesRequest*, v1::ListAnalysesResponse*) override;
  grpc::Status GetAnalysis(grpc::ServerContext*, const v1::GetAnalysisRequest*, v1::AnalysisResponse*) override;
  grpc::Status CancelAnalysis(grpc::ServerContext*, const v1::CancelAnalysisRequest*, v1::AnalysisResponse*) override;
  // Operators' (CALLER_OPERATOR).
  grpc::Status ListOperatorAnalyses(grpc::ServerContext*, const v1::ListOperatorAnalysesRequest*,
                                    v1::ListOperatorAnalysesResponse*) override;
  grpc::Status GetJobStats(grpc::ServerContext*, const v1::GetJobStatsRequest*, v1::JobStatsResponse*) override;
  grpc::Status RetryAnalyses(grpc::ServerContext*, const v1::OperatorActionRequest*,
                             v1::OperatorActionResponse*) override;
  grpc::Status CancelAnalyses(grpc::ServerContext*, const v1::OperatorActionRequest*,
                              v1::OperatorActionResponse*) override;
  grpc::ServerWriteReactor<v1::AnalysisEvent>* WatchAnalysis(grpc::CallbackServerContext*,
                                                             const v1::WatchAnalysisRequest*) override;

 private:
  absl::StatusOr<v1::AnalysisResponse> Create(const grpc_server::Call& call, const v1::CreateAnalysisRequest& request);
  // Ends the watchers of cancelled analyses: `done` on their live logs.
  void EndLogsOfCancelled(const std::vector<std::string>& ids);
  AnalysisStore* store_;
  JobQueue* queue_;
  std::shared_ptr<redis::RedisClient> events_;
  WatchHub* hub_;
  grpc_server::Offload* offload_;
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_ANALYSIS_SERVICE_H_
