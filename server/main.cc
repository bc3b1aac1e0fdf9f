// assignd: the experiment-assignment gRPC server. Flags -> Options -> Server::Create -> run.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/app/log.h"
#include "server/app/server.h"
#include "server/config/blend_overrides.h"
#include "server/config/config_loader.h"
#include "server/config/release_free_memory.h"
#include "server/core/absl_string_view.h"

ABSL_FLAG(std::string, config, "", "Path of the experiments YAML file (required).");
ABSL_FLAG(
    bool, check, false,
    "Validate --config (with BLEND_WEIGHTS_OVERRIDES applied), print what is wrong, and exit: "
    "0 if valid, 1 if not.");
ABSL_FLAG(std::string, grpc_address, "0.0.0.0:50051", "HOST:PORT for the gRPC service.");
ABSL_FLAG(std::string, metrics_address, "0.0.0.0:9464",
          "HOST:PORT for Prometheus metrics (served at /metrics).");
ABSL_FLAG(absl::Duration, poll_interval, absl::Seconds(10),
          "How often the config file is re-checked for changes (a safety net behind --watch and "
          "SIGHUP).");
ABSL_FLAG(bool, watch, true,
          "Reload when the config changes, watching its directory with inotify (in-place writes, "
          "renames over it, Kubernetes ConfigMap updates).");
ABSL_FLAG(absl::Duration, reload_debounce, absl::Milliseconds(50),
          "With --watch, reload once file events have been quiet this long (at most 10x this "
          "after the first event of a burst).");
ABSL_FLAG(absl::Duration, drain_deadline, absl::Seconds(10),
          "On SIGTERM, how long in-flight RPCs may take before they are cancelled.");
ABSL_FLAG(uint32_t, max_user_id_bytes, 256, "Longest accepted user_id, in bytes (1..4096).");
ABSL_FLAG(uint32_t, max_batch_users, 10000, "Most user_ids accepted in one BatchAssign.");
ABSL_FLAG(int32_t, max_message_bytes, 4 << 20,
          "Largest gRPC request accepted, in bytes; larger ones fail RESOURCE_EXHAUSTED.");
ABSL_FLAG(int32_t, max_concurrent_streams, 100,
          "Most concurrent RPCs per client connection (HTTP/2 MAX_CONCURRENT_STREAMS).");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM server certificate chain; with --tls_key, serves gRPC over TLS (else plaintext).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle; if set, every client must present a certificate it signed (mTLS).");
ABSL_FLAG(bool, request_metrics, true,
          "Count exposures, fallbacks, requests and latency per request. false only to measure "
          "what they cost (bench/run.sh); the config and reload metrics stay.");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound ports here (grpc_port=N, metrics_port=M) once listening.");
ABSL_FLAG(std::string, exposure_log, "",
          "Append one JSON line per exposure to this file for Loki ('-' = stdout, empty = off).");
ABSL_FLAG(std::string, exposure_log_user, "hashed",
          "How the exposure log identifies users: 'hashed' (HMAC-SHA256 with "
          "--exposure_log_salt, 32 hex digits) or 'raw' (the user id).");
ABSL_FLAG(std::string, exposure_log_salt, "",
          "Secret HMAC key for hashed user keys; if empty, the ASSIGND_EXPOSURE_LOG_SALT "
          "environment variable (keeps the secret out of the process list).");
ABSL_FLAG(double, exposure_log_sample_rate, 1.0,
          "Share of users (by a stable hash of the id) whose exposures are logged, in (0, 1].");
ABSL_FLAG(bool, exposure_log_fallbacks, false,
          "Also log answers that are not exposures (not_in_ramp, kill_switch, forced_override).");
ABSL_FLAG(uint32_t, exposure_log_queue, 16384,
          "Exposure log queue slots; when full, exposures are dropped (and counted), never waited "
          "for.");

namespace {

absl::StatusOr<assignd::config::BlendOverrides> OverridesFromEnv() {
  const char* value = std::getenv(std::string(assignd::config::kBlendOverridesEnv).c_str());
  if (value == nullptr) return assignd::config::BlendOverrides{};
  absl::StatusOr<assignd::config::BlendOverrides> parsed =
      assignd::config::ParseBlendOverrides(value);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        assignd::AsAbsl(assignd::config::kBlendOverridesEnv), ": ", parsed.status().message()));
  }
  return parsed;
}

int Check(const std::string& path, const assignd::config::BlendOverrides& overrides) {
  absl::StatusOr<std::shared_ptr<const assignd::core::Snapshot>> snapshot =
      assignd::config::LoadSnapshot(path, overrides);
  if (!snapshot.ok()) {
    std::cerr << snapshot.status().message() << "\n" << path << ": INVALID\n";
    return 1;
  }
  std::cout << path << ": OK, version " << (*snapshot)->version() << ", "
            << (*snapshot)->config().experiments.size() << " experiments, "
            << (*snapshot)->route_count() << " namespaces served\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "experiment-assignment gRPC server.\n"
      "  assignd --config=config/experiments.yaml [--grpc_address=0.0.0.0:50051] ...\n"
      "  assignd --check --config=FILE");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "assignd: unexpected argument '" << positional[1]
              << "' (flags are --name=value)\n";
    return 2;
  }

  absl::StatusOr<assignd::config::BlendOverrides> overrides = OverridesFromEnv();
  if (!overrides.ok()) {
    std::cerr << "assignd: " << overrides.status().message() << "\n";
    return 2;
  }
  const std::string config_path = absl::GetFlag(FLAGS_config);
  if (config_path.empty()) {
    std::cerr << "assignd: --config is required\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_check)) return Check(config_path, *overrides);

  assignd::app::Options options;
  options.config_path = config_path;
  options.grpc_address = absl::GetFlag(FLAGS_grpc_address);
  options.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  options.poll_interval = absl::GetFlag(FLAGS_poll_interval);
  options.watch = absl::GetFlag(FLAGS_watch);
  options.reload_debounce = absl::GetFlag(FLAGS_reload_debounce);
  options.drain_deadline = absl::GetFlag(FLAGS_drain_deadline);
  options.limits.max_user_id_bytes = absl::GetFlag(FLAGS_max_user_id_bytes);
  options.limits.max_batch_users = absl::GetFlag(FLAGS_max_batch_users);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.tls = {.cert_path = absl::GetFlag(FLAGS_tls_cert),
                 .key_path = absl::GetFlag(FLAGS_tls_key),
                 .client_ca_path = absl::GetFlag(FLAGS_tls_client_ca)};
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.request_metrics = absl::GetFlag(FLAGS_request_metrics);
  options.blend_overrides = *std::move(overrides);
  options.exposure_log.path = absl::GetFlag(FLAGS_exposure_log);
  const std::string user_mode = absl::GetFlag(FLAGS_exposure_log_user);
  if (user_mode != "hashed" && user_mode != "raw") {
    std::cerr << "assignd: --exposure_log_user must be 'hashed' or 'raw', got '" << user_mode
              << "'\n";
    return 2;
  }
  options.exposure_log.user_key = user_mode == "raw" ? assignd::exposure_log::UserKeyMode::kRaw
                                                     : assignd::exposure_log::UserKeyMode::kHashed;
  options.exposure_log.salt = absl::GetFlag(FLAGS_exposure_log_salt);
  if (const char* salt = std::getenv("ASSIGND_EXPOSURE_LOG_SALT");
      options.exposure_log.salt.empty() && salt != nullptr) {
    options.exposure_log.salt = salt;
  }
  options.exposure_log.sample_rate = absl::GetFlag(FLAGS_exposure_log_sample_rate);
  options.exposure_log.include_fallbacks = absl::GetFlag(FLAGS_exposure_log_fallbacks);
  options.exposure_log.queue_capacity = absl::GetFlag(FLAGS_exposure_log_queue);

  // Debian's abseil is built without NDEBUG, so every absl::Mutex lock (gRPC locks them on every
  // call) runs the deadlock-cycle detector: ~5% of assignd's CPU at saturation under perf.
  // Release builds of abseil have it off; so do we, before any thread starts.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  assignd::config::LimitRetainedMemory();
  // Before any thread exists, so every thread inherits the mask and only sigwait sees them.
  assignd::app::BlockServerSignals();
  absl::StatusOr<std::unique_ptr<assignd::app::Server>> server =
      assignd::app::Server::Create(options);
  if (!server.ok()) {
    assignd::app::LogError("assignd failed to start: ", server.status().ToString());
    return 1;
  }
  (*server)->RunUntilSignalled();
  // Every RPC has drained and nothing is left to flush but stdio. Skipping destructors saves the
  // ~2 s civetweb's metrics listener takes to notice its stop flag, which would otherwise delay
  // every rolling update.
  std::fflush(nullptr);
  std::_Exit(0);
}
