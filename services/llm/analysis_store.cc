#include "services/llm/analysis_store.h"

#include <pqxx/pqxx>

#include "libs/errors/errors.h"

namespace plinth::llm {
namespace {

#define ANALYSIS_COLUMNS                                                                        \
  "id::text, resource_id::text, status, prompt, model, output, error, "                        \
  "coalesce(input_tokens, 0), coalesce(output_tokens, 0), attempts, "                          \
  "(extract(epoch from created_at) * 1000000)::bigint, "                                       \
  "(extract(epoch from started_at) * 1000000)::bigint, "                                       \
  "(extract(epoch from completed_at) * 1000000)::bigint"

constexpr char kHasActive[] = "analysis_has_active";
constexpr char kInsert[] = "analysis_insert";
constexpr char kList[] = "analysis_list";
constexpr char kGet[] = "analysis_get";

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
  a.created_at_us = r[o + 10].as<int64_t>();
  if (!r[o + 11].is_null()) a.started_at_us = r[o + 11].as<int64_t>();
  if (!r[o + 12].is_null()) a.completed_at_us = r[o + 12].as<int64_t>();
  return a;
}

}  // namespace

AnalysisStore::AnalysisStore(db::Pool* pool) : pool_(pool) {}

std::vector<db::PreparedStatement> AnalysisStore::Statements() {
  return {
      {kHasActive,
       "select exists (select 1 from public.analyses where resource_id = $1 and user_id = $2 "
       "and status in ('queued', 'running'))"},
      {kInsert,
       "insert into public.analyses (id, resource_id, user_id, prompt) values ($1, $2, $3, $4) "
       "returning " ANALYSIS_COLUMNS},
      // Count and page in one round trip (as the resource list).
      {kList,
       "select (select count(*) from public.analyses where resource_id = $1 and user_id = $2), p.* "
       "from (values (1)) as one (x) left join lateral (select " ANALYSIS_COLUMNS
       " from public.analyses where resource_id = $1 and user_id = $2 "
       "order by created_at desc, id desc limit $3 offset $4) p on true"},
      {kGet, "select " ANALYSIS_COLUMNS " from public.analyses where id = $1 and user_id = $2"},
  };
}

absl::StatusOr<bool> AnalysisStore::HasActive(const auth::Claims& claims, const std::string& resource_id,
                                              db::Deadline deadline) {
  bool active = false;
  absl::Status s = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    active = tx.exec_prepared(kHasActive, resource_id, claims.sub)[0][0].as<bool>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return active;
}

absl::StatusOr<AnalysisRow> AnalysisStore::Insert(const auth::Claims& claims, const std::string& id,
                                                  const std::string& resource_id, const std::string& prompt,
                                                  db::Deadline deadline) {
  std::optional<AnalysisRow> row;
  absl::Status s = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    try {
      row = FromRow(tx.exec_prepared(kInsert, id, resource_id, claims.sub, prompt)[0]);
    } catch (const pqxx::unique_violation&) {
      return errors::Conflict("an analysis of this resource is already queued or running");
    } catch (const pqxx::foreign_key_violation&) {
      return errors::NotFound("resource not found");
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
    for (const auto& r : tx.exec_prepared(kList, resource_id, claims.sub, limit, offset)) {
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

}  // namespace plinth::llm
