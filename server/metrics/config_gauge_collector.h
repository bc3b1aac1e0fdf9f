#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "server/core/snapshot.h"

namespace assignd::metrics {

// assignd_experiment_ramp_ratio, assignd_experiment_kill_switch and assignd_variant_weight_ratio
// for the active experiments of the snapshot being served, computed at scrape time. They describe
// the config, so there is nothing to keep between scrapes; as prometheus-cpp series, a
// 10,000-experiment config held 40,000 of them (~11 MiB) and updated them at every reload.
class ConfigGaugeCollector : public prometheus::Collectable {
 public:
  // Reports `snapshot` from now on.
  void SetSnapshot(std::shared_ptr<const core::Snapshot> snapshot) ABSL_LOCKS_EXCLUDED(mu_);

  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const core::Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace assignd::metrics
