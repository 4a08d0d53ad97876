#ifndef PLINTH_LIBS_MIGRATE_MIGRATE_H_
#define PLINTH_LIBS_MIGRATE_MIGRATE_H_

// Migration runner. Files are `NNNN_name.sql`; each is applied once, in
// version order, in its own transaction together with its row in
// `public.schema_migrations (version, name, checksum, applied_at)`. A
// session advisory lock serialises concurrent runners (several pods starting
// at once). A file whose SHA-256 differs from the one recorded when it was
// applied stops the run: applied migrations are never edited.

#include <string>
#include <utility>
#include <vector>

#include <absl/status/statusor.h>

namespace plinth::migrate {

// Returns how many migrations this call applied.
absl::StatusOr<int> Apply(const std::string& conninfo, const std::string& dir);

// The migration files of `dir` not yet recorded as applied (empty when the
// schema is up to date). Needs only SELECT on public.schema_migrations, which
// every service role has (migration 0011).
absl::StatusOr<std::vector<std::string>> Pending(const std::string& conninfo, const std::string& dir);

// The login role of each service (migration 0010) and the variable holding
// its connection URL: each deployment gives a service its own as
// DATABASE_URL; the migrate command gets them all.
struct ServiceRole {
  const char* url_variable;
  const char* role;
};
inline constexpr ServiceRole kServiceRoles[] = {
    {"DATABASE_URL_PROFILE", "plinth_profile"},   {"DATABASE_URL_RESOURCE", "plinth_resource"},
    {"DATABASE_URL_ANALYSIS", "plinth_analysis"}, {"DATABASE_URL_WORKER", "plinth_worker"},
    {"DATABASE_URL_BILLING", "plinth_billing"},
};

// For each (role, URL): the URL must connect as that role; when it carries a
// password, the role's password is set to it (as the owner, on `conninfo`).
// So the secret that holds a service's URL is the one place its password is
// written. Returns how many passwords were set.
absl::StatusOr<int> SetRolePasswords(const std::string& conninfo,
                                     const std::vector<std::pair<std::string, std::string>>& role_urls);

}  // namespace plinth::migrate

#endif  // PLINTH_LIBS_MIGRATE_MIGRATE_H_
