#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "server/core/snapshot.h"

namespace assignd::metrics {

// The gauges that describe the config being served (assignd_config_info, and per experiment
// assignd_experiment_ramp_ratio, assignd_experiment_kill_switch, assignd_variant_weight_ratio),
// computed from the current snapshot when /metrics is scraped.
//
// Why not prometheus::Family<Gauge>: with 10,000 experiments that is 40,000 gauge objects
// (~15 MiB), and replacing them on a reload calls Family::Remove, which in prometheus-cpp 1.0.1
// scans the whole family per call: a 10k-experiment swap spent 8.7 s there. Here a reload is one
// pointer swap and the cost moves to the scrape, which builds the same samples Family would.
class ConfigGauges final : public prometheus::Collectable {
 public:
  // Describes `snapshot` from now on (null: nothing).
  void Publish(std::shared_ptr<const core::Snapshot> snapshot) ABSL_LOCKS_EXCLUDED(mu_);

  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const core::Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace assignd::metrics
