#ifndef PLINTH_LIBS_MIGRATE_MIGRATE_H_
#define PLINTH_LIBS_MIGRATE_MIGRATE_H_

// Migration runner. Files are `NNNN_name.sql`; each is applied once, in
// version order, in its own transaction together with its row in
// `public.schema_migrations (version, name, checksum, applied_at)`. A
// session advisory lock serialises concurrent runners (several pods starting
// at once). A file whose SHA-256 differs from the one recorded when it was
// applied stops the run: applied migrations are never edited.

#include <string>

#include <absl/status/statusor.h>

namespace plinth::migrate {

// Returns how many migrations this call applied.
absl::StatusOr<int> Apply(const std::string& conninfo, const std::string& dir);

}  // namespace plinth::migrate

#endif  // PLINTH_LIBS_MIGRATE_MIGRATE_H_
