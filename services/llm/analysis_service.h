#ifndef PLINTH_SERVICES_LLM_ANALYSIS_SERVICE_H_
#define PLINTH_SERVICES_LLM_ANALYSIS_SERVICE_H_

// gRPC AnalysisService (the API side of the LLM feature). Creating an
// analysis checks the resource through ResourceService, takes one credit
// through BillingService (key `analysis:<id>`), then records the analysis as
// `queued` and puts it on the job queue; anything failing after the credit
// was taken gives it back. Running analyses is the worker's job (worker.h).

#include <memory>

#include "libs/auth/jwt.h"
#include "plinth/v1/analysis.grpc.pb.h"
#include "plinth/v1/billing.grpc.pb.h"
#include "plinth/v1/resource.grpc.pb.h"
#include "services/llm/analysis_store.h"
#include "services/llm/job_queue.h"

namespace plinth::llm {

constexpr char kDefaultPrompt[] =
    "Summarise this resource in a few sentences, then list its key points.";

class AnalysisServiceImpl final : public plinth::v1::AnalysisService::Service {
 public:
  AnalysisServiceImpl(const auth::JwtVerifier* verifier, AnalysisStore* store,
                      std::shared_ptr<v1::ResourceService::StubInterface> resources,
                      std::shared_ptr<v1::BillingService::StubInterface> billing, JobQueue* queue);

  grpc::Status CreateAnalysis(grpc::ServerContext*, const v1::CreateAnalysisRequest*, v1::AnalysisResponse*) override;
  grpc::Status ListAnalyses(grpc::ServerContext*, const v1::ListAnalysesRequest*, v1::ListAnalysesResponse*) override;
  grpc::Status GetAnalysis(grpc::ServerContext*, const v1::GetAnalysisRequest*, v1::AnalysisResponse*) override;

 private:
  absl::Status CheckResource(grpc::ServerContext* context, const std::string& resource_id);
  void Refund(grpc::ServerContext* context, const std::string& key);

  const auth::JwtVerifier* verifier_;
  AnalysisStore* store_;
  std::shared_ptr<v1::ResourceService::StubInterface> resources_;
  std::shared_ptr<v1::BillingService::StubInterface> billing_;
  JobQueue* queue_;  // null without Redis: the worker's sweeper finds the analyses
};

}  // namespace plinth::llm

#endif  // PLINTH_SERVICES_LLM_ANALYSIS_SERVICE_H_
