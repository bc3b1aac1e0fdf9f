// Reload stress: clients call Assign without pause while the config is renamed over hundreds of
// times, alternating among three valid configs that differ in every visible way (ramp, weights,
// blend values, hence version). Every answer must be exactly what one of the written configs
// gives that user, judged by its config_version: never an error, never a mix of two configs.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/assign_client.h"
#include "gtest/gtest.h"
#include "server/config/config_loader.h"
#include "server/core/assign.h"
#include "server/service/reason_proto.h"
#include "tests/integration/reload_configs.h"
#include "tests/integration/server_process.h"

namespace assignd::testing {
namespace {

namespace pb = ::assignment::v1;

constexpr int kWrites = 300;
constexpr absl::Duration kWriteInterval = absl::Milliseconds(25);  // ~7.5 s of rewrites
constexpr int kClients = 2;
constexpr int kUsers = 500;

struct Tally {
  int answers = 0;
  int failed_rpcs = 0;
  int mismatches = 0;
  std::string first_problem;
  std::map<std::string, int> by_version;
};

TEST(ReloadStressTest, EveryAnswerMatchesExactlyOneWrittenConfig) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/experiments.yaml";
  // allow_reassignment, so the guard lets the weights move back and forth.
  const std::vector<BlendConfig> configs = {
      {.ramp = 100, .allow_reassignment = true, .baseline_weight = 50, .baseline_alpha = 0.61},
      {.ramp = 80, .allow_reassignment = true, .baseline_weight = 30, .baseline_alpha = 0.62},
      {.ramp = 60, .allow_reassignment = true, .baseline_weight = 70, .baseline_alpha = 0.63}};

  // The expected answers: the same YAML loaded in-process, keyed by its content version.
  std::vector<std::string> yamls;
  std::map<std::string, std::shared_ptr<const core::Snapshot>> by_version;
  for (size_t i = 0; i < configs.size(); ++i) {
    yamls.push_back(BlendYaml(configs[i]));
    const std::string copy = absl::StrCat(dir, "/expected-", i, ".yaml");
    WriteFile(copy, yamls.back());
    absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot = config::LoadSnapshot(copy);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    by_version[(*snapshot)->version()] = *snapshot;
  }
  ASSERT_EQ(by_version.size(), configs.size());

  WriteFile(path, yamls[0]);
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      // A 1 ms debounce, so nearly every write (25 ms apart) is its own reload: hundreds of swaps
      // under the clients' feet rather than one per 10 x debounce burst cap.
      ServerProcess::Start({path, {"--poll_interval=1h", "--reload_debounce=1ms"}, {}});
  ASSERT_TRUE(server.ok()) << server.status();

  std::atomic<bool> writing{true};
  std::vector<Tally> tallies(kClients);
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      Tally& tally = tallies[static_cast<size_t>(t)];
      absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(
          {.target = (*server)->grpc_target(), .timeout = absl::Seconds(5)});
      if (!c.ok()) {
        tally.failed_rpcs = 1;
        return;
      }
      // Bounded by count as well as by the writer finishing.
      for (int i = 0; writing.load() && i < 200000; ++i) {
        const std::string user = absl::StrCat("stress-user-", (i * kClients + t) % kUsers);
        absl::StatusOr<pb::AssignResponse> a = (*c)->Assign(user, "default");
        ++tally.answers;
        if (!a.ok()) {
          ++tally.failed_rpcs;
          if (tally.first_problem.empty()) tally.first_problem = a.status().ToString();
          continue;
        }
        ++tally.by_version[a->config_version()];
        const auto it = by_version.find(a->config_version());
        std::string problem;
        if (it == by_version.end()) {
          problem = "unknown config_version " + a->config_version();
        } else {
          const core::Assignment want = core::AssignUser(*it->second->Find("default"), user);
          const core::BlendWeights& w = want.variant().blend;
          if (a->variant() != want.variant().name ||
              a->reason() != service::ReasonToProto(want.reason) ||
              a->in_experiment() != want.in_experiment() || a->weights().alpha() != w.alpha ||
              a->weights().beta() != w.beta || a->weights().gamma() != w.gamma) {
            problem = absl::StrCat(user, " under ", a->config_version(), ": got ", a->variant(),
                                   " alpha=", a->weights().alpha(), ", want ", want.variant().name,
                                   " alpha=", w.alpha);
          }
        }
        if (!problem.empty()) {
          ++tally.mismatches;
          if (tally.first_problem.empty()) tally.first_problem = problem;
        }
      }
    });
  }

  for (int i = 1; i <= kWrites; ++i) {
    RenameOver(path, yamls[static_cast<size_t>(i) % yamls.size()]);
    absl::SleepFor(kWriteInterval);
  }
  // Let the last write land, then stop the clients.
  absl::SleepFor(absl::Milliseconds(800));
  writing = false;
  for (std::thread& t : clients) t.join();

  Tally total;
  for (const Tally& t : tallies) {
    total.answers += t.answers;
    total.failed_rpcs += t.failed_rpcs;
    total.mismatches += t.mismatches;
    if (total.first_problem.empty()) total.first_problem = t.first_problem;
    for (const auto& [v, n] : t.by_version) total.by_version[v] += n;
  }
  EXPECT_EQ(total.failed_rpcs, 0) << total.first_problem;
  EXPECT_EQ(total.mismatches, 0) << total.first_problem;
  EXPECT_GT(total.answers, 1000);
  // The clients really saw the config change under them: all three versions answered.
  EXPECT_EQ(total.by_version.size(), configs.size());

  const std::string metrics = HttpGet((*server)->metrics_port(), "/metrics").value_or("");
  const double successes =
      MetricValue(metrics, "assignd_config_reloads_total", {{"result", "success"}}).value_or(0);
  EXPECT_EQ(MetricValue(metrics, "assignd_config_reloads_total", {{"result", "failure"}}), 0.0)
      << (*server)->Log();
  EXPECT_GE(successes, 100);
  // The last file written is the one served.
  const absl::StatusOr<pb::GetConfigStatusResponse> status =
      client::AssignClient::Create({.target = (*server)->grpc_target()}).value()->GetConfigStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(by_version.at(status->config_version())->config().experiments[0].ramp_percent,
            configs[static_cast<size_t>(kWrites) % configs.size()].ramp);
  std::printf("reload stress: %d answers, %d reloads over %d writes, versions seen: %zu\n",
              total.answers, static_cast<int>(successes) - 1, kWrites, total.by_version.size());
  EXPECT_EQ((*server)->Stop(), 0);
}

}  // namespace
}  // namespace assignd::testing
