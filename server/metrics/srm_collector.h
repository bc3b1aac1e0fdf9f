#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "server/core/snapshot.h"
#include "server/metrics/lazy_hyperloglog.h"

// Live sample-ratio-mismatch (SRM) check. Per served route (namespace x experiment), request
// threads add each exposed user to a HyperLogLog of its variant; at scrape time the collector
// estimates the distinct users per variant and tests them against the configured weights. Distinct
// users rather than exposures, because a few heavy users dominate request counts.
namespace assignd::metrics {

// Below this many distinct exposed users in a route (or an expected count below
// kSrmMinExpectedPerVariant in a variant with positive weight) the p-value is reported as 1: the
// chi-square approximation needs a handful per cell, and a new config should not page anyone.
inline constexpr double kSrmMinUsers = 100;
inline constexpr double kSrmMinExpectedPerVariant = 5;

// The SRM state of one route, built when its config is loaded and dropped with it, so counts
// always start at zero for a new config. `route` points into the snapshot given to
// SrmCollector::SetRoutes with it, which the collector keeps alive.
struct SrmRoute {
  const core::NamespaceRoute* route;
  std::unique_ptr<LazyHyperLogLog[]> distinct_users;  // by variant index

  explicit SrmRoute(const core::NamespaceRoute& served)
      : route(&served),
        distinct_users(std::make_unique<LazyHyperLogLog[]>(served.experiment->variants.size())) {}
};

// Exports assignd_srm_distinct_users{namespace,experiment,variant} and
// assignd_srm_p_value{namespace,experiment} for the routes of the config being served. The
// chi-square work happens here, on the scraping thread, never on the request path.
class SrmCollector : public prometheus::Collectable {
 public:
  // Replaces the routes reported (at each config load); they point into `snapshot`.
  void SetRoutes(std::shared_ptr<const core::Snapshot> snapshot,
                 std::vector<std::shared_ptr<const SrmRoute>> routes) ABSL_LOCKS_EXCLUDED(mu_);

  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const core::Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<const SrmRoute>> routes_ ABSL_GUARDED_BY(mu_);
};

// The SRM p-value of `distinct_users` (estimates by variant) against `weights`, with the minimums
// above and the HyperLogLog's relative variance folded into the test.
double SrmPValue(const std::vector<double>& distinct_users, const std::vector<double>& weights);

}  // namespace assignd::metrics
