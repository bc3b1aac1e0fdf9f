#pragma once

#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/config/blend_overrides.h"
#include "server/core/reassignment.h"
#include "server/metrics/server_metrics.h"
#include "server/service/config_status_board.h"
#include "server/service/serving_state.h"

namespace assignd::app {

// Loads the config file into a new ServingState and publishes it, or refuses it. A refused file
// changes nothing that requests see: the last good state keeps serving. Every attempt is logged,
// counted in metrics and recorded for the admin RPC.
class ConfigReloader {
 public:
  ConfigReloader(std::string path, config::BlendOverrides overrides,
                 service::ServingStateStore& store, metrics::ServerMetrics& metrics,
                 service::ConfigStatusBoard& status_board)
      : path_(std::move(path)),
        overrides_(std::move(overrides)),
        store_(store),
        metrics_(metrics),
        status_board_(status_board) {}

  // Parses, validates and publishes the file. `trigger` says why (start-up, SIGHUP, poll, ...)
  // for the log. Before publishing, the reassignment guard (core/reassignment.h) compares the new
  // snapshot with what users last got and refuses the file (FailedPrecondition, with each moved
  // share) if it would move already-enrolled users of an experiment that does not set
  // allow_reassignment (not enforced while that experiment's kill switch is on). Serialised:
  // concurrent calls run one after the other. Returns the load or guard error, or OK (also when the
  // file is unchanged, which publishes nothing).
  absl::Status Reload(absl::string_view trigger) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const config::BlendOverrides overrides_;
  service::ServingStateStore& store_;
  metrics::ServerMetrics& metrics_;
  service::ConfigStatusBoard& status_board_;
  absl::Mutex mu_;
  core::ReassignmentGuard guard_ ABSL_GUARDED_BY(mu_);
};

}  // namespace assignd::app
