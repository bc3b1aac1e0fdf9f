#pragma once

#include <memory>

#include "server/core/snapshot.h"
#include "server/core/snapshot_store.h"
#include "server/metrics/server_metrics.h"

namespace assignd::service {

// What the request path reads: a validated config snapshot and the metric handles resolved for
// it. Built and published as one immutable unit, so counters always match the routes.
struct ServingState {
  std::shared_ptr<const core::Snapshot> snapshot;
  metrics::RouteCounterTable counters;  // by NamespaceRoute::route_index
};

using ServingStateStore = core::SnapshotStore<ServingState>;

}  // namespace assignd::service
