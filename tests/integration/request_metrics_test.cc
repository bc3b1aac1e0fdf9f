// Integration tests of the metrics that bench/ work touched: per-config gauges computed at scrape
// time (they must follow reloads) and --request_metrics=false.
#include <signal.h>

#include <map>
#include <memory>
#include <optional>
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

constexpr char kOneExperiment[] = R"(experiments:
  - key: blend_weights_v2
    namespaces: [default]
    ramp_percent: 20
    fallback_variant: baseline
    allow_reassignment: true  # lower ramp and new weights: past the reassignment guard on purpose
    variants:
      - {name: baseline,     weight: 40, blend: {alpha: 0.60, beta: 0.30, gamma: 0.10}}
      - {name: challenger_a, weight: 60, blend: {alpha: 0.50, beta: 0.35, gamma: 0.15}}
)";

class MetricsTest : public ServerFixture {
 protected:
  // Number of samples of `name` in the exposition.
  static int SampleCount(const std::string& exposition, const std::string& name) {
    int count = 0;
    for (size_t at = exposition.find("\n" + name + "{"); at != std::string::npos;
         at = exposition.find("\n" + name + "{", at + 1)) {
      ++count;
    }
    return count;
  }
};

TEST_F(MetricsTest, ConfigGaugesDescribeTheConfigBeingServedAfterAReload) {
  StartServer(TwoExperimentConfig(50));
  const std::string before = Metrics();
  const std::string old_version = client_->GetConfigStatus()->config_version();
  EXPECT_EQ(MetricValue(before, "assignd_config_info", {{"version", old_version}}), 1.0);
  EXPECT_EQ(MetricValue(before, "assignd_experiment_ramp_ratio", {{"experiment", "pdp_weights"}}),
            1.0);
  EXPECT_EQ(MetricValue(before, "assignd_experiment_kill_switch", {{"experiment", "pdp_weights"}}),
            0.0);
  EXPECT_EQ(SampleCount(before, "assignd_variant_weight_ratio"), 4);

  WriteFile(config_path_, kOneExperiment);
  server_->Signal(SIGHUP);
  std::string new_version = old_version;
  for (int i = 0; i < 200 && new_version == old_version; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    new_version = client_->GetConfigStatus()->config_version();
  }
  ASSERT_NE(new_version, old_version);

  const std::string after = Metrics();
  EXPECT_EQ(MetricValue(after, "assignd_config_info", {{"version", new_version}}), 1.0);
  EXPECT_EQ(SampleCount(after, "assignd_config_info"), 1);  // the old version is gone
  EXPECT_EQ(
      MetricValue(after, "assignd_experiment_ramp_ratio", {{"experiment", "blend_weights_v2"}}),
      0.2);
  EXPECT_EQ(MetricValue(after, "assignd_variant_weight_ratio",
                        {{"experiment", "blend_weights_v2"}, {"variant", "challenger_a"}}),
            0.6);
  // The experiment that left the config is no longer reported.
  EXPECT_EQ(MetricValue(after, "assignd_experiment_ramp_ratio", {{"experiment", "pdp_weights"}}),
            std::nullopt);
  EXPECT_EQ(SampleCount(after, "assignd_experiment_kill_switch"), 1);
  EXPECT_EQ(SampleCount(after, "assignd_variant_weight_ratio"), 2);
  EXPECT_EQ(MetricValue(after, "assignd_config_experiments", {}), 1.0);
}

TEST_F(MetricsTest, RequestMetricsOffStillAnswersAndCountsNothing) {
  StartServer(TwoExperimentConfig(100), {"--request_metrics=false"});
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<pb::AssignResponse> a = client_->Assign(absl::StrCat("user-", i), "default");
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_TRUE(a->in_experiment());
  }
  EXPECT_FALSE(client_->Assign("u", "no-such-namespace").ok());
  const std::string metrics = Metrics();
  for (const std::string variant : {"baseline", "challenger_a"}) {
    EXPECT_EQ(
        MetricValue(
            metrics, "assignd_exposures_total",
            {{"namespace", "default"}, {"experiment", "blend_weights_v2"}, {"variant", variant}}),
        0.0);
  }
  EXPECT_EQ(MetricValue(metrics, "assignd_requests_total", {{"method", "Assign"}, {"code", "OK"}}),
            0.0);
  EXPECT_EQ(MetricValue(metrics, "assignd_request_duration_seconds_count", {{"method", "Assign"}}),
            0.0);
  // Config metrics stay on.
  EXPECT_EQ(
      MetricValue(metrics, "assignd_experiment_ramp_ratio", {{"experiment", "blend_weights_v2"}}),
      1.0);
}

}  // namespace
}  // namespace assignd::testing
