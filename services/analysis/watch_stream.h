#ifndef PLINTH_SERVICES_ANALYSIS_WATCH_STREAM_H_
#define PLINTH_SERVICES_ANALYSIS_WATCH_STREAM_H_

// One WatchAnalysis call on gRPC's callback API: no thread of its own. It
// reads the analysis from PostgreSQL as the caller (its ownership: another
// user's id is NOT_FOUND), answers `done` at once for an analysis over, and
// otherwise joins the process's WatchHub, turning log entries into events
// until the log's `done`, when it answers the analysis as PostgreSQL has it
// and ends.
//
// A reader slower than the log gets what waits as fewer events (pieces of
// one attempt joined); one that stopped reading holds at most
// kMaxQueuedBytes here; beyond, the call ends RESOURCE_EXHAUSTED.

#include <deque>
#include <optional>
#include <string>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include "libs/grpc_server/handler.h"
#include "libs/grpc_server/offload.h"
#include "plinth/v1/analysis.pb.h"
#include "services/analysis/analysis_store.h"
#include "services/analysis/watch_hub.h"

namespace plinth::analysis {

// The analysis as the API answers it.
void ToProto(const AnalysisRow& row, v1::Analysis* out);

// An analysis's entry as its event (false: not one a client sees).
bool ToEvent(const LogEntry& entry, v1::AnalysisEvent* out);

class WatchStream final : public grpc::ServerWriteReactor<v1::AnalysisEvent>, public WatchHub::Watcher {
 public:
  static constexpr size_t kMaxQueuedBytes = 1 << 20;
  // Queued pieces are joined into one event up to this size.
  static constexpr size_t kMaxJoinedBytes = 16 << 10;

  // Starts the call (answers the refusal when `call` is one).
  static grpc::ServerWriteReactor<v1::AnalysisEvent>* Start(WatchHub* hub, AnalysisStore* store,
                                                            grpc_server::Offload* offload,
                                                            absl::StatusOr<grpc_server::Call> call,
                                                            const v1::WatchAnalysisRequest& request);

  void OnEntries(const std::vector<LogEntry>& entries) override;
  void OnClosing() override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  WatchStream(WatchHub* hub, AnalysisStore* store, grpc_server::Offload* offload, grpc_server::Call call,
              std::string analysis_id, std::string after);
  // On the offload: the analysis's state, then the hub.
  void Begin();
  // On the offload: the analysis as it ended (or its absence), then the end.
  void Conclude();
  void Push(v1::AnalysisEvent event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriteNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends with `status` once the queue is written (at once when `now`) and no
  // offloaded work refers to the call.
  void End(grpc::Status status, bool now = false) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishIfDue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  WatchHub* hub_;
  AnalysisStore* store_;
  grpc_server::Offload* offload_;
  const grpc_server::Call call_;
  const std::string analysis_id_, after_;

  absl::Mutex mu_;
  std::deque<v1::AnalysisEvent> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  v1::AnalysisEvent writing_ ABSL_GUARDED_BY(mu_);  // alive until OnWriteDone
  bool write_pending_ ABSL_GUARDED_BY(mu_) = false;
  int offloaded_ ABSL_GUARDED_BY(mu_) = 0;
  bool concluding_ ABSL_GUARDED_BY(mu_) = false;
  bool watching_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> ending_ ABSL_GUARDED_BY(mu_);
  bool end_now_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WATCH_STREAM_H_
