#include "server/app/config_reloader.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/app/log.h"
#include "server/config/config_loader.h"

namespace assignd::app {

absl::Status ConfigReloader::Reload(absl::string_view trigger) {
  absl::MutexLock lock(&mu_);
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      config::LoadSnapshot(path_, overrides_);
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  if (!snapshot.ok()) {
    metrics_.RecordReload(false, static_cast<double>(now_ms) / 1000.0);
    status_board_.RecordFailure(std::string(snapshot.status().message()), now_ms);
    LogError("config reload (", trigger,
             ") refused, still serving the last good config: ", snapshot.status().message());
    return snapshot.status();
  }

  const std::shared_ptr<const service::ServingState> current = store_.Load();
  if (current != nullptr && current->snapshot->version() == (*snapshot)->version()) {
    return absl::OkStatus();  // same bytes, same overrides: nothing to publish
  }
  auto state = std::make_shared<service::ServingState>();
  state->snapshot = *std::move(snapshot);
  state->counters = metrics_.ResolveRoutes(state->snapshot);
  const std::shared_ptr<const core::Snapshot> loaded = state->snapshot;
  store_.Store(std::move(state));

  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
  metrics_.RecordReload(true, static_cast<double>(now_ms) / 1000.0);
  status_board_.RecordSuccess(path_, loaded->version(),
                              static_cast<int>(loaded->config().experiments.size()), now_ms);
  LogInfo("config loaded (", trigger, "): ", path_, " version ", loaded->version(), ", ",
          loaded->config().experiments.size(), " experiments, ", loaded->route_count(),
          " namespaces, in ", absl::StrFormat("%.1f", took.count()), " ms");
  return absl::OkStatus();
}

}  // namespace assignd::app
