#include "server/metrics/server_metrics.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/core/bucket_ranges.h"

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
      last_reload_ok_family_(prometheus::BuildGauge()
                                 .Name("assignd_config_last_reload_successful")
                                 .Help("1 if the last config load attempt succeeded, 0 if it was "
                                       "refused (the last good config keeps serving).")
                                 .Register(*registry_)),
      config_info_family_(prometheus::BuildGauge()
                              .Name("assignd_config_info")
                              .Help("Always 1; the version label is the content hash of the "
                                    "config being served.")
                              .Register(*registry_)),
      experiments_loaded_family_(prometheus::BuildGauge()
                                     .Name("assignd_config_experiments")
                                     .Help("Experiments in the config being served.")
                                     .Register(*registry_)),
      exposure_log_written_family_(prometheus::BuildCounter()
                                       .Name("assignd_exposure_log_written_total")
                                       .Help("Exposure log lines written.")
                                       .Register(*registry_)),
      exposure_log_dropped_family_(
          prometheus::BuildCounter()
              .Name("assignd_exposure_log_dropped_total")
              .Help("Exposures not logged because the log's queue was full or a write failed.")
              .Register(*registry_)),
      reassigned_family_(prometheus::BuildGauge()
                             .Name("assignd_reload_reassigned_ratio")
                             .Help("Share of the experiment's enrolled users that the latest "
                                   "parsed config file (published or refused by the reassignment "
                                   "guard) moves to another variant or out of the ramp.")
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
  last_reload_ok_ = &last_reload_ok_family_.Add({});
  experiments_loaded_ = &experiments_loaded_family_.Add({});
  exposure_log_written_ = &exposure_log_written_family_.Add({});
  exposure_log_dropped_ = &exposure_log_dropped_family_.Add({});
}

namespace {

constexpr absl::string_view kSeparator("\0", 1);  // cannot occur in a label value

std::string VariantNames(const core::Experiment& experiment) {
  std::string names;
  for (const core::Variant& variant : experiment.variants) {
    absl::StrAppend(&names, variant.name, kSeparator);
  }
  return names;
}

}  // namespace

RouteCounterTable ServerMetrics::ResolveRoutes(
    const std::shared_ptr<const core::Snapshot>& snapshot_ptr) {
  const core::Snapshot& snapshot = *snapshot_ptr;
  absl::MutexLock lock(&mu_);
  RouteCounterTable table(static_cast<size_t>(snapshot.route_count()));
  const auto segments = std::make_shared<const SegmentIndex>(snapshot.config().segments);
  if (segments->slot_labels() != resolved_segment_labels_) {
    resolved_routes_.clear();  // their cells are laid out for other segment slots
    resolved_segment_labels_ = segments->slot_labels();
  }
  absl::flat_hash_map<std::string, ResolvedRoute> routes;
  routes.reserve(static_cast<size_t>(snapshot.route_count()));
  std::vector<std::shared_ptr<const SrmRoute>> srm_routes;
  srm_routes.reserve(static_cast<size_t>(snapshot.route_count()));
  std::vector<std::shared_ptr<const RouteCells>> cells(static_cast<size_t>(snapshot.route_count()));
  for (const core::NamespaceRoute* route : snapshot.routes()) {
    const core::Experiment& experiment = *route->experiment;
    std::string variants = VariantNames(experiment);
    std::string key = absl::StrCat(route->ns, kSeparator, experiment.key);
    ResolvedRoute resolved;
    if (const auto previous = resolved_routes_.find(key);
        previous != resolved_routes_.end() && previous->second.variants == variants) {
      resolved = std::move(previous->second);
    } else {
      resolved.variants = std::move(variants);
      resolved.cells =
          std::make_shared<RouteCells>(experiment.variants.size(), segments->slot_count());
    }
    RouteCounters& counters = table[static_cast<size_t>(route->route_index)];
    counters.cells = resolved.cells;
    counters.segments = segments;
    cells[static_cast<size_t>(route->route_index)] = resolved.cells;
    counters.srm = std::make_shared<SrmRoute>(*route);
    srm_routes.push_back(counters.srm);
    routes.insert_or_assign(std::move(key), std::move(resolved));
  }
  resolved_routes_ = std::move(routes);

  prometheus::Gauge& config_info = config_info_family_.Add({{"version", snapshot.version()}});
  config_info.Set(1);
  if (config_info_ != nullptr && config_info_ != &config_info)
    config_info_family_.Remove(config_info_);
  config_info_ = &config_info;
  config_gauges_->SetSnapshot(snapshot_ptr);
  experiments_loaded_->Set(static_cast<double>(snapshot.config().experiments.size()));
  srm_->SetRoutes(snapshot_ptr, std::move(srm_routes));
  route_series_->SetRoutes(snapshot_ptr, std::move(cells), segments);
  return table;
}

void ServerMetrics::RecordReassignment(const std::vector<core::RouteReassignment>& routes) {
  std::map<std::string, double> by_experiment;
  for (const core::RouteReassignment& route : routes) {
    double& share = by_experiment[route.experiment];
    share = std::max(share, route.moved_share);
  }
  absl::MutexLock lock(&mu_);
  std::vector<prometheus::Gauge*> fresh;
  absl::flat_hash_set<const prometheus::Gauge*> kept;
  for (const auto& [experiment, share] : by_experiment) {
    prometheus::Gauge& gauge = reassigned_family_.Add({{"experiment", experiment}});
    gauge.Set(share);
    fresh.push_back(&gauge);
    kept.insert(&gauge);
  }
  for (prometheus::Gauge* gauge : reassigned_gauges_) {
    if (!kept.contains(gauge)) reassigned_family_.Remove(gauge);  // as in ResolveRoutes
  }
  reassigned_gauges_ = std::move(fresh);
}

void ServerMetrics::RecordReload(bool ok, double unix_seconds) {
  last_reload_ok_->Set(ok ? 1 : 0);
  if (ok) {
    reload_success_->Increment();
    last_reload_success_->Set(unix_seconds);
  } else {
    reload_failure_->Increment();
  }
}

}  // namespace assignd::metrics
