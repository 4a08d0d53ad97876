#include "services/profile/profile_store.h"

#include <pqxx/pqxx>

#include "libs/errors/errors.h"

namespace plinth::profile {
namespace {

#define PROFILE_COLUMNS                                                                      \
  "id::text, email, full_name, avatar_url, subscription_status, subscription_tier, "        \
  "(extract(epoch from subscription_current_period_end) * 1000000)::bigint, "               \
  "credits_remaining, (extract(epoch from created_at) * 1000000)::bigint, "                 \
  "(extract(epoch from updated_at) * 1000000)::bigint"

constexpr char kSelect[] = "profile_select";
constexpr char kInsert[] = "profile_insert";
constexpr char kEnsureUser[] = "profile_ensure_auth_user";
constexpr char kUpdate[] = "profile_update";

std::optional<std::string> OptString(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

ProfileRow FromRow(const pqxx::row& r) {
  ProfileRow p;
  p.id = r[0].as<std::string>();
  p.email = OptString(r[1]);
  p.full_name = OptString(r[2]);
  p.avatar_url = OptString(r[3]);
  p.subscription_status = r[4].as<std::string>();
  p.subscription_tier = r[5].as<std::string>();
  if (!r[6].is_null()) p.subscription_current_period_end_us = r[6].as<int64_t>();
  p.credits_remaining = r[7].as<int32_t>();
  p.created_at_us = r[8].as<int64_t>();
  p.updated_at_us = r[9].as<int64_t>();
  return p;
}

const char* NullableParam(const std::optional<std::string>& v) {
  return v ? v->c_str() : nullptr;
}

}  // namespace

ProfileStore::ProfileStore(db::Pool* pool, int32_t free_credits)
    : pool_(pool), free_credits_(free_credits) {}

std::vector<db::PreparedStatement> ProfileStore::Statements() {
  return {
      // The id filter is redundant with RLS; it lets PostgreSQL use the key.
      {kSelect, "select " PROFILE_COLUMNS " from public.profiles where id = $1"},
      {kEnsureUser, "select public.plinth_ensure_auth_user($1, $2)"},
      {kInsert,
       "insert into public.profiles (id, email, credits_remaining) values ($1, $2, $3) "
       "on conflict (id) do nothing"},
      {kUpdate,
       "update public.profiles set "
       "full_name = case when $2::boolean then $3 else full_name end, "
       "avatar_url = case when $4::boolean then $5 else avatar_url end "
       "where id = $1 returning " PROFILE_COLUMNS},
  };
}

absl::StatusOr<std::optional<ProfileRow>> ProfileStore::Find(const auth::Claims& claims,
                                                             db::Deadline deadline) {
  std::optional<ProfileRow> found;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kSelect, claims.sub);
    if (!rows.empty()) found = FromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<ProfileRow> ProfileStore::GetOrCreate(const auth::Claims& claims,
                                                     db::Deadline deadline) {
  auto found = Find(claims, deadline);
  if (!found.ok()) return found.status();
  if (*found) return **found;
  const char* email = claims.email.empty() ? nullptr : claims.email.c_str();
  absl::Status created = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    tx.exec_prepared(kEnsureUser, claims.sub, email);
    tx.exec_prepared(kInsert, claims.sub, email, free_credits_);
    return absl::OkStatus();
  });
  if (!created.ok()) return created;
  found = Find(claims, deadline);
  if (!found.ok()) return found.status();
  if (!*found) return errors::Internal("profile missing right after its creation");
  return **found;
}

absl::StatusOr<ProfileRow> ProfileStore::Update(const auth::Claims& claims,
                                                const ProfileChanges& changes,
                                                db::Deadline deadline) {
  // The row must exist before a user can update it (RLS hides nothing here:
  // the user simply has no row yet on their very first request).
  auto existing = GetOrCreate(claims, deadline);
  if (!existing.ok()) return existing.status();
  std::optional<ProfileRow> updated;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kUpdate, claims.sub, changes.full_name.present,
                                 NullableParam(changes.full_name.value),
                                 changes.avatar_url.present,
                                 NullableParam(changes.avatar_url.value));
    if (!rows.empty()) updated = FromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!updated) return errors::NotFound("profile not found");
  return *updated;
}

}  // namespace plinth::profile
