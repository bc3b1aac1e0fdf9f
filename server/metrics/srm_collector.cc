#include "server/metrics/srm_collector.h"

#include <utility>

#include "server/metrics/chi_square.h"
#include "server/metrics/scrape_samples.h"

namespace assignd::metrics {

double SrmPValue(const std::vector<double>& distinct_users, const std::vector<double>& weights) {
  double total = 0;
  double weight_sum = 0;
  for (size_t i = 0; i < distinct_users.size() && i < weights.size(); ++i) {
    if (weights[i] > 0) {
      total += distinct_users[i];
      weight_sum += weights[i];
    }
  }
  if (total < kSrmMinUsers) return 1;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0 && total * weights[i] / weight_sum < kSrmMinExpectedPerVariant) return 1;
  }
  const double relative_variance =
      HyperLogLog::kRelativeStandardError * HyperLogLog::kRelativeStandardError;
  return ChiSquareGoodnessOfFit(distinct_users, weights, relative_variance).p_value;
}

void SrmCollector::SetRoutes(std::shared_ptr<const core::Snapshot> snapshot,
                             std::vector<std::shared_ptr<const SrmRoute>> routes) {
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snapshot);
  routes_ = std::move(routes);
}

std::vector<prometheus::MetricFamily> SrmCollector::Collect() const {
  std::shared_ptr<const core::Snapshot> snapshot;  // keeps the routes' experiments alive
  std::vector<std::shared_ptr<const SrmRoute>> routes;
  {
    absl::MutexLock lock(&mu_);
    snapshot = snapshot_;
    routes = routes_;
  }
  prometheus::MetricFamily users = ScrapeFamily(
      "assignd_srm_distinct_users",
      "Estimated distinct users exposed per variant since the config was loaded (HyperLogLog, "
      "0.8% relative error).",
      prometheus::MetricType::Gauge);
  prometheus::MetricFamily p_values = ScrapeFamily(
      "assignd_srm_p_value",
      "Sample-ratio-mismatch check: chi-square p-value of distinct users per variant against the "
      "configured weights since the config was loaded; 1 below 100 users.",
      prometheus::MetricType::Gauge);
  for (const std::shared_ptr<const SrmRoute>& srm : routes) {
    const core::Experiment& experiment = *srm->route->experiment;
    const std::string& ns = srm->route->ns;
    std::vector<double> estimates;
    std::vector<double> weights;
    for (size_t i = 0; i < experiment.variants.size(); ++i) {
      estimates.push_back(srm->distinct_users[i].Estimate());
      weights.push_back(experiment.variants[i].weight_percent);
      AddSample(users,
                {{"experiment", experiment.key},
                 {"namespace", ns},
                 {"variant", experiment.variants[i].name}},
                estimates.back());
    }
    AddSample(p_values, {{"experiment", experiment.key}, {"namespace", ns}},
              SrmPValue(estimates, weights));
  }
  std::vector<prometheus::MetricFamily> families;
  families.push_back(std::move(users));
  families.push_back(std::move(p_values));
  return families;
}

}  // namespace assignd::metrics
