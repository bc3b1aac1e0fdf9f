#include "server/metrics/config_gauges.h"

#include <string>
#include <utility>

#include "server/core/bucket_ranges.h"

namespace assignd::metrics {
namespace {

prometheus::MetricFamily GaugeFamily(std::string name, std::string help) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  return family;
}

// Labels in name order, as prometheus::Family writes them.
void AddSample(prometheus::MetricFamily& family,
               std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric& metric = family.metric.emplace_back();
  metric.label = std::move(labels);
  metric.gauge.value = value;
}

}  // namespace

void ConfigGauges::Publish(std::shared_ptr<const core::Snapshot> snapshot) {
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snapshot);
}

std::vector<prometheus::MetricFamily> ConfigGauges::Collect() const {
  std::shared_ptr<const core::Snapshot> snapshot;
  {
    absl::MutexLock lock(&mu_);
    snapshot = snapshot_;
  }
  std::vector<prometheus::MetricFamily> families;
  if (snapshot == nullptr) return families;
  prometheus::MetricFamily info =
      GaugeFamily("assignd_config_info",
                  "Always 1; the version label is the content hash of the config being served.");
  AddSample(info, {{"version", snapshot->version()}}, 1);
  prometheus::MetricFamily ramp =
      GaugeFamily("assignd_experiment_ramp_ratio",
                  "Share of the namespace's users enrolled (ramp_percent / 100).");
  prometheus::MetricFamily kill = GaugeFamily("assignd_experiment_kill_switch",
                                              "1 while the experiment's kill switch is engaged.");
  prometheus::MetricFamily weight =
      GaugeFamily("assignd_variant_weight_ratio",
                  "Configured share of enrolled users for the variant (weight / 100), to compare "
                  "with the observed split.");
  for (const core::Experiment& experiment : snapshot->config().experiments) {
    if (!experiment.active) continue;
    AddSample(ramp, {{"experiment", experiment.key}},
              core::PercentToFraction(experiment.ramp_percent));
    AddSample(kill, {{"experiment", experiment.key}}, experiment.kill_switch ? 1 : 0);
    for (const core::Variant& variant : experiment.variants) {
      AddSample(weight, {{"experiment", experiment.key}, {"variant", variant.name}},
                core::PercentToFraction(variant.weight_percent));
    }
  }
  families.push_back(std::move(info));
  families.push_back(std::move(ramp));
  families.push_back(std::move(kill));
  families.push_back(std::move(weight));
  return families;
}

}  // namespace assignd::metrics
