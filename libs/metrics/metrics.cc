#include "libs/metrics/metrics.h"

#include <memory>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/strings/str_cat.h>
#include <prometheus/exposer.h>

namespace plinth::metrics {
namespace {

std::shared_ptr<prometheus::Registry>& Shared() {
  static auto* registry = new std::shared_ptr<prometheus::Registry>(std::make_shared<prometheus::Registry>());
  return *registry;
}

}  // namespace

prometheus::Registry& Registry() { return *Shared(); }

prometheus::Family<prometheus::Counter>& CounterFamily(const std::string& name, const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(Registry());
}

prometheus::Family<prometheus::Gauge>& GaugeFamily(const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(Registry());
}

prometheus::Family<prometheus::Histogram>& HistogramFamily(const std::string& name, const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(Registry());
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                            0.25,  0.5,    1,     2.5,  5,     10,   60};
  return b;
}

const prometheus::Histogram::BucketBoundaries& SlowBuckets() {
  static const prometheus::Histogram::BucketBoundaries b = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
  return b;
}

absl::Status Serve(const std::string& address) {
  static absl::Mutex mu;
  static prometheus::Exposer* exposer ABSL_GUARDED_BY(mu) = nullptr;  // lives as long as the process
  absl::MutexLock lock(&mu);
  if (exposer != nullptr) return absl::FailedPreconditionError("metrics already served");
  try {
    exposer = new prometheus::Exposer(address, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  exposer->RegisterCollectable(Shared());
  return absl::OkStatus();
}

}  // namespace plinth::metrics
