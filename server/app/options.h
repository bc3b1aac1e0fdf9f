#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/app/tls_credentials.h"
#include "server/config/blend_overrides.h"
#include "server/exposure_log/exposure_log.h"
#include "server/service/assignment_service.h"

namespace assignd::app {

// Everything the server is configured with, read once at start-up (flags and environment).
struct Options {
  std::string config_path;
  std::string grpc_address = "0.0.0.0:50051";
  std::string metrics_address = "0.0.0.0:9464";
  // Safety-net re-check of the config file, in addition to SIGHUP.
  absl::Duration poll_interval = absl::Seconds(10);
  // Reload on inotify events in the config's directory (see ConfigWatcher), debounced.
  bool watch = true;
  absl::Duration reload_debounce = absl::Milliseconds(50);
  // How long SIGTERM waits for in-flight RPCs before cancelling them.
  absl::Duration drain_deadline = absl::Seconds(10);
  service::ServiceLimits limits;
  // Largest request gRPC accepts; bigger ones fail RESOURCE_EXHAUSTED before reaching a handler.
  int max_message_bytes = 4 << 20;
  // Concurrent RPCs per client connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); further calls
  // wait in the client until a stream frees up.
  int max_concurrent_streams = 100;
  TlsFiles tls;
  // false: skip per-request metrics (exposures, fallbacks, requests, latency); for benchmarks.
  bool request_metrics = true;
  // If set, "grpc_port=N\nmetrics_port=M\n" is written here once both ports are bound (tests use
  // port 0 and read the real ports back).
  std::string port_file;
  config::BlendOverrides blend_overrides;
  // Exposure log for Loki; off when exposure_log.path is empty.
  exposure_log::ExposureLogOptions exposure_log;
};

// OK iff `address` is HOST:PORT with a port in 0..65535 (HOST may be [v6]); else InvalidArgument
// naming `flag`.
absl::Status ValidateHostPort(absl::string_view flag, absl::string_view address);

// Checks the options as a whole; each problem names the flag.
absl::Status ValidateOptions(const Options& options);

}  // namespace assignd::app
