// Integration tests: the real assignd binary on loopback, real gRPC (the client library) and real
// HTTP /metrics.
#include <signal.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/assign_client.h"
#include "gtest/gtest.h"
#include "tests/integration/server_fixture.h"
#include "tests/integration/test_configs.h"

namespace assignd::testing {
namespace {

namespace pb = ::assignment::v1;

using ServerTest = ServerFixture;

TEST_F(ServerTest, AssignAnswersVariantWeightsAndVersion) {
  StartServer(TwoExperimentConfig(100));
  absl::StatusOr<pb::AssignResponse> a = client_->Assign("user-42", "default");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->experiment(), "blend_weights_v2");
  EXPECT_TRUE(a->in_experiment());
  EXPECT_EQ(a->reason(), pb::REASON_ASSIGNED);
  EXPECT_EQ(a->config_version().size(), 16u);
  if (a->variant() == "baseline") {
    EXPECT_DOUBLE_EQ(a->weights().alpha(), 0.60);
    EXPECT_DOUBLE_EQ(a->weights().gamma(), 0.10);
  } else {
    ASSERT_EQ(a->variant(), "challenger_a");
    EXPECT_DOUBLE_EQ(a->weights().alpha(), 0.50);
    EXPECT_DOUBLE_EQ(a->weights().beta(), 0.35);
  }
  // Sticky: the same user gets the same answer every time.
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<pb::AssignResponse> again = client_->Assign("user-42", "default");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->variant(), a->variant());
    EXPECT_EQ(again->bucket(), a->bucket());
  }
}

TEST_F(ServerTest, ForcedOverrideIsNotAnExposure) {
  StartServer(TwoExperimentConfig(1));
  absl::StatusOr<pb::AssignResponse> a = client_->Assign("qa-user-1", "default");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->variant(), "challenger_a");
  EXPECT_EQ(a->reason(), pb::REASON_FORCED_OVERRIDE);
  EXPECT_FALSE(a->in_experiment());
  const std::string metrics = Metrics();
  EXPECT_EQ(MetricValue(metrics, "assignd_fallbacks_total",
                        {{"namespace", "default"},
                         {"experiment", "blend_weights_v2"},
                         {"reason", "forced_override"}}),
            1.0);
}

TEST_F(ServerTest, BadInputIsRejectedWithClearStatus) {
  StartServer(TwoExperimentConfig(50));
  const auto code = [&](const std::string& user, const std::string& ns) {
    return client_->Assign(user, ns).status().code();
  };
  EXPECT_EQ(code("u1", "nowhere"), absl::StatusCode::kNotFound);
  EXPECT_EQ(code("", "default"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(std::string(257, 'x'), "default"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("u1", "bad namespace!"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("u1", ""), absl::StatusCode::kInvalidArgument);
  const absl::Status not_found = client_->Assign("u1", "nowhere").status();
  EXPECT_NE(not_found.message().find("nowhere"), absl::string_view::npos) << not_found;
  // The server is still fine afterwards and counted each refusal by code.
  EXPECT_TRUE(client_->Assign("u1", "default").ok());
  const std::string metrics = Metrics();
  EXPECT_EQ(MetricValue(metrics, "assignd_requests_total",
                        {{"method", "Assign"}, {"code", "INVALID_ARGUMENT"}}),
            4.0);
  EXPECT_EQ(
      MetricValue(metrics, "assignd_requests_total", {{"method", "Assign"}, {"code", "NOT_FOUND"}}),
      2.0);
}

TEST_F(ServerTest, ExposureCountersEqualWhatClientsReceived) {
  StartServer(TwoExperimentConfig(50));
  std::map<std::string, int> exposures;  // variant -> count of in_experiment answers
  std::map<pb::Reason, int> by_reason;
  constexpr int kUsers = 3000;
  for (int i = 0; i < kUsers; ++i) {
    absl::StatusOr<pb::AssignResponse> a = client_->Assign(absl::StrCat("user-", i), "default");
    ASSERT_TRUE(a.ok()) << a.status();
    ++by_reason[a->reason()];
    if (a->in_experiment()) ++exposures[a->variant()];
    if (!a->in_experiment()) {
      EXPECT_EQ(a->variant(), "baseline");  // the fallback
    }
  }
  // Ramp 50%: about half enrolled (binomial sd ~27; allow 5 sd).
  EXPECT_NEAR(by_reason[pb::REASON_ASSIGNED], kUsers / 2, 140);
  const std::string metrics = Metrics();
  for (const std::string variant : {"baseline", "challenger_a"}) {
    EXPECT_EQ(
        MetricValue(
            metrics, "assignd_exposures_total",
            {{"namespace", "default"}, {"experiment", "blend_weights_v2"}, {"variant", variant}}),
        static_cast<double>(exposures[variant]))
        << variant;
  }
  EXPECT_EQ(MetricValue(metrics, "assignd_fallbacks_total",
                        {{"namespace", "default"},
                         {"experiment", "blend_weights_v2"},
                         {"reason", "not_in_ramp"}}),
            static_cast<double>(by_reason[pb::REASON_NOT_IN_RAMP]));
  EXPECT_EQ(MetricValue(metrics, "assignd_requests_total", {{"method", "Assign"}, {"code", "OK"}}),
            static_cast<double>(kUsers));
  EXPECT_EQ(MetricValue(metrics, "assignd_request_duration_seconds_count", {{"method", "Assign"}}),
            static_cast<double>(kUsers));
  EXPECT_EQ(
      MetricValue(metrics, "assignd_experiment_ramp_ratio", {{"experiment", "blend_weights_v2"}}),
      0.5);
  EXPECT_EQ(MetricValue(metrics, "assignd_variant_weight_ratio",
                        {{"experiment", "pdp_weights"}, {"variant", "treat"}}),
            0.7);
}

TEST_F(ServerTest, BatchAssignMatchesSingleAssigns) {
  StartServer(TwoExperimentConfig(50));
  std::vector<std::string> users;
  for (int i = 0; i < 200; ++i) users.push_back(absl::StrCat("batch-user-", i));
  absl::StatusOr<pb::BatchAssignResponse> batch = client_->BatchAssign("pdp", users);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->assignments_size(), 200);
  for (int i = 0; i < 200; ++i) {
    absl::StatusOr<pb::AssignResponse> single =
        client_->Assign(users[static_cast<size_t>(i)], "pdp");
    ASSERT_TRUE(single.ok());
    EXPECT_EQ(batch->assignments(i).user_id(), users[static_cast<size_t>(i)]);
    EXPECT_EQ(batch->assignments(i).variant(), single->variant());
    EXPECT_EQ(batch->assignments(i).bucket(), single->bucket());
  }
  users.push_back("");
  absl::Status bad = client_->BatchAssign("pdp", users).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("user_ids[200]"), absl::string_view::npos) << bad;
}

TEST_F(ServerTest, BatchAssignEnforcesItsLimit) {
  StartServer(TwoExperimentConfig(50), {"--max_batch_users=10"});
  std::vector<std::string> users(11, "u");
  EXPECT_EQ(client_->BatchAssign("default", users).status().code(),
            absl::StatusCode::kInvalidArgument);
  users.resize(10);
  EXPECT_TRUE(client_->BatchAssign("default", users).ok());
}

TEST_F(ServerTest, ListExperimentsAndConfigStatus) {
  StartServer(TwoExperimentConfig(1));
  absl::StatusOr<pb::ListExperimentsResponse> list = client_->ListExperiments();
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->experiments_size(), 2);
  const pb::ExperimentInfo& e = list->experiments(0);
  EXPECT_EQ(e.key(), "blend_weights_v2");
  EXPECT_EQ(e.ramp_percent(), 1);
  EXPECT_FALSE(e.kill_switch());
  EXPECT_EQ(e.fallback_variant(), "baseline");
  EXPECT_EQ(e.seeds().at("default"), "default:blend_weights_v2");
  absl::StatusOr<pb::GetConfigStatusResponse> status = client_->GetConfigStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->config_version(), list->config_version());
  EXPECT_EQ(status->config_path(), config_path_);
  EXPECT_TRUE(status->last_reload_ok());
  EXPECT_GT(status->loaded_at_unix_ms(), 0);
}

TEST_F(ServerTest, HealthIsServing) {
  StartServer(TwoExperimentConfig(1));
  EXPECT_EQ(client_->CheckHealth().value_or(grpc::health::v1::HealthCheckResponse::UNKNOWN),
            grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(client_->CheckHealth("assignment.v1.AssignmentService")
                .value_or(grpc::health::v1::HealthCheckResponse::UNKNOWN),
            grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ServerTest, SighupReloadsAndBrokenFileKeepsLastGoodConfig) {
  // Only SIGHUP may reload here (the file watcher would count a second failure).
  StartServer(TwoExperimentConfig(50), {"--watch=false"});
  const std::string version = client_->GetConfigStatus()->config_version();
  WriteFile(config_path_, "experiments:\n  - key: [oops\n");
  server_->Signal(SIGHUP);
  absl::StatusOr<pb::GetConfigStatusResponse> status;
  for (int i = 0; i < 200; ++i) {
    status = client_->GetConfigStatus();
    if (status.ok() && !status->last_reload_ok()) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->last_reload_ok());
  EXPECT_NE(status->last_reload_error().find(config_path_ + ":"), std::string::npos)
      << status->last_reload_error();
  EXPECT_EQ(status->config_version(), version);  // still serving the last good one
  EXPECT_TRUE(client_->Assign("u1", "default").ok());
  EXPECT_EQ(MetricValue(Metrics(), "assignd_config_reloads_total", {{"result", "failure"}}), 1.0);

  WriteFile(config_path_, TwoExperimentConfig(50, /*kill_switch=*/true));
  server_->Signal(SIGHUP);
  absl::StatusOr<pb::AssignResponse> a;
  for (int i = 0; i < 200; ++i) {
    a = client_->Assign("user-1", "default");
    if (a.ok() && a->reason() == pb::REASON_KILL_SWITCH) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->reason(), pb::REASON_KILL_SWITCH);
  EXPECT_EQ(a->variant(), "baseline");
  EXPECT_FALSE(a->in_experiment());
  EXPECT_NE(a->config_version(), version);
  EXPECT_EQ(MetricValue(Metrics(), "assignd_experiment_kill_switch",
                        {{"experiment", "blend_weights_v2"}}),
            1.0);
}

TEST_F(ServerTest, BlendWeightsOverridesFromEnvironment) {
  StartServer(TwoExperimentConfig(100), {},
              {{"BLEND_WEIGHTS_OVERRIDES",
                "blend_weights_v2/challenger_a:alpha=0.9,beta=0.05,gamma=0.05"}});
  absl::StatusOr<pb::AssignResponse> a = client_->Assign("qa-user-1", "default");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->variant(), "challenger_a");
  EXPECT_DOUBLE_EQ(a->weights().alpha(), 0.9);
  EXPECT_DOUBLE_EQ(a->weights().beta(), 0.05);
}

TEST_F(ServerTest, SigtermDrainsAndExitsZero) {
  StartServer(TwoExperimentConfig(1));
  EXPECT_TRUE(client_->Assign("u1", "default").ok());
  EXPECT_EQ(server_->Stop(), 0) << server_->Log();
}

TEST(ServerStartup, RefusesBadConfigAndBadEnvironment) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/bad.yaml", "experiments:\n  - key: x\n    ramp_percent: 140\n");
  absl::StatusOr<std::unique_ptr<ServerProcess>> bad_file =
      ServerProcess::Start({dir + "/bad.yaml", {}, {}});
  ASSERT_FALSE(bad_file.ok());
  EXPECT_NE(bad_file.status().message().find(dir + "/bad.yaml:"), absl::string_view::npos)
      << bad_file.status();

  WriteFile(dir + "/good.yaml", TwoExperimentConfig(1));
  absl::StatusOr<std::unique_ptr<ServerProcess>> bad_env =
      ServerProcess::Start({dir + "/good.yaml",
                            {},
                            {{"BLEND_WEIGHTS_OVERRIDES", "blend_weights_v2/baseline:alpha=abc"}}});
  ASSERT_FALSE(bad_env.ok());
  EXPECT_NE(bad_env.status().message().find("BLEND_WEIGHTS_OVERRIDES"), absl::string_view::npos)
      << bad_env.status();
}

}  // namespace
}  // namespace assignd::testing
