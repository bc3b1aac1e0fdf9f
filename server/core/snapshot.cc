#include "server/core/snapshot.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/core/growthbook_hash.h"

namespace assignd::core {

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::Create(Config config) {
  std::shared_ptr<Snapshot> snapshot(new Snapshot());
  snapshot->config_ = std::move(config);
  const std::vector<Experiment>& experiments = snapshot->config_.experiments;
  for (int e = 0; e < static_cast<int>(experiments.size()); ++e) {
    const Experiment& experiment = experiments[e];
    if (experiment.variants.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("experiment ", experiment.key, ": no variants"));
    }
    if (experiment.fallback_index < 0 ||
        experiment.fallback_index >= static_cast<int>(experiment.variants.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("experiment ", experiment.key, ": fallback variant out of range"));
    }
    if (!experiment.active) continue;
    std::vector<double> weights;
    for (const Variant& v : experiment.variants)
      weights.push_back(PercentToFraction(v.weight_percent));
    std::vector<BucketRange> ranges = BucketRanges(
        static_cast<int>(weights.size()), PercentToFraction(experiment.ramp_percent), weights);
    for (const std::string& ns : experiment.namespaces) {
      NamespaceRoute route;
      route.ns = ns;
      route.experiment = &experiment;
      route.experiment_index = e;
      route.seed = SeedFor(experiment, ns);
      const std::optional<uint32_t> state = Fnv1a32Utf16(kFnvOffset, route.seed);
      if (!state) {
        return absl::InvalidArgumentError(
            absl::StrCat("experiment ", experiment.key, ": seed is not valid UTF-8"));
      }
      route.seed_state = *state;
      route.ranges = ranges;
      const auto [it, inserted] = snapshot->routes_.try_emplace(ns, std::move(route));
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat("namespace ", ns, " is served by both ",
                                                       it->second.experiment->key, " and ",
                                                       experiment.key));
      }
    }
  }
  for (auto& [ns, route] : snapshot->routes_) snapshot->routes_by_index_.push_back(&route);
  std::sort(snapshot->routes_by_index_.begin(), snapshot->routes_by_index_.end(),
            [](const NamespaceRoute* a, const NamespaceRoute* b) { return a->ns < b->ns; });
  for (size_t i = 0; i < snapshot->routes_by_index_.size(); ++i) {
    const_cast<NamespaceRoute*>(snapshot->routes_by_index_[i])->route_index = static_cast<int>(i);
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace assignd::core
