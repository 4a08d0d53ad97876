#ifndef PLINTH_LIBS_METRICS_METRICS_H_
#define PLINTH_LIBS_METRICS_METRICS_H_

// Prometheus metrics of a process (prometheus-cpp): one registry, served in
// the text format at /metrics on an admin address of its own (never the API
// port). Families are created once, where they are used, through these
// helpers; labels stay bounded (no user ids, no raw paths). docs/MONITORING.md
// lists every family.

#include <string>

#include <absl/status/status.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace plinth::metrics {

prometheus::Registry& Registry();

prometheus::Family<prometheus::Counter>& CounterFamily(const std::string& name, const std::string& help);
prometheus::Family<prometheus::Gauge>& GaugeFamily(const std::string& name, const std::string& help);
prometheus::Family<prometheus::Histogram>& HistogramFamily(const std::string& name, const std::string& help);

// Seconds, 1 ms to 60 s: RPCs, SQL, waits.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();
// Seconds, 100 ms to 10 min: provider calls and analysis attempts.
const prometheus::Histogram::BucketBoundaries& SlowBuckets();

// Serves /metrics on `address` (host:port) from a thread of its own until
// the process exits. An error if the address cannot be bound.
absl::Status Serve(const std::string& address);

}  // namespace plinth::metrics

#endif  // PLINTH_LIBS_METRICS_METRICS_H_
