// Scale-out consistency: three assignd processes on loopback, each with its own copy of the same
// YAML, give byte-identical answers for 100,000 users; after a config change written to all
// three and a SIGHUP, they converge on the same config_version and agree again.
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/assign_client.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_configs.h"

namespace assignd::testing {
namespace {

namespace pb = ::assignment::v1;

constexpr int kReplicas = 3;

class ConsistencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kReplicas; ++i) {
      const std::string dir = MakeTempDir();
      paths_.push_back(dir + "/experiments.yaml");
      WriteFile(paths_.back(), TwoExperimentConfig(50));
      // Only SIGHUP reloads here, so every replica changes at a moment the test chooses.
      absl::StatusOr<std::unique_ptr<ServerProcess>> server =
          ServerProcess::Start({paths_.back(), {"--poll_interval=1h"}, {}});
      ASSERT_TRUE(server.ok()) << server.status();
      absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(
          {.target = (*server)->grpc_target(), .timeout = absl::Seconds(30)});
      ASSERT_TRUE(c.ok()) << c.status();
      servers_.push_back(*std::move(server));
      clients_.push_back(*std::move(c));
    }
  }

  // Asks every replica about `users` in batches of 10,000 and expects identical bytes back.
  // Returns how many answers were exposures (for a sanity check on the split).
  int ExpectIdenticalAnswers(const std::string& ns, int users) {
    int exposures = 0;
    for (int start = 0; start < users; start += 10000) {
      std::vector<std::string> ids;
      for (int u = start; u < std::min(users, start + 10000); ++u) {
        ids.push_back(absl::StrCat("user-", u));
      }
      std::vector<std::string> answers;
      for (int r = 0; r < kReplicas; ++r) {
        absl::StatusOr<pb::BatchAssignResponse> batch = clients_[r]->BatchAssign(ns, ids);
        EXPECT_TRUE(batch.ok()) << batch.status();
        if (!batch.ok()) return -1;
        EXPECT_EQ(batch->assignments_size(), static_cast<int>(ids.size()));
        answers.push_back(batch->SerializeAsString());
        if (r == 0) {
          for (const pb::AssignResponse& a : batch->assignments()) exposures += a.in_experiment();
        }
      }
      for (int r = 1; r < kReplicas; ++r) {
        EXPECT_EQ(answers[r], answers[0])
            << "replica " << r << " differs in users " << start << "..";
      }
    }
    return exposures;
  }

  std::vector<std::string> Versions() {
    std::vector<std::string> versions;
    for (auto& c : clients_) {
      absl::StatusOr<pb::GetConfigStatusResponse> s = c->GetConfigStatus();
      versions.push_back(s.ok() ? s->config_version() : "error: " + s.status().ToString());
    }
    return versions;
  }

  std::vector<std::string> paths_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  std::vector<std::unique_ptr<client::AssignClient>> clients_;
};

TEST_F(ConsistencyTest, ThreeReplicasAgreeOnEveryUserAndConvergeAfterAChange) {
  const std::vector<std::string> before = Versions();
  ASSERT_EQ(before[1], before[0]);
  ASSERT_EQ(before[2], before[0]);

  const int exposures = ExpectIdenticalAnswers("default", 100000);
  EXPECT_NEAR(exposures, 50000, 1000);                     // ramp 50%: about half enrolled
  EXPECT_GE(ExpectIdenticalAnswers("pdp", 20000), 20000);  // ramp 100%: everyone

  // Change: ramp 50 -> 80, written to all three files, then SIGHUP to each.
  for (const std::string& path : paths_) WriteFile(path, TwoExperimentConfig(80));
  const absl::Time sent = absl::Now();
  for (auto& s : servers_) s->Signal(SIGHUP);
  std::vector<std::string> after;
  while (absl::Now() - sent < absl::Seconds(10)) {
    after = Versions();
    if (after[0] != before[0] && after[1] == after[0] && after[2] == after[0]) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  const absl::Duration took = absl::Now() - sent;
  ASSERT_NE(after[0], before[0]);
  ASSERT_EQ(after[1], after[0]);
  ASSERT_EQ(after[2], after[0]);
  std::printf("replicas converged on version %s %s after SIGHUP\n", after[0].c_str(),
              absl::FormatDuration(took).c_str());
  // The version is a content hash: `assignd --check` on the same bytes names the same one.
  const CommandResult check =
      RunCommand(absl::StrCat(BinDir(), "/assignd --check --config=", paths_[0]));
  EXPECT_NE(check.output.find("version " + after[0]), std::string::npos) << check.output;

  EXPECT_NEAR(ExpectIdenticalAnswers("default", 100000), 80000, 1000);
}

TEST_F(ConsistencyTest, RoundRobinClientSpreadsCallsOverEveryReplica) {
  // What a client of the headless Service does: one channel, every replica's address.
  std::string target = "ipv4:";
  for (int r = 0; r < kReplicas; ++r) {
    absl::StrAppend(&target, r == 0 ? "" : ",", "127.0.0.1:", servers_[r]->grpc_port());
  }
  absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(
      {.target = target, .timeout = absl::Seconds(5), .load_balancing_policy = "round_robin"});
  ASSERT_TRUE(c.ok()) << c.status();
  constexpr int kCalls = 300;
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE((*c)->Assign(absl::StrCat("user-", i), "default").ok());
  }
  double total = 0;
  for (int r = 0; r < kReplicas; ++r) {
    absl::StatusOr<std::string> metrics = HttpGet(servers_[r]->metrics_port(), "/metrics");
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    const double served =
        MetricValue(*metrics, "assignd_requests_total", {{"method", "Assign"}, {"code", "OK"}})
            .value_or(0);
    EXPECT_GE(served, kCalls / kReplicas / 2) << "replica " << r;  // round robin: ~100 each
    total += served;
  }
  EXPECT_EQ(total, kCalls);
}

}  // namespace
}  // namespace assignd::testing
