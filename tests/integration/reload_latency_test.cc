// Measurements for hot reload (label `measure`): they PRINT figures and assert only that the
// reloads happened, never how fast (the box is shared; timing targets are reported, not tested).
//   build/bin/reload_latency_test            # prints the "MEASURE ..." lines
//
// 1. Kill-switch latency: from the rename() of a kill_switch: true file to the first Assign that
//    answers KILL_SWITCH, over 25 flips (median, max).
// 2. Reload of a 10,000-experiment file: parse+validate, guard and swap times as the reloader logs
//    them, at start-up, for a one-line edit, for a ramp raise of every experiment (the guard
//    enumerates all 10,000 routes), and the kill-switch latency in that file.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/assign_client.h"
#include "gtest/gtest.h"
#include "tests/integration/reload_configs.h"
#include "tests/integration/server_process.h"

namespace assignd::testing {
namespace {

namespace pb = ::assignment::v1;
using Clock = std::chrono::steady_clock;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void PrintSummary(const std::string& what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const double median =
      ms.size() % 2 == 1 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
  std::printf("MEASURE %s: n=%zu median=%.1f ms min=%.1f ms max=%.1f ms\n", what.c_str(), ms.size(),
              median, ms.front(), ms.back());
  std::fflush(stdout);
}

// Calls Assign(user, ns) every 0.5 ms until `done` says so; returns the time from `since`, or -1
// after 30 s. The pause keeps the probe from competing with the reload for the two cores (a
// tight loop made a 10,000-experiment reload up to 3x slower); it costs at most 0.5 ms of
// resolution.
template <typename Done>
double SpinUntil(client::AssignClient& client, const std::string& user, const std::string& ns,
                 Clock::time_point since, Done done) {
  while (Clock::now() - since < std::chrono::seconds(30)) {
    absl::StatusOr<pb::AssignResponse> a = client.Assign(user, ns);
    if (a.ok() && done(*a)) return Millis(Clock::now() - since);
    absl::SleepFor(absl::Microseconds(500));
  }
  return -1;
}

// Flips `kill_switch` on (measured) and off (not measured) `flips` times.
std::vector<double> MeasureKillSwitch(client::AssignClient& client, const std::string& path,
                                      const std::string& ns, const std::string& live_yaml,
                                      const std::string& killed_yaml, int flips) {
  std::vector<double> latencies;
  for (int i = 0; i < flips; ++i) {
    const Clock::time_point written = Clock::now();
    RenameOver(path, killed_yaml);
    const double ms = SpinUntil(client, "probe-user", ns, written, [](const pb::AssignResponse& a) {
      return a.reason() == pb::REASON_KILL_SWITCH;
    });
    EXPECT_GE(ms, 0) << "flip " << i << " never answered KILL_SWITCH";
    if (ms < 0) break;
    latencies.push_back(ms);
    RenameOver(path, live_yaml);
    EXPECT_GE(
        SpinUntil(client, "probe-user", ns, Clock::now(),
                  [](const pb::AssignResponse& a) { return a.reason() != pb::REASON_KILL_SWITCH; }),
        0);
    absl::SleepFor(absl::Milliseconds(100));  // let the watcher go quiet between flips
  }
  return latencies;
}

std::unique_ptr<client::AssignClient> Connect(const ServerProcess& server) {
  return client::AssignClient::Create(
             {.target = server.grpc_target(), .timeout = absl::Seconds(30)})
      .value();
}

TEST(ReloadLatency, KillSwitchWriteToFirstFallbackAnswer) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/experiments.yaml";
  const std::string live = BlendYaml({.ramp = 100});
  const std::string killed = BlendYaml({.ramp = 100, .kill_switch = true});
  WriteFile(path, live);
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({path, {"--poll_interval=1h"}, {}});
  ASSERT_TRUE(server.ok()) << server.status();
  std::unique_ptr<client::AssignClient> client = Connect(**server);
  const std::vector<double> ms = MeasureKillSwitch(*client, path, "default", live, killed, 25);
  ASSERT_EQ(ms.size(), 25u);
  PrintSummary(
      "kill-switch latency (write -> first KILL_SWITCH answer, 1 experiment, "
      "--reload_debounce=50ms)",
      ms);
}

// 10,000 experiments, each on its own namespace, two variants; experiment 0's kill switch and
// every ramp are parameters.
std::string ManyExperiments(int count, double ramp, bool kill_first, double first_alpha) {
  std::string yaml = "experiments:\n";
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(
        &yaml, "  - key: exp_", i, "\n    namespaces: [ns_", i, "]\n    ramp_percent: ", ramp,
        "\n    kill_switch: ", i == 0 && kill_first ? "true" : "false",
        "\n    fallback_variant: control\n    variants:\n"
        "      - {name: control, weight: 50, blend: {alpha: ",
        i == 0 ? first_alpha : 0.6,
        ", beta: 0.3, gamma: 0.1}}\n"
        "      - {name: treatment, weight: 50, blend: {alpha: 0.5, beta: 0.35, gamma: 0.15}}\n");
  }
  return yaml;
}

// CPU time (user + system) the process has used so far, in ms, from /proc/PID/stat: on a shared
// box, the wall times above depend on the neighbours, this does much less.
double CpuMillis(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return 1000.0 * ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The reloader's last "config loaded (...)" log line, and its total/parse/guard/swap times.
struct LoadTimes {
  std::string line;
  double total = -1, parse = -1, guard = -1, swap = -1;
};

LoadTimes LastLoad(const std::string& log) {
  LoadTimes times;
  const size_t start = log.rfind("config loaded (");
  if (start == std::string::npos) return times;
  times.line = log.substr(start, log.find('\n', start) - start);
  const size_t in = times.line.rfind(" in ");
  if (in == std::string::npos ||
      std::sscanf(times.line.c_str() + in,
                  " in %lf ms (parse+validate %lf ms, guard %lf ms, swap %lf ms)", &times.total,
                  &times.parse, &times.guard, &times.swap) != 4) {
    ADD_FAILURE() << "unexpected reload log line: " << times.line;
  }
  return times;
}

void PrintLoad(const std::string& what, const LoadTimes& t) {
  std::printf(
      "MEASURE 10,000-experiment reload, %s: total %.1f ms (parse+validate %.1f ms, guard "
      "%.1f ms, swap %.1f ms)\n",
      what.c_str(), t.total, t.parse, t.guard, t.swap);
  std::fflush(stdout);
}

TEST(ReloadLatency, TenThousandExperimentFile) {
  constexpr int kExperiments = 10000;
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/experiments.yaml";
  const std::string base = ManyExperiments(kExperiments, 10, false, 0.6);
  WriteFile(path, base);
  std::printf("MEASURE 10,000-experiment file: %zu bytes\n", base.size());
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({path, {"--poll_interval=1h"}, {}}, absl::Seconds(120));
  ASSERT_TRUE(server.ok()) << server.status();
  std::unique_ptr<client::AssignClient> client = Connect(**server);
  PrintLoad("start-up", LastLoad((*server)->Log()));

  const auto reload_and_report = [&](const std::string& what, const std::string& yaml) {
    const auto version = [&] {
      return client->GetConfigStatus().value_or(pb::GetConfigStatusResponse{}).config_version();
    };
    const std::string before = version();
    const double cpu_before = CpuMillis((*server)->pid());
    const Clock::time_point written = Clock::now();
    RenameOver(path, yaml);
    std::string after = before;
    while (after == before && Clock::now() - written < std::chrono::seconds(60)) {
      absl::SleepFor(absl::Milliseconds(1));
      after = version();
    }
    ASSERT_NE(after, before) << (*server)->Log();
    const LoadTimes t = LastLoad((*server)->Log());
    PrintLoad(what, t);
    std::printf(
        "MEASURE   (write -> new version visible: %.1f ms; server CPU time meanwhile %.0f ms)\n",
        Millis(Clock::now() - written), CpuMillis((*server)->pid()) - cpu_before);
  };
  reload_and_report("one blend value edited", ManyExperiments(kExperiments, 10, false, 0.61));
  reload_and_report("every ramp raised 10 -> 20% (guard checks every route)",
                    ManyExperiments(kExperiments, 20, false, 0.61));

  const std::vector<double> ms =
      MeasureKillSwitch(*client, path, "ns_0", ManyExperiments(kExperiments, 20, false, 0.61),
                        ManyExperiments(kExperiments, 20, true, 0.61), 5);
  ASSERT_EQ(ms.size(), 5u);
  PrintSummary("kill-switch latency in the 10,000-experiment file", ms);
  EXPECT_EQ(
      client->GetConfigStatus().value_or(pb::GetConfigStatusResponse{}).reload_failure_total(), 0)
      << (*server)->Log();
}

}  // namespace
}  // namespace assignd::testing
