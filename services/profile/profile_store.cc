#include "services/profile/profile_store.h"

#include <pqxx/pqxx>

#include "libs/errors/errors.h"

namespace plinth::profile {
namespace {

// A profile as the API shows it: the profile service's row `p` and what
// billing's account `a` grants it to read (migration 0012), opened with the
// profile in the same transaction (the left join only guards that).
#define PROFILE_COLUMNS                                                                       \
  "p.id::text, p.email, p.full_name, p.avatar_url, coalesce(a.subscription_status, 'free'), " \
  "coalesce(a.subscription_tier, 'free'), "                                                   \
  "(extract(epoch from a.subscription_current_period_end) * 1000000)::bigint, "               \
  "coalesce(a.credits_remaining, 0), (extract(epoch from p.created_at) * 1000000)::bigint, "  \
  "(extract(epoch from greatest(p.updated_at, a.updated_at)) * 1000000)::bigint, "            \
  "coalesce(a.subscription_cancel_at_period_end, false), "                                    \
  "(extract(epoch from a.past_due_since) * 1000000)::bigint"
#define WITH_ACCOUNT " left join public.billing_accounts a on a.user_id = p.id"

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
  p.subscription_cancel_at_period_end = r[10].as<bool>();
  if (!r[11].is_null()) p.past_due_since_us = r[11].as<int64_t>();
  return p;
}

const char* NullableParam(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

}  // namespace

ProfileStore::ProfileStore(db::Pool* pool) : pool_(pool) {}

std::vector<db::PreparedStatement> ProfileStore::Statements() {
  return {
      // The id filter is redundant with RLS; it lets PostgreSQL use the key.
      {kSelect, "select " PROFILE_COLUMNS " from public.profiles p" WITH_ACCOUNT " where p.id = $1"},
      {kEnsureUser, "select public.plinth_ensure_auth_user($1, $2)"},
      // Billing's trigger opens the account with the free plan's credits.
      {kInsert, "insert into public.profiles (id, email) values ($1, $2) on conflict (id) do nothing"},
      {kUpdate,
       "with p as (update public.profiles set "
       "full_name = case when $2::boolean then $3 else full_name end, "
       "avatar_url = case when $4::boolean then $5 else avatar_url end "
       "where id = $1 returning *) "
       "select " PROFILE_COLUMNS " from p" WITH_ACCOUNT},
  };
}

absl::StatusOr<std::optional<ProfileRow>> ProfileStore::Find(const auth::Claims& claims, db::Deadline deadline) {
  std::optional<ProfileRow> found;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kSelect, claims.sub);
    if (!rows.empty()) found = FromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<ProfileRow> ProfileStore::GetOrCreate(const auth::Claims& claims, db::Deadline deadline) {
  auto found = Find(claims, deadline);
  if (!found.ok()) return found.status();
  if (*found) return **found;
  const char* email = claims.email.empty() ? nullptr : claims.email.c_str();
  absl::Status created = pool_->ServiceTx(deadline, [&](pqxx::transaction_base& tx) {
    tx.exec_prepared(kEnsureUser, claims.sub, email);
    tx.exec_prepared(kInsert, claims.sub, email);
    return absl::OkStatus();
  });
  if (!created.ok()) return created;
  found = Find(claims, deadline);
  if (!found.ok()) return found.status();
  if (!*found) return errors::Internal("profile missing right after its creation");
  return **found;
}

absl::StatusOr<ProfileRow> ProfileStore::Update(const auth::Claims& claims, const ProfileChanges& changes,
                                                db::Deadline deadline) {
  // The row must exist before a user can update it (RLS hides nothing here:
  // the user simply has no row yet on their very first request).
  auto existing = GetOrCreate(claims, deadline);
  if (!existing.ok()) return existing.status();
  std::optional<ProfileRow> updated;
  absl::Status status = pool_->UserTx(claims.raw_json, deadline, [&](pqxx::transaction_base& tx) {
    auto rows = tx.exec_prepared(kUpdate, claims.sub, changes.full_name.present, NullableParam(changes.full_name.value),
                                 changes.avatar_url.present, NullableParam(changes.avatar_url.value));
    if (!rows.empty()) updated = FromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!updated) return errors::NotFound("profile not found");
  return *updated;
}

}  // namespace plinth::profile
