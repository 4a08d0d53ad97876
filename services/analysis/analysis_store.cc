#include "services/analysis/analysis_store.h"

#include <pqxx/pqxx>

#include "libs/errors/errors.h"

namespace plinth::analysis {
namespace {

#define ANALYSIS_COLUMNS                                                          \
  "id::text, resource_id::text, status, prompt, model, output, error, "           \
  "coalesce(input_tokens, 0), coalesce(output_tokens, 0), attempts, "             \
  "coalesce(cache_read_input_tokens, 0), coalesce(cache_write_input_tokens, 0), " \
  "(extract(epoch from created_at) * 1000000)::bigint, "                          \
  "(extract(epoch from started_at) * 1000000)::bigint, "                          \
  "(extract(epoch from completed_at) * 1000000)::bigint"

constexpr char kInsert[] = "analysis_insert";
constexpr char kCharge[] = "analysis_charge";
constexpr char kList[] = "analysis_list";
constexpr char kGet[] = "analysis_get";
constexpr char kCancel[] = "analysis_cancel";
constexpr char kGetAny[] = "analysis_get_any";
constexpr char kStatusOf[] = "analysis_status_of";
constexpr char kOperatorList[] = "analysis_operator_list";
constexpr char kCounts[] = "analysis_counts";
constexpr char kTargets[] = "analysis_operator_targets";
constexpr char kRetry[] = "analysis_operator_retry";
constexpr char kAudit[] = "analysis_operator_audit";

// An operator's filter on public.analyses: $1 status, $2 user, $3 max age
// in minutes, $4 text in the error (each null: any).
#define OPERATOR_FILTER                                                           \
  "($1::text is null or status = $1) and ($2::uuid is null or user_id = $2) and " \
  "($3::int is null or created_at > now() - make_interval(mins => $3::int)) and " \
  "($4::text is null or strpos(lower(coalesce(error, '')), lower($4)) > 0)"

const char* Param(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

std::optional<std::string> Opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

AnalysisRow FromRow(const pqxx::row& r, int o = 0) {
  AnalysisRow a;
  a.id = r[o + 0].as<std::string>();
  a.resource_id = r[o + 1].as<std::string>();
  a.status = r[o + 2].as<std::string>();
  a.prompt = r[o + 3].as<std::string>();
  a.model = Opt(r[o + 4]);
  a.output = Opt(r[o + 5]);
  a.error = Opt(r[o + 6]);
  a.input_tokens = r[o + 7].as<int32_t>();
  a.output_tokens = r[o + 8].as<int32_t>();
  a.attempts = r[o + 9].as<int32_t>();
  a.cache_read_input_tokens = r[o + 10].as<int32_t>();
  a.cache_write_input_tokens = r[o + 11].as<int32_t>();
  a.created_at_us = r[o + 12].as<int64_t>();
  if (!r[o + 13].is_null()) a.started_at_us = r[o + 13].as<int64_t>();
  if (!r[o + 14].is_null()) a.completed_at_us = r[o + 14].as<int64_t>();
  return a;
}

}  // namespace

AnalysisStore::AnalysisStore(db::Pool* pool) : pool_(pool) {}

std::vector<db::PreparedStatement> AnalysisStore::Statements() {
  return {
      // Only the owner's resource: another user's id inserts nothing.
      {kInsert,
       "insert into public.analyses (id, resource_id, user_id, prompt) "
       "select $1, r.id, r.user_id, $4 from public.resources r where r.id = $2 and r.user_id = $3 "
       "returning " ANALYSIS_COLUMNS},
      {kCharge, "select plinth_private.consume_credit($1, 'analysis:' || $2)"},
      // Count and page in one round trip (as the resource list); no row at
      // all when the resource is not the caller's (a 404, not an empty list).
      // Ownership is checked here, in SQL, as CreateAnalysis does.
      {kList,
       "select (select count(*) from public.analyses where resource_id = $1 and user_id = $2), p.* "
       "from public.resources own left join lateral (select " ANALYSIS_COLUMNS
       " from public.analyses where resource_id = $1 and user_id = $2 "
       "order by created_at desc, id desc limit $3 offset $4) p on true where own.id = $1 and own.user_id = $2"},
      {kGet, "select " ANALYSIS_COLUMNS " from public.analyses where id = $1 and user_id = $2"},
      {kCancel, "select plinth_private.cancel_analysis($1, $2)"},
      {kGetAny, "select " ANALYSIS_COLUMNS " from public.analyses where id = $1"},
      {kStatusOf, "select id::text, status from public.analyses where id = any($1::uuid[])"},
      {kOperatorList,
       "select count(*) over (), user_id::text, " ANALYSIS_COLUMNS " from public.analyses where " OPERATOR_FILTER
       " order by created_at desc, id desc limit $5 offset $6"},
      {kCounts,
       "select count(*) filter (where status = 'queued'), count(*) filter (where status = 'running'), "
       "coalesce(extract(epoch from now() - min(created_at) filter (where status = 'queued'))::int, 0), "
       "count(*) filter (where status = 'failed' and completed_at > now() - interval '1 hour'), "
       "count(*) filter (where status = 'succeeded' and completed_at > now() - interval '1 hour'), "
       "count(*) filter (where status = 'failed') from public.analyses"},
      // The rows an action takes: named ($6, when any), or else by the
      // filter; of the statuses $5; at most $7. Not locked here: the
      // functions that act re-check each row's status under its lock.
      {kTargets,
       "select id::text, user_id::text from public.analyses where status = any($5::text[]) and "
       "(case when cardinality($6::uuid[]) > 0 then id = any($6::uuid[]) else " OPERATOR_FILTER
       " end) order by created_at limit $7"},
      {kRetry, "select plinth_private.retry_analysis($1)"},
      {kAudit,
       "insert into public.operator_audit (operator_id, action, targets, request, reason, request_id) "
       "values ($1, $2, $3::uuid[], $4::jsonb, $5, $6) returning id"},
  };
}

absl::StatusOr<AnalysisRow> AnalysisStore::Create(const auth::Claims& claims, const std::string& id,
                                                  const std::string& resource_id, const std::string& prompt,
                                                  db::Deadline deadline) {
  std::optional<AnalysisRow> row;
  // As the service's own role: users may not insert analyses nor touch
  // credits (migration 0008); the statements check ownership themselves.
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    try {
      auto inserted = tx.exec_prepared(kInsert, id, resource_id, claims.sub, prompt);
      if (inserted.empty()) return errors::NotFound("resource not found");
      row = FromRow(inserted[0]);
      tx.exec_prepared(kCharge, claims.sub, id);
    } catch (const pqxx::unique_violation&) {
      return errors::Conflict("an analysis of this resource is already queued or running");
    } catch (const pqxx::foreign_key_violation&) {  // deleted meanwhile
      return errors::NotFound("resource not found");
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == "P0402") return errors::InsufficientCredits("no credits left");
      throw;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return *row;
}

absl::StatusOr<AnalysisPage> AnalysisStore::List(const auth::Claims& claims, const std::string& resource_id,
                                                 int32_t page, int32_t limit, db::Deadline deadline) {
  AnalysisPage out;
  const int64_t offset = static_cast<int64_t>(page - 1) * limit;
  absl::Status s = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kList, resource_id, claims.sub, limit, offset);
    if (rows.empty()) return errors::NotFound("resource not found");
    for (const auto& r : rows) {
      out.total = r[0].as<int64_t>();
      if (!r[1].is_null()) out.rows.push_back(FromRow(r, 1));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<AnalysisRow> AnalysisStore::Get(const auth::Claims& claims, const std::string& id,
                                               db::Deadline deadline) {
  std::optional<AnalysisRow> row;
  absl::Status s = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kGet, id, claims.sub);
    if (!rows.empty()) row = FromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!row) return errors::NotFound("analysis not found");
  return *row;
}

absl::StatusOr<AnalysisRow> AnalysisStore::Cancel(const auth::Claims& claims, const std::string& id,
                                                  db::Deadline deadline) {
  std::optional<AnalysisRow> row;
  // As the service's own role: the function (SECURITY DEFINER) checks that
  // the analysis is the caller's.
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    auto cancelled = tx.exec_prepared(kCancel, claims.sub, id);
    if (cancelled[0][0].is_null()) return errors::NotFound("analysis not found");
    row = FromRow(tx.exec_prepared(kGetAny, id)[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return *row;
}

absl::StatusOr<std::map<std::string, std::string>> AnalysisStore::StatusOf(const std::vector<std::string>& ids,
                                                                           db::Deadline deadline) {
  std::map<std::string, std::string> out;
  if (ids.empty()) return out;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    for (const auto& r : tx.exec_prepared(kStatusOf, db::UuidArray(ids)))
      out[r[0].as<std::string>()] = r[1].as<std::string>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<OperatorPage> AnalysisStore::ListAll(const OperatorFilter& filter, int32_t page, int32_t limit,
                                                    db::Deadline deadline) {
  OperatorPage out;
  const std::optional<std::string> age =
      filter.max_age_minutes ? std::optional<std::string>(std::to_string(*filter.max_age_minutes)) : std::nullopt;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kOperatorList, Param(filter.status), Param(filter.user_id), Param(age),
                                 Param(filter.error_contains), limit, static_cast<int64_t>(page - 1) * limit);
    for (const auto& r : rows) {
      out.total = r[0].as<int64_t>();
      out.rows.push_back({r[1].as<std::string>(), FromRow(r, 2)});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  // A page past the end has no row to count from.
  if (out.rows.empty() && page > 1) {
    auto first = ListAll(filter, 1, 1, deadline);
    if (first.ok()) out.total = first->total;
  }
  return out;
}

absl::StatusOr<JobCounts> AnalysisStore::Counts(db::Deadline deadline) {
  JobCounts c;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    auto r = tx.exec_prepared(kCounts)[0];
    c = {r[0].as<int32_t>(), r[1].as<int32_t>(), r[2].as<int32_t>(),
         r[3].as<int32_t>(), r[4].as<int32_t>(), r[5].as<int32_t>()};
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return c;
}

namespace {

// The rows an operator action takes (kTargets), as (id, user) pairs.
std::vector<std::pair<std::string, std::string>> Targets(pqxx::transaction_base& tx, const char* statuses,
                                                         const std::vector<std::string>& ids,
                                                         const OperatorFilter& filter, int32_t max) {
  const std::optional<std::string> age =
      filter.max_age_minutes ? std::optional<std::string>(std::to_string(*filter.max_age_minutes)) : std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : tx.exec_prepared(kTargets, Param(filter.status), Param(filter.user_id), Param(age),
                                        Param(filter.error_contains), statuses, db::UuidArray(ids), max)) {
    out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  }
  return out;
}

int64_t Audit(pqxx::transaction_base& tx, const AuditEntry& audit, const char* action,
              const std::vector<std::string>& targets) {
  return tx
      .exec_prepared(kAudit, audit.operator_id, action, db::UuidArray(targets), audit.request_json, audit.reason,
                     audit.request_id)[0][0]
      .as<int64_t>();
}

}  // namespace

absl::StatusOr<OperatorOutcome> AnalysisStore::RetryFailed(const std::vector<std::string>& ids,
                                                           const OperatorFilter& filter, int32_t max,
                                                           const AuditEntry& audit, db::Deadline deadline) {
  OperatorOutcome out;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    out = OperatorOutcome();
    for (const auto& [id, user] : Targets(tx, "{failed}", ids, filter, max)) {
      if (tx.exec_prepared(kRetry, id)[0][0].as<bool>()) out.ids.push_back(id);
    }
    out.audit_id = Audit(tx, audit, "retry", out.ids);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<OperatorOutcome> AnalysisStore::CancelActive(const std::vector<std::string>& ids,
                                                            const OperatorFilter& filter, int32_t max,
                                                            const AuditEntry& audit, db::Deadline deadline) {
  OperatorOutcome out;
  absl::Status s = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    out = OperatorOutcome();
    for (const auto& [id, user] : Targets(tx, "{queued,running}", ids, filter, max)) {
      tx.exec_prepared(kCancel, user, id);
      out.ids.push_back(id);
    }
    out.audit_id = Audit(tx, audit, "cancel", out.ids);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace plinth::analysis
