#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/config/blend_overrides.h"
#include "server/service/assignment_service.h"

namespace assignd::app {

// Everything the server is configured with, read once at start-up (flags and environment).
struct Options {
  std::string config_path;
  std::string grpc_address = "0.0.0.0:50051";
  std::string metrics_address = "0.0.0.0:9464";
  // Safety-net re-check of the config file, in addition to SIGHUP.
  absl::Duration poll_interval = absl::Seconds(10);
  // How long SIGTERM waits for in-flight RPCs before cancelling them.
  absl::Duration drain_deadline = absl::Seconds(10);
  service::ServiceLimits limits;
  // false: skip per-request metrics (exposures, fallbacks, requests, latency); for benchmarks.
  bool request_metrics = true;
  // If set, "grpc_port=N\nmetrics_port=M\n" is written here once both ports are bound (tests use
  // port 0 and read the real ports back).
  std::string port_file;
  config::BlendOverrides blend_overrides;
};

// OK iff `address` is HOST:PORT with a port in 0..65535 (HOST may be [v6]); else InvalidArgument
// naming `flag`.
absl::Status ValidateHostPort(absl::string_view flag, absl::string_view address);

// Checks the options as a whole; each problem names the flag.
absl::Status ValidateOptions(const Options& options);

}  // namespace assignd::app
