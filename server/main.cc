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
          "How often the config file is re-checked for changes, in addition to SIGHUP.");
ABSL_FLAG(absl::Duration, drain_deadline, absl::Seconds(10),
          "On SIGTERM, how long in-flight RPCs may take before they are cancelled.");
ABSL_FLAG(uint32_t, max_user_id_bytes, 256, "Longest accepted user_id, in bytes (1..4096).");
ABSL_FLAG(uint32_t, max_batch_users, 10000, "Most user_ids accepted in one BatchAssign.");
ABSL_FLAG(bool, request_metrics, true,
          "Count exposures, fallbacks, requests and latency per request. false only to measure "
          "what they cost (bench/run.sh); the config and reload metrics stay.");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound ports here (grpc_port=N, metrics_port=M) once listening.");

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
  options.drain_deadline = absl::GetFlag(FLAGS_drain_deadline);
  options.limits.max_user_id_bytes = absl::GetFlag(FLAGS_max_user_id_bytes);
  options.limits.max_batch_users = absl::GetFlag(FLAGS_max_batch_users);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.request_metrics = absl::GetFlag(FLAGS_request_metrics);
  options.blend_overrides = *std::move(overrides);

  // Debian's abseil is built without NDEBUG, so every absl::Mutex lock (gRPC locks them on every
  // call) runs the deadlock-cycle detector: ~5% of assignd's CPU at saturation under perf.
  // Release builds of abseil have it off; so do we, before any thread starts.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
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
