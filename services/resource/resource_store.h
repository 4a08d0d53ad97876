#ifndef PLINTH_SERVICES_RESOURCE_RESOURCE_STORE_H_
#define PLINTH_SERVICES_RESOURCE_RESOURCE_STORE_H_

// SQL of the resource service. Every statement runs in the caller's RLS
// transaction; the explicit user_id filters only help the planner.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/auth/jwt.h"
#include "libs/db/pool.h"

namespace plinth::resource {

struct ResourceRow {
  std::string id;
  std::string user_id;
  std::string title;
  std::string content;
  std::string metadata_json;  // a JSON object
  std::string status;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  bool content_truncated = false;  // a list's preview of a longer content
};

struct ListQuery {
  int32_t page = 0;
  int32_t limit = 0;
  std::optional<std::string> status;
  // One of ListResourcesRequest.sort's values (resource.proto): a column,
  // descending with a leading "-".
  std::string sort;
};

struct ResourcePage {
  std::vector<ResourceRow> rows;
  int64_t total = 0;
};

struct NewResource {
  std::string title;
  std::string content;
  std::string metadata_json;
};

// A partial update: only the fields with a value change.
struct ResourceChanges {
  std::optional<std::string> title;
  std::optional<std::string> content;
  std::optional<std::string> metadata_json;
  std::optional<std::string> status;
};

class ResourceStore {
 public:
  explicit ResourceStore(db::Pool* pool);

  static std::vector<db::PreparedStatement> Statements();

  // FAILED_PRECONDITION (IsOwnerMissing) when the caller has no profile yet.
  absl::StatusOr<ResourceRow> Create(const auth::Claims& claims, const NewResource& resource, db::Deadline deadline);
  absl::StatusOr<ResourcePage> List(const auth::Claims& claims, const ListQuery& query, db::Deadline deadline);
  // NOT_FOUND for a missing row and for another user's row alike.
  absl::StatusOr<ResourceRow> Get(const auth::Claims& claims, const std::string& id, db::Deadline deadline);
  absl::StatusOr<ResourceRow> Update(const auth::Claims& claims, const std::string& id, const ResourceChanges& changes,
                                     db::Deadline deadline);
  absl::Status Delete(const auth::Claims& claims, const std::string& id, db::Deadline deadline);

  static bool IsOwnerMissing(const absl::Status& status);

 private:
  db::Pool* pool_;
};

}  // namespace plinth::resource

#endif  // PLINTH_SERVICES_RESOURCE_RESOURCE_STORE_H_
