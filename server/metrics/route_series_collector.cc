#include "server/metrics/route_series_collector.h"

#include <array>
#include <string>
#include <utility>

#include "server/metrics/scrape_samples.h"

namespace assignd::metrics {
namespace {

prometheus::MetricFamily CounterFamily(const char* name, const char* help) {
  return ScrapeFamily(name, help, prometheus::MetricType::Counter);
}

constexpr std::array<std::pair<RouteCells::Fallback, const char*>, RouteCells::kFallbackCount>
    kFallbackReasons = {{{RouteCells::kNotInRamp, "not_in_ramp"},
                         {RouteCells::kKillSwitch, "kill_switch"},
                         {RouteCells::kForcedOverride, "forced_override"}}};

}  // namespace

void RouteSeriesCollector::SetRoutes(std::shared_ptr<const core::Snapshot> snapshot,
                                     std::vector<std::shared_ptr<const RouteCells>> cells,
                                     std::shared_ptr<const SegmentIndex> segments) {
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snapshot);
  cells_ = std::move(cells);
  segments_ = std::move(segments);
}

std::vector<prometheus::MetricFamily> RouteSeriesCollector::Collect() const {
  std::shared_ptr<const core::Snapshot> snapshot;
  std::vector<std::shared_ptr<const RouteCells>> cells;
  std::shared_ptr<const SegmentIndex> segments;
  {
    absl::MutexLock lock(&mu_);
    snapshot = snapshot_;
    cells = cells_;
    segments = segments_;
  }
  prometheus::MetricFamily exposures =
      CounterFamily("assignd_exposures_total",
                    "Assign answers whose user is in the experiment (in ramp, not killed, not "
                    "forced), by namespace, experiment and variant.");
  prometheus::MetricFamily fallbacks =
      CounterFamily("assignd_fallbacks_total",
                    "Assign answers that served the fallback or a forced variant, by reason "
                    "(not_in_ramp, kill_switch, forced_override).");
  prometheus::MetricFamily segment_exposures =
      CounterFamily("assignd_segment_exposures_total",
                    "Exposures by the request attributes named in the config's segments; values "
                    "outside the allow-list, or a missing attribute, count as 'other'.");
  if (snapshot != nullptr) {
    for (const core::NamespaceRoute* route : snapshot->routes()) {
      const RouteCells& counts = *cells[static_cast<size_t>(route->route_index)];
      const core::Experiment& experiment = *route->experiment;
      for (size_t v = 0; v < experiment.variants.size(); ++v) {
        const std::string& variant = experiment.variants[v].name;
        AddSample(exposures,
                  {{"experiment", experiment.key}, {"namespace", route->ns}, {"variant", variant}},
                  static_cast<double>(counts.exposures(v)));
        for (size_t slot = 0; slot < segments->slot_labels().size(); ++slot) {
          const auto& [attribute, value] = segments->slot_labels()[slot];
          AddSample(segment_exposures,
                    {{"experiment", experiment.key},
                     {"namespace", route->ns},
                     {"segment", attribute},
                     {"value", value},
                     {"variant", variant}},
                    static_cast<double>(counts.segment_exposures(v, slot)));
        }
      }
      for (const auto& [reason, name] : kFallbackReasons) {
        AddSample(fallbacks,
                  {{"experiment", experiment.key}, {"namespace", route->ns}, {"reason", name}},
                  static_cast<double>(counts.fallbacks(reason)));
      }
    }
  }
  std::vector<prometheus::MetricFamily> families;
  families.push_back(std::move(exposures));
  families.push_back(std::move(fallbacks));
  families.push_back(std::move(segment_exposures));
  return families;
}

}  // namespace assignd::metrics
