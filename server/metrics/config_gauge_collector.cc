#include "server/metrics/config_gauge_collector.h"

#include <utility>

#include "server/core/bucket_ranges.h"
#include "server/metrics/scrape_samples.h"

namespace assignd::metrics {
namespace {

prometheus::MetricFamily GaugeFamily(const char* name, const char* help) {
  return ScrapeFamily(name, help, prometheus::MetricType::Gauge);
}

}  // namespace

void ConfigGaugeCollector::SetSnapshot(std::shared_ptr<const core::Snapshot> snapshot) {
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snapshot);
}

std::vector<prometheus::MetricFamily> ConfigGaugeCollector::Collect() const {
  std::shared_ptr<const core::Snapshot> snapshot;
  {
    absl::MutexLock lock(&mu_);
    snapshot = snapshot_;
  }
  prometheus::MetricFamily ramp =
      GaugeFamily("assignd_experiment_ramp_ratio",
                  "Share of the namespace's users enrolled (ramp_percent / 100).");
  prometheus::MetricFamily kill_switch = GaugeFamily(
      "assignd_experiment_kill_switch", "1 while the experiment's kill switch is engaged.");
  prometheus::MetricFamily weight =
      GaugeFamily("assignd_variant_weight_ratio",
                  "Configured share of enrolled users for the variant (weight / 100), to compare "
                  "with the observed split.");
  if (snapshot != nullptr) {
    for (const core::Experiment& experiment : snapshot->config().experiments) {
      if (!experiment.active) continue;
      AddSample(ramp, {{"experiment", experiment.key}},
                core::PercentToFraction(experiment.ramp_percent));
      AddSample(kill_switch, {{"experiment", experiment.key}}, experiment.kill_switch ? 1 : 0);
      for (const core::Variant& variant : experiment.variants) {
        AddSample(weight, {{"experiment", experiment.key}, {"variant", variant.name}},
                  core::PercentToFraction(variant.weight_percent));
      }
    }
  }
  std::vector<prometheus::MetricFamily> families;
  families.push_back(std::move(ramp));
  families.push_back(std::move(kill_switch));
  families.push_back(std::move(weight));
  return families;
}

}  // namespace assignd::metrics
