#include "services/resource/resource_store.h"

#include <pqxx/pqxx>

#include "libs/errors/errors.h"
#include "libs/validation/rules.h"
#include "plinth/v1/resource.pb.h"

namespace plinth::resource {
namespace {

#define RESOURCE_COLUMNS                                              \
  "id::text, user_id::text, title, content, metadata::text, status, " \
  "(extract(epoch from created_at) * 1000000)::bigint, "              \
  "(extract(epoch from updated_at) * 1000000)::bigint"

// A list's items carry the first LIST_PREVIEW_CHARS characters of `content`
// (plus whether there was more): 100 items stay a few MB whatever each holds,
// under every message limit between PostgreSQL and the browser.
// left() and char_length() walk the UTF-8 text character by character (a
// quarter of PostgreSQL's CPU on a list page); a text of at most that many
// bytes has at most that many characters, so its byte length (in the varlena
// header) decides for most rows without a walk.
#define LIST_PREVIEW_CHARS "2000"
#define RESOURCE_LIST_COLUMNS                                    \
  "id::text, user_id::text, title, "                             \
  "case when octet_length(content) <= " LIST_PREVIEW_CHARS       \
  " then content "                                               \
  "else left(content, " LIST_PREVIEW_CHARS                       \
  ") end, metadata::text, "                                      \
  "status, (extract(epoch from created_at) * 1000000)::bigint, " \
  "(extract(epoch from updated_at) * 1000000)::bigint, "         \
  "octet_length(content) > " LIST_PREVIEW_CHARS " and char_length(content) > " LIST_PREVIEW_CHARS

constexpr char kInsert[] = "resource_insert";
constexpr char kSelect[] = "resource_select";
constexpr char kUpdate[] = "resource_update";
constexpr char kDelete[] = "resource_delete";
constexpr char kOwnerMissing[] = "the caller has no profile yet";
constexpr char kOwnerMissingPayload[] = "plinth/resource/owner-missing";

// The sort values ListResourcesRequest declares (resource.proto): a
// column name, descending with a leading "-". Each has its two prepared
// statements (with and without the status filter).
const google::protobuf::RepeatedPtrField<std::string>& SortValues() {
  return validation::RulesOf(*v1::ListResourcesRequest::descriptor()->FindFieldByName("sort")).one_of();
}

std::string ListStatementName(const std::string& sort, bool with_status) {
  const bool descending = !sort.empty() && sort[0] == '-';
  return "resource_list_" + sort.substr(descending ? 1 : 0) + (descending ? "_desc" : "_asc") +
         (with_status ? "_status" : "");
}

// "-title" → "title desc, id desc". The values are the proto's own
// constants, never a caller's text (the statement is looked up by name).
std::string OrderBy(const std::string& sort) {
  const bool descending = !sort.empty() && sort[0] == '-';
  const std::string column = sort.substr(descending ? 1 : 0), direction = descending ? " desc" : " asc";
  return column + direction + ", id" + direction;
}

// Count and page in one round trip; the left join keeps the count row when
// the page is past the end.
std::string ListSql(const std::string& order_by, bool with_status) {
  std::string filter = with_status ? "user_id = $1 and status = $4" : "user_id = $1";
  return "select (select count(*) from public.resources where " + filter + "), p.* " +
         "from (values (1)) as one (x) left join lateral (select " RESOURCE_LIST_COLUMNS
         " from public.resources where " +
         filter + " order by " + order_by + " limit $2 offset $3) p on true";
}

ResourceRow FromRow(const pqxx::row& r, int offset = 0) {
  ResourceRow row;
  row.id = r[offset + 0].as<std::string>();
  row.user_id = r[offset + 1].as<std::string>();
  row.title = r[offset + 2].as<std::string>();
  row.content = r[offset + 3].as<std::string>();
  row.metadata_json = r[offset + 4].as<std::string>();
  row.status = r[offset + 5].as<std::string>();
  row.created_at_us = r[offset + 6].as<int64_t>();
  row.updated_at_us = r[offset + 7].as<int64_t>();
  return row;
}

const char* Param(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

}  // namespace

ResourceStore::ResourceStore(db::Pool* pool) : pool_(pool) {}

bool ResourceStore::IsOwnerMissing(const absl::Status& status) {
  return status.GetPayload(kOwnerMissingPayload).has_value();
}

std::vector<db::PreparedStatement> ResourceStore::Statements() {
  std::vector<db::PreparedStatement> statements = {
      {kInsert,
       "insert into public.resources (user_id, title, content, metadata) "
       "values ($1, $2, $3, $4::jsonb) returning " RESOURCE_COLUMNS},
      {kSelect, "select " RESOURCE_COLUMNS " from public.resources where id = $1 and user_id = $2"},
      {kUpdate,
       "update public.resources set "
       "title = coalesce($3, title), content = coalesce($4, content), "
       "metadata = coalesce($5::jsonb, metadata), status = coalesce($6, status) "
       "where id = $1 and user_id = $2 returning " RESOURCE_COLUMNS},
      {kDelete, "delete from public.resources where id = $1 and user_id = $2"},
  };
  for (const auto& sort : SortValues()) {
    statements.push_back({ListStatementName(sort, false), ListSql(OrderBy(sort), false)});
    statements.push_back({ListStatementName(sort, true), ListSql(OrderBy(sort), true)});
  }
  return statements;
}

absl::StatusOr<ResourceRow> ResourceStore::Create(const auth::Claims& claims, const NewResource& resource,
                                                  db::Deadline deadline) {
  std::optional<ResourceRow> created;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    try {
      auto rows = tx.exec_prepared(kInsert, claims.sub, resource.title, resource.content, resource.metadata_json);
      created = FromRow(rows[0]);
    } catch (const pqxx::foreign_key_violation&) {
      absl::Status missing = absl::FailedPreconditionError(kOwnerMissing);
      // Marked by a payload, not recognised by its text.
      missing.SetPayload(kOwnerMissingPayload, absl::Cord());
      return missing;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return *created;
}

absl::StatusOr<ResourcePage> ResourceStore::List(const auth::Claims& claims, const ListQuery& query,
                                                 db::Deadline deadline) {
  ResourcePage page;
  const int64_t offset = static_cast<int64_t>(query.page - 1) * query.limit;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    pqxx::result rows =
        query.status
            ? tx.exec_prepared(ListStatementName(query.sort, true), claims.sub, query.limit, offset, *query.status)
            : tx.exec_prepared(ListStatementName(query.sort, false), claims.sub, query.limit, offset);
    page.rows.reserve(rows.size());
    for (const auto& r : rows) {
      page.total = r[0].as<int64_t>();
      if (!r[1].is_null()) {
        page.rows.push_back(FromRow(r, 1));
        page.rows.back().content_truncated = r[9].as<bool>();
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<ResourceRow> ResourceStore::Get(const auth::Claims& claims, const std::string& id,
                                               db::Deadline deadline) {
  std::optional<ResourceRow> found;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kSelect, id, claims.sub);
    if (!rows.empty()) found = FromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found) return errors::NotFound("resource not found");
  return *found;
}

absl::StatusOr<ResourceRow> ResourceStore::Update(const auth::Claims& claims, const std::string& id,
                                                  const ResourceChanges& changes, db::Deadline deadline) {
  std::optional<ResourceRow> updated;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kUpdate, id, claims.sub, Param(changes.title), Param(changes.content),
                                 Param(changes.metadata_json), Param(changes.status));
    if (!rows.empty()) updated = FromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!updated) return errors::NotFound("resource not found");
  return *updated;
}

absl::Status ResourceStore::Delete(const auth::Claims& claims, const std::string& id, db::Deadline deadline) {
  bool deleted = false;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    deleted = tx.exec_prepared(kDelete, id, claims.sub).affected_rows() == 1;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!deleted) return errors::NotFound("resource not found");
  return absl::OkStatus();
}

}  // namespace plinth::resource
