#include "services/analysis_worker/worker_store.h"

#include <pqxx/pqxx>

namespace plinth::analysis {
namespace {

constexpr char kClaim[] = "worker_claim";
constexpr char kFailExpired[] = "worker_fail_expired";
constexpr char kSucceed[] = "worker_succeed";
constexpr char kRetry[] = "worker_retry";
constexpr char kFail[] = "worker_fail";
constexpr char kSettle[] = "worker_settle";
constexpr char kStranded[] = "worker_stranded";
constexpr char kUnsettled[] = "worker_unsettled";
constexpr char kMarkCall[] = "worker_mark_call";
constexpr char kGone[] = "worker_gone";
constexpr char kUnsettledCancel[] = "worker_unsettled_cancel";
constexpr char kOthersWaiting[] = "worker_others_waiting";

// Terminal analyses not settled: TerminalJob's columns (the last one:
// superseded by a newer analysis of the resource).
#define UNSETTLED_SELECT                                                                      \
  "select a.id::text, a.resource_id::text, a.user_id::text, a.status, exists (select 1 from " \
  "public.analyses b where b.resource_id = a.resource_id and b.created_at > a.created_at) "   \
  "from public.analyses a where a.settled_at is null and "

// Statements are short; a worker's own deadline for each. Each is one
// statement in autocommit: one round trip (libs/db/pool.h).
db::Deadline Soon() { return std::chrono::system_clock::now() + std::chrono::seconds(10); }

std::optional<TerminalJob> Terminal(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return TerminalJob{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>(),
                     rows[0][3].as<std::string>()};
}

}  // namespace

WorkerStore::WorkerStore(db::Pool* pool) : pool_(pool) {}

std::vector<db::PreparedStatement> WorkerStore::Statements() {
  return {
      // FOR UPDATE re-checks the condition after a concurrent claim commits,
      // so two workers delivered the same analysis cannot both start it.
      {kClaim,
       "with target as (select id from public.analyses where id = $1 and ("
       "(status = 'queued' and (retry_at is null or retry_at <= now())) or "
       "(status = 'running' and started_at < now() - make_interval(secs => $2) and attempts < $3)) "
       "for update) "
       "update public.analyses a set status = 'running', attempts = a.attempts + 1, started_at = now(), "
       "retry_at = null, provider_called_at = null from target where a.id = target.id "
       "returning a.id::text, a.resource_id::text, a.user_id::text, a.prompt, a.attempts"},
      {kFailExpired,
       "update public.analyses set status = 'failed', completed_at = now(), error = $4 "
       "where id = $1 and status = 'running' and started_at < now() - make_interval(secs => $2) "
       "and attempts >= $3 "
       "returning id::text, resource_id::text, user_id::text, status"},
      {kSucceed,
       "update public.analyses set status = 'succeeded', output = $3, model = $4, input_tokens = $5, "
       "output_tokens = $6, cache_read_input_tokens = $7, cache_write_input_tokens = $8, error = null, "
       "completed_at = now() "
       "where id = $1 and status = 'running' and attempts = $2"},
      {kRetry,
       "update public.analyses set status = 'queued', error = $3, started_at = null, provider_called_at = null, "
       "retry_at = now() + make_interval(secs => $4) "
       "where id = $1 and status = 'running' and attempts = $2"},
      {kFail,
       "update public.analyses set status = 'failed', error = $3, completed_at = now() "
       "where id = $1 and status = 'running' and attempts = $2"},
      // The commit point of "a provider call started" (migration 0009): a
      // deletion before it refunds and finds nothing to abort; after it,
      // charges and notifies the worker to drop the transfer.
      {kMarkCall,
       "update public.analyses set provider_called_at = now() "
       "where id = $1 and status = 'running' and attempts = $2"},
      // Of these ids (calls in flight), the ones no longer running.
      {kGone,
       "select g.id::text from unnest($1::uuid[]) as g (id) where not exists "
       "(select 1 from public.analyses a where a.id = g.id and a.status = 'running')"},
      {kSettle, "update public.analyses set settled_at = now() where id = $1 and settled_at is null"},
      {kStranded,
       "select id::text from public.analyses where "
       "(status = 'queued' and coalesce(retry_at, created_at) < now() - make_interval(secs => $1)) or "
       "(status = 'running' and started_at < now() - make_interval(secs => $2)) "
       "order by created_at limit $3"},
      {kUnsettled,
       UNSETTLED_SELECT "a.status in ('succeeded', 'failed', 'cancelled') "
                        "and a.completed_at < now() - make_interval(secs => $1) order by a.completed_at limit $2"},
      {kUnsettledCancel, UNSETTLED_SELECT "a.id = $1 and a.status = 'cancelled'"},
      // analyses_status_idx covers queued and running rows.
      {kOthersWaiting,
       "select exists (select 1 from public.analyses where status = 'queued' and user_id <> $1 "
       "and (retry_at is null or retry_at <= now()))"},
  };
}

absl::StatusOr<std::optional<ClaimedJob>> WorkerStore::Claim(const std::string& id, std::chrono::seconds limit,
                                                             int max_attempts) {
  std::optional<ClaimedJob> job;
  absl::Status s = pool_->WriteStatement(Soon(), [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kClaim, id, static_cast<int64_t>(limit.count()), max_attempts);
    if (!rows.empty()) {
      job = ClaimedJob{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>(),
                       rows[0][3].as<std::string>(), rows[0][4].as<int32_t>()};
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return job;
}

absl::StatusOr<std::optional<TerminalJob>> WorkerStore::FailExpired(const std::string& id, std::chrono::seconds limit,
                                                                    int max_attempts) {
  std::optional<TerminalJob> job;
  absl::Status s = pool_->WriteStatement(Soon(), [&](pqxx::transaction_base& tx) {
    job = Terminal(tx.exec_prepared(kFailExpired, id, static_cast<int64_t>(limit.count()), max_attempts,
                                    "the last attempt exceeded the " + std::to_string(limit.count()) + " s limit"));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return job;
}

absl::StatusOr<bool> WorkerStore::Succeed(const ClaimedJob& job, const Completion& c) {
  bool applied = false;
  absl::Status s = pool_->WriteStatement(Soon(), [&](pqxx::transaction_base& tx) {
    applied = tx.exec_prepared(kSucceed, job.id, job.attempt, c.text, c.model, c.input_tokens, c.output_tokens,
                               c.cache_read_input_tokens, c.cache_write_input_tokens)
                  .affected_rows() == 1;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return applied;
}

absl::StatusOr<bool> WorkerStore::Retry(const ClaimedJob& job, const std::string& error, std::chrono::seconds delay) {
  bool applied = false;
  absl::Status s = pool_->WriteStatement(Soon(), [&](pqxx::transaction_base& tx) {
    applied =
        tx.exec_prepared(kRetry, job.id, job.attempt, error, static_cast<int64_t>(delay.count())).affected_rows() == 1;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return applied;
}

absl::StatusOr<bool> WorkerStore::Fail(const ClaimedJob& job, const std::string& error) {
  bool applied = false;
  absl::Status s = pool_->WriteStatement(Soon(), [&](pqxx::transaction_base& tx) {
    applied = tx.exec_prepared(kFail, job.id, job.attempt, error).affected_rows() == 1;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return applied;
}

absl::StatusOr<bool> WorkerStore::MarkProviderCall(const ClaimedJob& job) {
  bool marked = false;
  absl::Status s = pool_->WriteStatement(Soon(), [&](pqxx::transaction_base& tx) {
    marked = tx.exec_prepared(kMarkCall, job.id, job.attempt).affected_rows() == 1;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return marked;
}

absl::StatusOr<std::vector<std::string>> WorkerStore::NotRunning(const std::vector<std::string>& ids) {
  std::vector<std::string> gone;
  if (ids.empty()) return gone;
  absl::Status s = pool_->ReadStatement(Soon(), [&](pqxx::transaction_base& tx) {
    for (const auto& r : tx.exec_prepared(kGone, db::UuidArray(ids))) gone.push_back(r[0].as<std::string>());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return gone;
}

absl::Status WorkerStore::Settle(const std::string& id) {
  return pool_->WriteStatement(Soon(), [&](pqxx::transaction_base& tx) {
    tx.exec_prepared(kSettle, id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> WorkerStore::Stranded(std::chrono::seconds queued_for,
                                                               std::chrono::seconds limit, int max) {
  std::vector<std::string> ids;
  absl::Status s = pool_->ReadStatement(Soon(), [&](pqxx::transaction_base& tx) {
    for (const auto& r : tx.exec_prepared(kStranded, static_cast<int64_t>(queued_for.count()),
                                          static_cast<int64_t>(limit.count()), max)) {
      ids.push_back(r[0].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return ids;
}

namespace {
TerminalJob UnsettledJob(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
          r[4].as<bool>()};
}
}  // namespace

absl::StatusOr<bool> WorkerStore::OthersWaiting(const std::string& user_id) {
  bool waiting = false;
  absl::Status s = pool_->ReadStatement(Soon(), [&](pqxx::transaction_base& tx) {
    waiting = tx.exec_prepared(kOthersWaiting, user_id)[0][0].as<bool>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return waiting;
}

absl::StatusOr<std::optional<TerminalJob>> WorkerStore::UnsettledCancel(const std::string& id) {
  std::optional<TerminalJob> job;
  absl::Status s = pool_->ReadStatement(Soon(), [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kUnsettledCancel, id);
    if (!rows.empty()) job = UnsettledJob(rows[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return job;
}

absl::StatusOr<std::vector<TerminalJob>> WorkerStore::Unsettled(std::chrono::seconds age, int max) {
  std::vector<TerminalJob> jobs;
  absl::Status s = pool_->ReadStatement(Soon(), [&](pqxx::transaction_base& tx) {
    for (const auto& r : tx.exec_prepared(kUnsettled, static_cast<int64_t>(age.count()), max)) {
      jobs.push_back(UnsettledJob(r));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return jobs;
}

}  // namespace plinth::analysis
