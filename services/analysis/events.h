#ifndef PLINTH_SERVICES_ANALYSIS_EVENTS_H_
#define PLINTH_SERVICES_ANALYSIS_EVENTS_H_

// The live log of an analysis: one Redis Stream per analysis,
// `plinth:analysis:<id>:events`, written by the worker as the analysis runs
// and read by whoever watches it. PostgreSQL keeps the final text and stays
// the source of truth; the log is what a watcher sees meanwhile, and is
// bounded (kMaxEntries, approximately) and expires (kKeepAfterEnd after the
// analysis ended, kKeepWhileRunning otherwise).
//
// Entries (field `type`):
//   status  `status` (running, queued), `attempt`; a queued one (a retry
//           coming) also `error` and `retry_in_s`. A new attempt's running
//           status starts its text afresh: a watcher drops what an earlier
//           attempt wrote.
//   delta   `attempt`, `text`: the next piece of that attempt's text.
//   done    `status` (succeeded, failed, cancelled), `error` when failed:
//           the last entry of an analysis. Written by the worker after the
//           outcome committed, or by the API on a cancel.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace plinth::analysis::events {

inline std::string KeyOf(const std::string& analysis_id) { return "plinth:analysis:" + analysis_id + ":events"; }

// The analysis id of a log's key ("" when it is not one).
inline std::string IdOfKey(const std::string& key) {
  static const std::string kPrefix = "plinth:analysis:", kSuffix = ":events";
  if (key.size() <= kPrefix.size() + kSuffix.size() || key.compare(0, kPrefix.size(), kPrefix) != 0 ||
      key.compare(key.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return "";
  }
  return key.substr(kPrefix.size(), key.size() - kPrefix.size() - kSuffix.size());
}

inline constexpr int kMaxEntries = 20000;
inline constexpr std::chrono::seconds kKeepWhileRunning{24 * 3600};
inline constexpr std::chrono::seconds kKeepAfterEnd{3600};

using Fields = std::vector<std::pair<std::string, std::string>>;

// XADD of one entry to `analysis_id`'s log (approximate trim).
inline std::vector<std::string> AddCommand(const std::string& analysis_id, const std::string& type,
                                           const Fields& fields) {
  std::vector<std::string> argv = {"XADD", KeyOf(analysis_id), "MAXLEN", "~", std::to_string(kMaxEntries), "*", "type",
                                   type};
  for (const auto& [k, v] : fields) {
    argv.push_back(k);
    argv.push_back(v);
  }
  return argv;
}

}  // namespace plinth::analysis::events

#endif  // PLINTH_SERVICES_ANALYSIS_EVENTS_H_
