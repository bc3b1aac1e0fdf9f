#pragma once

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/core/assign.h"
#include "server/core/reassignment.h"
#include "server/core/snapshot.h"

// All of assignd's Prometheus metrics. Families are built once; per-route children are resolved
// when a snapshot is loaded (ResolveRoutes), never per request: Family::Add takes a mutex and hashes
// a label map. Label values come only from the config and fixed enums, never from request input,
// so cardinality is bounded by what ops write in the YAML.
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

  // Resolves the counters for every route of `snapshot` and updates the per-experiment gauges
  // (ramp, kill switch, variant weights, config info) to describe it. Call once per load, before
  // the snapshot is published.
  RouteCounterTable ResolveRoutes(const core::Snapshot& snapshot);

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
  prometheus::Family<prometheus::Counter>& exposures_family_;
  prometheus::Family<prometheus::Counter>& fallbacks_family_;
  prometheus::Family<prometheus::Counter>& requests_family_;
  prometheus::Family<prometheus::Histogram>& latency_family_;
  prometheus::Family<prometheus::Counter>& reloads_family_;
  prometheus::Family<prometheus::Gauge>& last_reload_success_family_;
  prometheus::Family<prometheus::Gauge>& config_info_family_;
  prometheus::Family<prometheus::Gauge>& experiments_loaded_family_;
  prometheus::Family<prometheus::Gauge>& ramp_family_;
  prometheus::Family<prometheus::Gauge>& kill_switch_family_;
  prometheus::Family<prometheus::Gauge>& variant_weight_family_;
  prometheus::Family<prometheus::Gauge>& reassigned_family_;

  std::array<std::array<prometheus::Counter*, kStatusCodeCount>, kMethodCount> requests_{};
  std::array<prometheus::Histogram*, kMethodCount> latency_{};
  prometheus::Counter* reload_success_ = nullptr;
  prometheus::Counter* reload_failure_ = nullptr;
  prometheus::Gauge* last_reload_success_ = nullptr;
  prometheus::Gauge* experiments_loaded_ = nullptr;

  // Gauges describing the current config; replaced wholesale on every load so experiments that
  // left the config stop being reported.
  absl::Mutex mu_;
  std::vector<std::pair<prometheus::Family<prometheus::Gauge>*, prometheus::Gauge*>> config_gauges_
      ABSL_GUARDED_BY(mu_);
  std::vector<prometheus::Gauge*> reassigned_gauges_ ABSL_GUARDED_BY(mu_);
};

// Canonical upper-case name of a gRPC status code ("OK", "INVALID_ARGUMENT", ...).
const char* StatusCodeName(int code);

}  // namespace assignd::metrics
