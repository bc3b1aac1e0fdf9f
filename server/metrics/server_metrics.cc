#include "server/metrics/server_metrics.h"

#include <utility>

namespace assignd::metrics {
namespace {

constexpr std::array<const char*, kMethodCount> kMethodNames = {
    "Assign", "BatchAssign", "ListExperiments", "GetConfigStatus"};

constexpr std::array<const char*, kStatusCodeCount> kCodeNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

// Latency buckets in seconds: 25 us .. 1 s. An Assign is tens of microseconds on loopback, so
// the resolution is where p50..p99 live.
prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  return {0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
          0.005,    0.01,    0.025,  0.05,    0.1,    0.25,  1.0};
}

}  // namespace

const char* StatusCodeName(int code) {
  return code >= 0 && code < kStatusCodeCount ? kCodeNames[static_cast<size_t>(code)] : "UNKNOWN";
}

ServerMetrics::ServerMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)),
      exposures_family_(prometheus::BuildCounter()
                            .Name("assignd_exposures_total")
                            .Help("Assign answers whose user is in the experiment (in ramp, not "
                                  "killed, not forced), by namespace, experiment and variant.")
                            .Register(*registry_)),
      fallbacks_family_(prometheus::BuildCounter()
                            .Name("assignd_fallbacks_total")
                            .Help("Assign answers that served the fallback or a forced variant, by "
                                  "reason (not_in_ramp, kill_switch, forced_override).")
                            .Register(*registry_)),
      requests_family_(prometheus::BuildCounter()
                           .Name("assignd_requests_total")
                           .Help("Finished RPCs by method and gRPC status code.")
                           .Register(*registry_)),
      latency_family_(prometheus::BuildHistogram()
                          .Name("assignd_request_duration_seconds")
                          .Help("Server-side RPC handling time by method.")
                          .Register(*registry_)),
      reloads_family_(prometheus::BuildCounter()
                          .Name("assignd_config_reloads_total")
                          .Help("Config load attempts by result (success, failure).")
                          .Register(*registry_)),
      last_reload_success_family_(prometheus::BuildGauge()
                                      .Name("assignd_config_last_reload_success_timestamp_seconds")
                                      .Help("Unix time of the last successful config load.")
                                      .Register(*registry_)),
      experiments_loaded_family_(prometheus::BuildGauge()
                                     .Name("assignd_config_experiments")
                                     .Help("Experiments in the config being served.")
                                     .Register(*registry_)) {
  for (int m = 0; m < kMethodCount; ++m) {
    const auto mi = static_cast<size_t>(m);
    for (int c = 0; c < kStatusCodeCount; ++c) {
      requests_[mi][static_cast<size_t>(c)] =
          &requests_family_.Add({{"method", kMethodNames[mi]}, {"code", StatusCodeName(c)}});
    }
    latency_[mi] = &latency_family_.Add({{"method", kMethodNames[mi]}}, LatencyBuckets());
  }
  reload_success_ = &reloads_family_.Add({{"result", "success"}});
  reload_failure_ = &reloads_family_.Add({{"result", "failure"}});
  last_reload_success_ = &last_reload_success_family_.Add({});
  experiments_loaded_ = &experiments_loaded_family_.Add({});
}

RouteCounterTable ServerMetrics::ResolveRoutes(
    const std::shared_ptr<const core::Snapshot>& snapshot) {
  RouteCounterTable table(static_cast<size_t>(snapshot->route_count()));
  for (const core::NamespaceRoute* route : snapshot->routes()) {
    const core::Experiment& experiment = *route->experiment;
    RouteCounters& counters = table[static_cast<size_t>(route->route_index)];
    for (const core::Variant& variant : experiment.variants) {
      counters.exposures.push_back(&exposures_family_.Add(
          {{"namespace", route->ns}, {"experiment", experiment.key}, {"variant", variant.name}}));
    }
    const auto fallback = [&](const char* reason) {
      return &fallbacks_family_.Add(
          {{"namespace", route->ns}, {"experiment", experiment.key}, {"reason", reason}});
    };
    counters.not_in_ramp = fallback("not_in_ramp");
    counters.kill_switch = fallback("kill_switch");
    counters.forced_override = fallback("forced_override");
  }
  config_gauges_->Publish(snapshot);
  experiments_loaded_->Set(static_cast<double>(snapshot->config().experiments.size()));
  return table;
}

void ServerMetrics::RecordReload(bool ok, double unix_seconds) {
  if (ok) {
    reload_success_->Increment();
    last_reload_success_->Set(unix_seconds);
  } else {
    reload_failure_->Increment();
  }
}

}  // namespace assignd::metrics
