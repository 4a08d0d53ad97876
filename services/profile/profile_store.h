#ifndef PLINTH_SERVICES_PROFILE_PROFILE_STORE_H_
#define PLINTH_SERVICES_PROFILE_PROFILE_STORE_H_

// SQL of the profile service. Reads and user edits run as the user (RLS);
// creating the row on first sight runs as the service, because users may not
// insert profiles (they would choose their own credits).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/auth/jwt.h"
#include "libs/db/pool.h"

namespace plinth::profile {

struct ProfileRow {
  std::string id;
  std::optional<std::string> email;
  std::optional<std::string> full_name;
  std::optional<std::string> avatar_url;
  std::string subscription_status;
  std::string subscription_tier;
  std::optional<int64_t> subscription_current_period_end_us;  // unix microseconds
  int32_t credits_remaining = 0;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  bool subscription_cancel_at_period_end = false;
  std::optional<int64_t> past_due_since_us;  // unix microseconds
};

// A field of a partial update: absent (unchanged), or set to a value or null.
struct FieldChange {
  bool present = false;
  std::optional<std::string> value;
};

struct ProfileChanges {
  FieldChange full_name;
  FieldChange avatar_url;
};

class ProfileStore {
 public:
  explicit ProfileStore(db::Pool* pool);

  static std::vector<db::PreparedStatement> Statements();

  // The caller's profile, created (free tier) if this is the first time the
  // token's subject is seen.
  absl::StatusOr<ProfileRow> GetOrCreate(const auth::Claims& claims, db::Deadline deadline);
  absl::StatusOr<ProfileRow> Update(const auth::Claims& claims, const ProfileChanges& changes, db::Deadline deadline);

 private:
  absl::StatusOr<std::optional<ProfileRow>> Find(const auth::Claims& claims, db::Deadline deadline);

  db::Pool* pool_;
};

}  // namespace plinth::profile

#endif  // PLINTH_SERVICES_PROFILE_PROFILE_STORE_H_
