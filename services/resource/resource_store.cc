#include "services/resource/resource_store.h"

#include <pqxx/pqxx>

#include "libs/errors/errors.h"

namespace plinth::resource {
namespace {

#define RESOURCE_COLUMNS                                              \
  "id::text, user_id::text, title, content, metadata::text, status, " \
  "(extract(epoch from created_at) * 1000000)::bigint, "              \
  "(extract(epoch from updated_at) * 1000000)::bigint"

constexpr char kInsert[] = "resource_insert";
constexpr char kSelect[] = "resource_select";
constexpr char kUpdate[] = "resource_update";
constexpr char kDelete[] = "resource_delete";
constexpr char kList[] = "resource_list";
constexpr char kOwnerMissing[] = "the caller has no profile yet";
constexpr char kOwnerMissingPayload[] = "plinth/resource/owner-missing";

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
  return {
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
      // The count and the page, each item with the first 2,000 characters of
      // its content and whether there was more (a page stays a few MB
      // whatever each item holds): migration 0018.
      {kList, "select * from plinth_private.list_resources($1, $2, $3, $4, $5)"},
  };
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
  // One round trip: the function sets the claims and the role itself.
  absl::Status status = pool_->ReadStatement(deadline, [&](pqxx::transaction_base& tx) {
    pqxx::result rows = tx.exec_prepared(kList, claims.raw_json, query.limit, offset, Param(query.status), query.sort);
    page.rows.clear();  // a retried attempt starts again
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
