#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "server/core/snapshot.h"
#include "server/metrics/route_cells.h"
#include "server/metrics/segment_index.h"

namespace assignd::metrics {

// Exports assignd_exposures_total{namespace,experiment,variant},
// assignd_fallbacks_total{namespace,experiment,reason} and
// assignd_segment_exposures_total{namespace,experiment,variant,segment,value} from the RouteCells
// of the routes being served, labelled from the snapshot at scrape time. A route that leaves the
// config leaves /metrics with it; if it comes back, its counters start again from 0.
class RouteSeriesCollector : public prometheus::Collectable {
 public:
  // Reports the routes of `snapshot` from now on; `cells` is indexed by route_index.
  void SetRoutes(std::shared_ptr<const core::Snapshot> snapshot,
                 std::vector<std::shared_ptr<const RouteCells>> cells,
                 std::shared_ptr<const SegmentIndex> segments) ABSL_LOCKS_EXCLUDED(mu_);

  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const core::Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<const RouteCells>> cells_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const SegmentIndex> segments_ ABSL_GUARDED_BY(mu_);
};

}  // namespace assignd::metrics
