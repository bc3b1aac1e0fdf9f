#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/core/assign.h"
#include "server/core/reassignment.h"
#include "server/core/snapshot.h"
#include "server/metrics/config_gauge_collector.h"
#include "server/metrics/process_collector.h"
#include "server/metrics/route_cells.h"
#include "server/metrics/route_series_collector.h"
#include "server/metrics/segment_index.h"
#include "server/metrics/srm_collector.h"

// All of assignd's Prometheus metrics. Service-wide series are prometheus-cpp families built once;
// per-route counters are atomic cells (RouteCells) resolved when a snapshot is loaded
// (ResolveRoutes) and labelled only at scrape time, and the config gauges are read from the
// served snapshot at scrape time. Nothing is looked up per request. Label values come only from
// the config and fixed enums, never from request input, so cardinality is bounded by what ops
// write in the YAML.
namespace assignd::metrics {

enum class Method { kAssign = 0, kBatchAssign, kListExperiments, kGetConfigStatus };
inline constexpr int kMethodCount = 4;
inline constexpr int kStatusCodeCount = 17;  // gRPC status codes 0..16

// What the request path counts for one NamespaceRoute (variants indexed as in its experiment).
struct RouteCounters {
  std::shared_ptr<RouteCells> cells;

  // Counts one answer: an exposure when in the experiment, else a fallback by reason.
  void Count(const core::Assignment& a) const {
    switch (a.reason) {
      case core::Reason::kAssigned:
        cells->AddExposure(static_cast<size_t>(a.variant_index));
        return;
      case core::Reason::kNotInRamp:
        cells->AddFallback(RouteCells::kNotInRamp);
        return;
      case core::Reason::kKillSwitch:
        cells->AddFallback(RouteCells::kKillSwitch);
        return;
      case core::Reason::kForcedOverride:
        cells->AddFallback(RouteCells::kForcedOverride);
        return;
    }
  }

  // Distinct users per variant for the SRM check, and exposures by segment value.
  std::shared_ptr<SrmRoute> srm;
  std::shared_ptr<const SegmentIndex> segments;

  // What an exposure adds to Count: its user in the variant's distinct-user sketch, and one per
  // configured segment at the request's value of that attribute (`attribute(name)` returns it, or
  // nullptr when the request has none). Allocates nothing.
  void CountExposure(int variant_index, std::string_view user_id,
                     absl::FunctionRef<const std::string*(const std::string&)> attribute) const {
    const auto variant = static_cast<size_t>(variant_index);
    srm->distinct_users[variant].Add(user_id);
    for (size_t s = 0; s < segments->segment_count(); ++s) {
      cells->AddSegmentExposure(variant, segments->Slot(s, attribute(segments->attribute(s))));
    }
  }
};

// Handles by NamespaceRoute::route_index for one snapshot.
using RouteCounterTable = std::vector<RouteCounters>;

class ServerMetrics {
 public:
  explicit ServerMetrics(std::shared_ptr<prometheus::Registry> registry);

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // Everything to expose at /metrics: the registry and the collectors computed at scrape time
  // (per-route counters, config gauges, SRM, process).
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables() const {
    return {registry_, route_series_, config_gauges_, srm_, process_};
  }

  // Lines written to, and exposures dropped from (queue full or write error), the exposure log.
  prometheus::Counter& exposure_log_written() { return *exposure_log_written_; }
  prometheus::Counter& exposure_log_dropped() { return *exposure_log_dropped_; }

  // Resolves the counter cells for every route of `snapshot` (the previous load's, for a route
  // kept with the same variant names and segments), points the scrape-time collectors at it,
  // sets the config info gauge and starts fresh SRM sketches. Call once per load, before the
  // snapshot is published.
  RouteCounterTable ResolveRoutes(const std::shared_ptr<const core::Snapshot>& snapshot);

  // One finished RPC. `code` is the gRPC status code (0..16).
  void RecordRequest(Method method, int code, double seconds) {
    requests_[static_cast<size_t>(method)][static_cast<size_t>(code) % kStatusCodeCount]
        ->Increment();
    latency_[static_cast<size_t>(method)]->Observe(seconds);
  }

  // One reload attempt; `unix_seconds` is when it finished.
  void RecordReload(bool ok, double unix_seconds);

  // The reassignment guard's verdict on the latest parsed file (published or refused): the share
  // of enrolled users it moves, per experiment (the largest over its namespaces). Replaces the
  // previous reload's values.
  void RecordReassignment(const std::vector<core::RouteReassignment>& routes);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_family_;
  prometheus::Family<prometheus::Histogram>& latency_family_;
  prometheus::Family<prometheus::Counter>& reloads_family_;
  prometheus::Family<prometheus::Gauge>& last_reload_success_family_;
  prometheus::Family<prometheus::Gauge>& last_reload_ok_family_;
  prometheus::Family<prometheus::Gauge>& config_info_family_;
  prometheus::Family<prometheus::Gauge>& experiments_loaded_family_;
  prometheus::Family<prometheus::Counter>& exposure_log_written_family_;
  prometheus::Family<prometheus::Counter>& exposure_log_dropped_family_;
  std::shared_ptr<RouteSeriesCollector> route_series_ = std::make_shared<RouteSeriesCollector>();
  std::shared_ptr<ConfigGaugeCollector> config_gauges_ = std::make_shared<ConfigGaugeCollector>();
  std::shared_ptr<SrmCollector> srm_ = std::make_shared<SrmCollector>();
  std::shared_ptr<ProcessCollector> process_ = std::make_shared<ProcessCollector>();
  prometheus::Counter* exposure_log_written_ = nullptr;
  prometheus::Counter* exposure_log_dropped_ = nullptr;
  prometheus::Family<prometheus::Gauge>& reassigned_family_;

  std::array<std::array<prometheus::Counter*, kStatusCodeCount>, kMethodCount> requests_{};
  std::array<prometheus::Histogram*, kMethodCount> latency_{};
  prometheus::Counter* reload_success_ = nullptr;
  prometheus::Counter* reload_failure_ = nullptr;
  prometheus::Gauge* last_reload_success_ = nullptr;
  prometheus::Gauge* last_reload_ok_ = nullptr;
  prometheus::Gauge* experiments_loaded_ = nullptr;

  absl::Mutex mu_;
  prometheus::Gauge* config_info_ ABSL_GUARDED_BY(mu_) = nullptr;  // the served version's
  std::vector<prometheus::Gauge*> reassigned_gauges_ ABSL_GUARDED_BY(mu_);

  // The previous load's series, by route and by experiment, reused when the new config has the
  // same route with the same variants: Family::Add builds and hashes a std::map of labels under
  // the family's mutex (~1 us), and a 10,000-experiment reload resolves ~90,000 series, nearly
  // all of them unchanged. Keyed per route rather than per series to keep the memory small.
  struct ResolvedRoute {
    std::string variants;  // the variant names the cells were made for, '\0'-joined
    std::shared_ptr<RouteCells> cells;
  };
  absl::flat_hash_map<std::string, ResolvedRoute> resolved_routes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<std::string, std::string>> resolved_segment_labels_ ABSL_GUARDED_BY(mu_);
};

// Canonical upper-case name of a gRPC status code ("OK", "INVALID_ARGUMENT", ...).
const char* StatusCodeName(int code);

}  // namespace assignd::metrics
