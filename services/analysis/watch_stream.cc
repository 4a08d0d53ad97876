#include "services/analysis/watch_stream.h"

#include <utility>

#include "libs/errors/errors.h"
#include "libs/grpc_server/call.h"
#include "libs/wire/wire.h"

namespace plinth::analysis {
namespace {

// The database reads of a stream, at its start and at its end (minutes
// later, whatever the call's own deadline).
db::Deadline Soon() { return std::chrono::system_clock::now() + std::chrono::seconds(5); }

bool Over(const std::string& status) { return status != "queued" && status != "running"; }

int32_t Int(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end()) return 0;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    return 0;
  }
}

class Refused final : public grpc::ServerWriteReactor<v1::AnalysisEvent> {
 public:
  explicit Refused(const absl::Status& status) { Finish(grpc_server::Reply(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

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

bool ToEvent(const LogEntry& entry, v1::AnalysisEvent* out) {
  const auto field = [&](const std::string& name) {
    auto it = entry.fields.find(name);
    return it == entry.fields.end() ? std::string() : it->second;
  };
  out->set_id(entry.id);
  if (entry.type == "delta") {
    out->mutable_delta()->set_attempt(Int(entry.fields, "attempt"));
    out->mutable_delta()->set_text(field("text"));
    return true;
  }
  if (entry.type == "status") {
    const std::string status = field("status");
    if (status != "queued" && status != "running") return false;
    auto* s = out->mutable_status();
    s->set_status(status);
    s->set_attempt(Int(entry.fields, "attempt"));
    if (!field("error").empty()) s->mutable_error()->set_value(field("error"));
    s->set_retry_in_s(Int(entry.fields, "retry_in_s"));
    return true;
  }
  return false;
}

grpc::ServerWriteReactor<v1::AnalysisEvent>* WatchStream::Start(WatchHub* hub, AnalysisStore* store,
                                                                grpc_server::Offload* offload,
                                                                absl::StatusOr<grpc_server::Call> call,
                                                                const v1::WatchAnalysisRequest& request) {
  if (!call.ok()) return new Refused(call.status());
  // Last-Event-ID (a reconnection's) wins over the URL's `after`.
  auto* stream = new WatchStream(hub, store, offload, *std::move(call), request.id(),
                                 request.last_event_id().empty() ? request.after() : request.last_event_id());
  {
    absl::MutexLock lock(&stream->mu_);
    ++stream->offloaded_;
  }
  offload->Run([stream] { stream->Begin(); });
  return stream;
}

WatchStream::WatchStream(WatchHub* hub, AnalysisStore* store, grpc_server::Offload* offload, grpc_server::Call call,
                         std::string analysis_id, std::string after)
    : hub_(hub),
      store_(store),
      offload_(offload),
      call_(std::move(call)),
      analysis_id_(std::move(analysis_id)),
      after_(std::move(after)) {}

void WatchStream::Begin() {
  auto row = store_->Get(call_.caller, analysis_id_, Soon());
  bool watch = false;
  {
    absl::MutexLock lock(&mu_);
    if (!row.ok()) {
      End(grpc_server::Reply(row.status()));
    } else if (Over(row->status)) {
      v1::AnalysisEvent done;
      ToProto(*row, done.mutable_done());
      Push(std::move(done));
      End(grpc::Status::OK);
    } else {
      watch = !ending_.has_value();
      watching_ = watch;
      // Admitted: the headers go now, so that the caller (the gateway)
      // starts its response before the first event, however long that
      // takes (a queued analysis waits for a worker).
      if (watch) StartSendInitialMetadata();
    }
  }
  // Never with mu_ held: the hub calls OnEntries with its own lock held.
  if (watch) hub_->Add(analysis_id_, after_, this);
  absl::MutexLock lock(&mu_);
  --offloaded_;
  FinishIfDue();
}

void WatchStream::OnEntries(const std::vector<LogEntry>& entries) {
  absl::MutexLock lock(&mu_);
  for (const auto& entry : entries) {
    if (ending_ || concluding_) return;
    if (entry.type == "done") {
      concluding_ = true;
      ++offloaded_;
      offload_->Run([this] { Conclude(); });
      return;
    }
    v1::AnalysisEvent event;
    if (ToEvent(entry, &event)) Push(std::move(event));
  }
}

void WatchStream::OnClosing() {
  absl::MutexLock lock(&mu_);
  // What is queued goes first: the client resumes after it.
  End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; resume after the last event"));
}

void WatchStream::Conclude() {
  auto row = store_->Get(call_.caller, analysis_id_, Soon());
  absl::MutexLock lock(&mu_);
  --offloaded_;
  if (row.ok() && Over(row->status)) {
    v1::AnalysisEvent done;
    ToProto(*row, done.mutable_done());
    Push(std::move(done));
    End(grpc::Status::OK);
  } else if (absl::IsNotFound(row.status())) {
    v1::AnalysisEvent error;
    error.mutable_error()->set_code("NOT_FOUND");
    error.mutable_error()->set_message("the analysis was deleted");
    Push(std::move(error));
    End(grpc::Status::OK);
  } else if (!row.ok()) {
    End(grpc_server::Reply(row.status()));
  } else {
    // Not over after all (a `done` from an earlier life of the log): watch on.
    concluding_ = false;
  }
  FinishIfDue();
}

void WatchStream::Push(v1::AnalysisEvent event) {
  if (ending_) return;
  queued_bytes_ += event.ByteSizeLong();
  queue_.push_back(std::move(event));
  if (queued_bytes_ > kMaxQueuedBytes) {
    queue_.clear();
    queued_bytes_ = 0;
    End(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "the stream's reader fell too far behind"), true);
    return;
  }
  WriteNext();
}

void WatchStream::WriteNext() {
  if (write_pending_ || queue_.empty() || finished_) return;
  writing_ = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= std::min(queued_bytes_, writing_.ByteSizeLong());
  // A reader behind gets what waits as fewer, larger events: consecutive
  // pieces of one attempt join, under the last one's id (nothing lost, and
  // a resume after that id repeats nothing).
  while (writing_.has_delta() && !queue_.empty() && queue_.front().has_delta() &&
         queue_.front().delta().attempt() == writing_.delta().attempt() &&
         writing_.delta().text().size() < kMaxJoinedBytes) {
    const v1::AnalysisEvent& next = queue_.front();
    queued_bytes_ -= std::min(queued_bytes_, next.ByteSizeLong());
    writing_.mutable_delta()->mutable_text()->append(next.delta().text());
    writing_.set_id(next.id());
    queue_.pop_front();
  }
  write_pending_ = true;
  StartWrite(&writing_);
}

void WatchStream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  write_pending_ = false;
  if (!ok) {
    // The client went away: OnCancel follows.
    queue_.clear();
    End(grpc::Status::CANCELLED, true);
    return;
  }
  WriteNext();
  FinishIfDue();
}

void WatchStream::OnCancel() {
  absl::MutexLock lock(&mu_);
  queue_.clear();
  End(grpc::Status::CANCELLED, true);
}

void WatchStream::End(grpc::Status status, bool now) {
  if (!ending_) ending_ = std::move(status);
  end_now_ = end_now_ || now;
  FinishIfDue();
}

void WatchStream::FinishIfDue() {
  if (!ending_ || finished_ || offloaded_ > 0) return;
  if (!end_now_ && (write_pending_ || !queue_.empty())) return;
  finished_ = true;
  Finish(*ending_);
}

void WatchStream::OnDone() {
  bool watching = false;
  {
    absl::MutexLock lock(&mu_);
    watching = watching_;
  }
  if (watching) hub_->Remove(this);
  delete this;
}

}  // namespace plinth::analysis
