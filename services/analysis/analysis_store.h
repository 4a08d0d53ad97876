#ifndef PLINTH_SERVICES_ANALYSIS_ANALYSIS_STORE_H_
#define PLINTH_SERVICES_ANALYSIS_ANALYSIS_STORE_H_

// SQL of the LLM service's API side: reads in the caller's RLS transaction;
// creating an analysis, which charges its credit, as the service's role.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "libs/auth/jwt.h"
#include "libs/db/pool.h"

namespace plinth::analysis {

struct AnalysisRow {
  std::string id, resource_id, status, prompt;
  std::optional<std::string> model, output, error;
  int32_t input_tokens = 0, output_tokens = 0, attempts = 0;
  int32_t cache_read_input_tokens = 0, cache_write_input_tokens = 0;
  int64_t created_at_us = 0;
  std::optional<int64_t> started_at_us, completed_at_us;
};

struct AnalysisPage {
  std::vector<AnalysisRow> rows;
  int64_t total = 0;
};

// Operators' view: any user's analyses. Every condition set holds.
struct OperatorFilter {
  std::optional<std::string> status, user_id, error_contains;
  std::optional<int32_t> max_age_minutes;
};

struct OperatorRow {
  std::string user_id;
  AnalysisRow analysis;
};

struct OperatorPage {
  std::vector<OperatorRow> rows;
  int64_t total = 0;
};

struct JobCounts {
  int32_t queued = 0, running = 0, oldest_queued_seconds = 0, failed_last_hour = 0, succeeded_last_hour = 0,
          failed_total = 0;
};

// Who acts, and what was asked, for the audit row of an operator action.
struct AuditEntry {
  std::string operator_id, request_json, reason, request_id;
};

// The analyses an operator action changed and the audit row recording it.
struct OperatorOutcome {
  std::vector<std::string> ids;
  int64_t audit_id = 0;
};

class AnalysisStore {
 public:
  explicit AnalysisStore(db::Pool* pool);
  static std::vector<db::PreparedStatement> Statements();

  // Inserts the analysis and takes its credit (ledger key analysis:<id>) in
  // one transaction: both or neither. NOT_FOUND for a resource that is not
  // the caller's, CONFLICT when one of it is queued or running (the unique
  // index decides), INSUFFICIENT_CREDITS when none is left.
  absl::StatusOr<AnalysisRow> Create(const auth::Claims& claims, const std::string& id, const std::string& resource_id,
                                     const std::string& prompt, db::Deadline deadline);
  absl::StatusOr<AnalysisPage> List(const auth::Claims& claims, const std::string& resource_id, int32_t page,
                                    int32_t limit, db::Deadline deadline);
  absl::StatusOr<AnalysisRow> Get(const auth::Claims& claims, const std::string& id, db::Deadline deadline);
  // Cancels the caller's analysis (migration 0014's cancel_analysis, which
  // refunds or stops the model call) and answers it as it is after.
  // NOT_FOUND when it is not the caller's.
  absl::StatusOr<AnalysisRow> Cancel(const auth::Claims& claims, const std::string& id, db::Deadline deadline);
  // Operators: any user's analyses, newest first.
  absl::StatusOr<OperatorPage> ListAll(const OperatorFilter& filter, int32_t page, int32_t limit,
                                       db::Deadline deadline);
  absl::StatusOr<JobCounts> Counts(db::Deadline deadline);
  // Failed analyses (`ids`, or else those `filter` matches, at most `max`)
  // queued again (migration 0015's retry_analysis), audited in the same
  // transaction.
  absl::StatusOr<OperatorOutcome> RetryFailed(const std::vector<std::string>& ids, const OperatorFilter& filter,
                                              int32_t max, const AuditEntry& audit, db::Deadline deadline);
  // Queued and running analyses (chosen as above) cancelled for their
  // owners (cancel_analysis), audited in the same transaction.
  absl::StatusOr<OperatorOutcome> CancelActive(const std::vector<std::string>& ids, const OperatorFilter& filter,
                                               int32_t max, const AuditEntry& audit, db::Deadline deadline);

  // Of these analyses, the status of each that exists (any user's: the
  // watch hub's check of analyses whose watchers were admitted).
  absl::StatusOr<std::map<std::string, std::string>> StatusOf(const std::vector<std::string>& ids,
                                                              db::Deadline deadline);

 private:
  db::Pool* pool_;
};

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_ANALYSIS_STORE_H_
