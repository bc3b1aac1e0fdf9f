#include "server/app/config_reloader.h"

#include <chrono>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/app/log.h"
#include "server/app/memory_reclaimer.h"
#include "server/config/config_loader.h"
#include "server/core/reassignment.h"

namespace assignd::app {
namespace {

using Clock = std::chrono::steady_clock;

double MillisBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Routes listed one by one in the reload log before the rest are only counted; routes that move
// users are always listed.
constexpr int kListedUnmovedRoutes = 20;

// One log line with the guard's share for every compared namespace (for huge configs, every
// route that moves anyone plus the first few that don't).
std::string GuardSummary(const std::vector<core::RouteReassignment>& routes) {
  std::string listed;
  int unmoved_listed = 0;
  int unmoved_rest = 0;
  for (const core::RouteReassignment& route : routes) {
    if (!route.moves_users() && unmoved_listed >= kListedUnmovedRoutes) {
      ++unmoved_rest;
      continue;
    }
    if (!route.moves_users()) ++unmoved_listed;
    absl::StrAppend(&listed, listed.empty() ? "" : ", ", route.experiment, "/", route.ns, "=",
                    absl::StrFormat("%.2f%%", 100.0 * route.moved_share),
                    route.seed_changed ? " (seed changed)" : "",
                    route.moves_users() && route.allowed ? " (allowed)" : "",
                    route.moves_users() && route.kill_switch ? " (killed: not enforced yet)" : "");
  }
  if (unmoved_rest > 0) absl::StrAppend(&listed, ", and ", unmoved_rest, " more at 0.00%");
  return absl::StrCat(routes.size(), " namespaces compared",
                      listed.empty() ? "" : absl::StrCat(": ", listed));
}

}  // namespace

absl::Status ConfigReloader::Reload(absl::string_view trigger) {
  absl::MutexLock lock(&mu_);
  const Clock::time_point started = Clock::now();
  absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      config::LoadSnapshot(path_, overrides_);
  const Clock::time_point parsed = Clock::now();
  const auto refuse = [&](const absl::Status& error) {
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    metrics_.RecordReload(false, static_cast<double>(now_ms) / 1000.0);
    status_board_.RecordFailure(std::string(error.message()), now_ms);
    LogError("config reload (", trigger,
             ") refused, still serving the last good config: ", error.message());
    return error;
  };
  if (!snapshot.ok()) return refuse(snapshot.status());

  const std::shared_ptr<const service::ServingState> current = store_.Load();
  if (current != nullptr && current->snapshot->version() == (*snapshot)->version()) {
    // Same bytes, same overrides: nothing to publish. If the last attempt had failed (a broken
    // or refused file since reverted), the file on disk is good again: say so.
    if (!status_board_.Get().last_reload_ok) {
      const int64_t now_ms = absl::ToUnixMillis(absl::Now());
      metrics_.RecordReload(true, static_cast<double>(now_ms) / 1000.0);
      status_board_.RecordSuccess(path_, current->snapshot->version(),
                                  static_cast<int>(current->snapshot->config().experiments.size()),
                                  now_ms);
      LogInfo("config reload (", trigger, "): file is back to the config being served, version ",
              current->snapshot->version());
    }
    return absl::OkStatus();
  }

  // The reassignment guard: nobody already enrolled may change variant unless the file says so.
  const std::vector<core::RouteReassignment> routes = guard_.Compare(**snapshot);
  const Clock::time_point guarded = Clock::now();
  if (current != nullptr) {
    metrics_.RecordReassignment(routes);
    LogInfo("reassignment guard (", trigger, "): ", GuardSummary(routes));
  }
  if (absl::Status guard = core::CheckReassignment(routes); !guard.ok()) {
    return refuse(absl::FailedPreconditionError(absl::StrCat(path_, ": ", guard.message())));
  }

  auto state = std::make_unique<service::ServingState>();
  state->snapshot = *std::move(snapshot);
  state->counters = metrics_.ResolveRoutes(state->snapshot);
  const std::shared_ptr<const core::Snapshot> loaded = state->snapshot;
  store_.Store(MemoryReclaimer::Get().Manage(std::move(state)));
  guard_.Published(*loaded);
  const Clock::time_point swapped = Clock::now();

  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  metrics_.RecordReload(true, static_cast<double>(now_ms) / 1000.0);
  status_board_.RecordSuccess(path_, loaded->version(),
                              static_cast<int>(loaded->config().experiments.size()), now_ms);
  LogInfo("config loaded (", trigger, "): ", path_, " version ", loaded->version(), ", ",
          loaded->config().experiments.size(), " experiments, ", loaded->route_count(),
          " namespaces, in ", absl::StrFormat("%.1f", MillisBetween(started, swapped)),
          " ms (parse+validate ", absl::StrFormat("%.1f", MillisBetween(started, parsed)),
          " ms, guard ", absl::StrFormat("%.1f", MillisBetween(parsed, guarded)), " ms, swap ",
          absl::StrFormat("%.1f", MillisBetween(guarded, swapped)), " ms)");
  return absl::OkStatus();
}

}  // namespace assignd::app
