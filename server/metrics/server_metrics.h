#pragma once

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/core/assign.h"
#include "server/core/snapshot.h"
#include "server/metrics/config_gauges.h"

// All of assignd's Prometheus metrics. Families are built once; per-route children are resolved
// when a snapshot is loaded (ResolveRoutes), never per request: Family::Add takes a mutex and
// hashes a label map. Label values come only from the config and fixed enums, never from request
// input, so cardinality is bounded by what ops write in the YAML.
namespace assignd::metrics {

enum class Method { kAssign = 0, kBatchAssign, kListExperiments, kGetConfigStatus };
inline constexpr int kMethodCount = 4;
inline constexpr int kStatusCodeCount = 17;  // gRPC status codes 0..16

// Counter handles for one NamespaceRoute, indexed like the route's experiment variants.
struct RouteCounters {
  std::vector<prometheus::Counter*> exposures;  // by variant index
  prometheus::Counter* not_in_ramp = nullptr;
  prometheus::Counter* kill_switch = nullptr;
  prometheus::Counter* forced_override = nullptr;

  // Counts one answer: an exposure when in the experiment, else a fallback by reason.
  void Count(const core::Assignment& a) const {
    switch (a.reason) {
      case core::Reason::kAssigned:
        exposures[static_cast<size_t>(a.variant_index)]->Increment();
        return;
      case core::Reason::kNotInRamp:
        not_in_ramp->Increment();
        return;
      case core::Reason::kKillSwitch:
        kill_switch->Increment();
        return;
      case core::Reason::kForcedOverride:
        forced_override->Increment();
        return;
    }
  }
};

// Handles by NamespaceRoute::route_index for one snapshot.
using RouteCounterTable = std::vector<RouteCounters>;

class ServerMetrics {
 public:
  explicit ServerMetrics(std::shared_ptr<prometheus::Registry> registry);

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // The per-config gauges; expose it next to registry().
  std::shared_ptr<prometheus::Collectable> config_gauges() const { return config_gauges_; }

  // Resolves the counters for every route of `snapshot` and makes the per-experiment gauges
  // (ramp, kill switch, variant weights, config info) describe it. Call once per load, before
  // the snapshot is published.
  RouteCounterTable ResolveRoutes(const std::shared_ptr<const core::Snapshot>& snapshot);

  // One finished RPC. `code` is the gRPC status code (0..16).
  void RecordRequest(Method method, int code, double seconds) {
    requests_[static_cast<size_t>(method)][static_cast<size_t>(code) % kStatusCodeCount]
        ->Increment();
    latency_[static_cast<size_t>(method)]->Observe(seconds);
  }

  // One reload attempt; `unix_seconds` is when it finished.
  void RecordReload(bool ok, double unix_seconds);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& exposures_family_;
  prometheus::Family<prometheus::Counter>& fallbacks_family_;
  prometheus::Family<prometheus::Counter>& requests_family_;
  prometheus::Family<prometheus::Histogram>& latency_family_;
  prometheus::Family<prometheus::Counter>& reloads_family_;
  prometheus::Family<prometheus::Gauge>& last_reload_success_family_;
  prometheus::Family<prometheus::Gauge>& experiments_loaded_family_;

  std::array<std::array<prometheus::Counter*, kStatusCodeCount>, kMethodCount> requests_{};
  std::array<prometheus::Histogram*, kMethodCount> latency_{};
  prometheus::Counter* reload_success_ = nullptr;
  prometheus::Counter* reload_failure_ = nullptr;
  prometheus::Gauge* last_reload_success_ = nullptr;
  prometheus::Gauge* experiments_loaded_ = nullptr;

  // Gauges describing the current config, computed at scrape time, so experiments that left the
  // config stop being reported.
  const std::shared_ptr<ConfigGauges> config_gauges_ = std::make_shared<ConfigGauges>();
};

// Canonical upper-case name of a gRPC status code ("OK", "INVALID_ARGUMENT", ...).
const char* StatusCodeName(int code);

}  // namespace assignd::metrics
