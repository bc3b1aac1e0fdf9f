// Observability of the real assignd binary over loopback: the live SRM gauge under a skewed and a
// random population, segment exposure counts, the exposure log's lines, and `promtool check
// metrics` on a real scrape.
#include <signal.h>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/assign_client.h"
#include "gtest/gtest.h"
#include "server/config/config_loader.h"
#include "server/core/assign.h"
#include "tests/integration/server_fixture.h"
#include "tests/integration/test_configs.h"

namespace assignd::testing {
namespace {

namespace pb = ::assignment::v1;

constexpr char kSegments[] = R"(segments:
  - {attribute: device_type, values: [mobile, desktop, tablet]}
  - {attribute: user_type, values: [new, returning]}
)";

class ObservabilityTest : public ServerFixture {
 protected:
  double SrmPValue(const std::string& metrics) {
    return MetricValue(metrics, "assignd_srm_p_value",
                       {{"namespace", "default"}, {"experiment", "blend_weights_v2"}})
        .value_or(-1);
  }

  double DistinctUsers(const std::string& metrics, const std::string& variant) {
    return MetricValue(
               metrics, "assignd_srm_distinct_users",
               {{"namespace", "default"}, {"experiment", "blend_weights_v2"}, {"variant", variant}})
        .value_or(-1);
  }

  // Sends `users` in BatchAssign calls of 500, `repeats` times over.
  void SendBatches(const std::vector<std::string>& users, int repeats = 1) {
    for (int r = 0; r < repeats; ++r) {
      for (size_t begin = 0; begin < users.size(); begin += 500) {
        const size_t end = std::min(users.size(), begin + 500);
        std::vector<std::string> batch(users.begin() + static_cast<std::ptrdiff_t>(begin),
                                       users.begin() + static_cast<std::ptrdiff_t>(end));
        absl::StatusOr<pb::BatchAssignResponse> answer = client_->BatchAssign("default", batch);
        ASSERT_TRUE(answer.ok()) << answer.status();
      }
    }
  }
};

// Each user's variant as the server will decide it, computed with the same engine and config.
class VariantOracle {
 public:
  explicit VariantOracle(const std::string& yaml) {
    absl::StatusOr<core::Config> config = config::ParseConfig(yaml, "oracle.yaml");
    EXPECT_TRUE(config.ok()) << config.status();
    snapshot_ = *core::Snapshot::Create(*std::move(config));
  }
  // Users named "<prefix><n>" that the engine enrols in `variant`, `count` of them.
  std::vector<std::string> UsersIn(const std::string& variant, int count,
                                   const std::string& prefix) const {
    const core::NamespaceRoute& route = *snapshot_->Find("default");
    std::vector<std::string> users;
    for (int n = 0; static_cast<int>(users.size()) < count; ++n) {
      std::string user = absl::StrCat(prefix, n);
      const core::Assignment a = core::AssignUser(route, user);
      if (a.in_experiment() && a.variant().name == variant) users.push_back(std::move(user));
    }
    return users;
  }

 private:
  std::shared_ptr<const core::Snapshot> snapshot_;
};

TEST_F(ObservabilityTest, SkewedPopulationDrivesSrmBelowAlertThreshold) {
  const std::string yaml = TwoExperimentConfig(100);
  StartServer(yaml);
  const VariantOracle oracle(yaml);
  // 3:1 toward challenger_a although the config says 50/50: what a caller that drops baseline
  // users (a broken retry, a cache that only stores one arm) would produce.
  std::vector<std::string> users = oracle.UsersIn("challenger_a", 1500, "skew-");
  const std::vector<std::string> baseline = oracle.UsersIn("baseline", 500, "skew-b-");
  users.insert(users.end(), baseline.begin(), baseline.end());
  SendBatches(users);
  const std::string metrics = Metrics();
  const double p = SrmPValue(metrics);
  std::printf("3:1 population of 2000 users: SRM p-value %.3g, distinct users %.1f / %.1f\n", p,
              DistinctUsers(metrics, "challenger_a"), DistinctUsers(metrics, "baseline"));
  EXPECT_GE(p, 0);
  EXPECT_LT(p, 0.001);
  EXPECT_NEAR(DistinctUsers(metrics, "challenger_a"), 1500, 1500 * 0.03);
  EXPECT_NEAR(DistinctUsers(metrics, "baseline"), 500, 500 * 0.03);
}

TEST_F(ObservabilityTest, RandomPopulationWithHeavyUsersKeepsSrmHigh) {
  StartServer(TwoExperimentConfig(100));
  std::vector<std::string> users;
  for (int i = 0; i < 3000; ++i) users.push_back(absl::StrCat("random-user-", i));
  SendBatches(users);
  // A handful of heavy users of one variant: requests skew, distinct users do not.
  const VariantOracle oracle(TwoExperimentConfig(100));
  SendBatches(oracle.UsersIn("baseline", 20, "heavy-"), 100);
  const std::string metrics = Metrics();
  const double p = SrmPValue(metrics);
  const double baseline_exposures =
      MetricValue(
          metrics, "assignd_exposures_total",
          {{"namespace", "default"}, {"experiment", "blend_weights_v2"}, {"variant", "baseline"}})
          .value_or(0);
  std::printf(
      "random population of 3000 users + 20 heavy baseline users x100: SRM p-value %.3g, "
      "distinct users %.1f / %.1f, baseline exposures %.0f\n",
      p, DistinctUsers(metrics, "baseline"), DistinctUsers(metrics, "challenger_a"),
      baseline_exposures);
  EXPECT_GT(p, 0.01);
  EXPECT_GT(baseline_exposures, 3000);  // the request split is far from 50/50
}

TEST_F(ObservabilityTest, SrmStartsAfreshOnReload) {
  const std::string yaml = TwoExperimentConfig(100);
  StartServer(yaml);
  SendBatches(VariantOracle(yaml).UsersIn("challenger_a", 300, "u-"));
  ASSERT_LT(SrmPValue(Metrics()), 0.001);
  WriteFile(config_path_, yaml + "# edited\n");
  server_->Signal(SIGHUP);
  double p = -1;
  for (int i = 0; i < 200 && p != 1.0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    p = SrmPValue(Metrics());
  }
  EXPECT_EQ(p, 1.0);
  EXPECT_EQ(DistinctUsers(Metrics(), "challenger_a"), 0.0);
}

TEST_F(ObservabilityTest, SegmentExposuresMatchWhatClientsSent) {
  StartServer(std::string(kSegments) + TwoExperimentConfig(100));
  const std::vector<std::map<std::string, std::string>> attributes = {
      {{"device_type", "mobile"}, {"user_type", "new"}},
      {{"device_type", "desktop"}},
      {{"device_type", "smart-fridge"}, {"user_type", "returning"}},  // not allowed -> other
      {},                                                             // missing -> other
  };
  // expected[variant][segment][value]
  std::map<std::string, std::map<std::string, std::map<std::string, int>>> expected;
  for (int i = 0; i < 400; ++i) {
    const std::map<std::string, std::string>& attrs = attributes[static_cast<size_t>(i) % 4];
    absl::StatusOr<pb::AssignResponse> a =
        client_->Assign(absl::StrCat("seg-user-", i), "default", attrs);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(a->in_experiment());
    for (const std::string segment : {"device_type", "user_type"}) {
      const auto it = attrs.find(segment);
      std::string value = it == attrs.end() ? "other" : it->second;
      if (value == "smart-fridge") value = "other";
      ++expected[a->variant()][segment][value];
    }
  }
  const std::string metrics = Metrics();
  int series = 0;
  for (const std::string variant : {"baseline", "challenger_a"}) {
    for (const auto& [segment, values] : std::map<std::string, std::vector<std::string>>{
             {"device_type", {"mobile", "desktop", "tablet", "other"}},
             {"user_type", {"new", "returning", "other"}}}) {
      for (const std::string& value : values) {
        EXPECT_EQ(MetricValue(metrics, "assignd_segment_exposures_total",
                              {{"namespace", "default"},
                               {"experiment", "blend_weights_v2"},
                               {"variant", variant},
                               {"segment", segment},
                               {"value", value}}),
                  static_cast<double>(expected[variant][segment][value]))
            << variant << " " << segment << "=" << value;
        ++series;
      }
    }
  }
  EXPECT_EQ(series, 14);
  // Nothing from request input became a label value.
  EXPECT_EQ(metrics.find("smart-fridge"), std::string::npos);
}

TEST_F(ObservabilityTest, ExposureLogHasOneLinePerExposure) {
  const std::string log_path = MakeTempDir() + "/exposures.jsonl";
  StartServer(TwoExperimentConfig(50), {"--exposure_log=" + log_path, "--exposure_log_user=raw"});
  std::map<std::string, std::string> exposed;  // user -> variant, from the answers
  for (int i = 0; i < 500; ++i) {
    const std::string user = absl::StrCat("log-user-", i);
    absl::StatusOr<pb::AssignResponse> a = client_->Assign(user, "default");
    ASSERT_TRUE(a.ok()) << a.status();
    if (a->in_experiment()) exposed[user] = a->variant();
  }
  const std::string version = client_->GetConfigStatus()->config_version();
  ASSERT_EQ(server_->Stop(), 0);  // drains and flushes the log
  std::ifstream in(log_path);
  std::stringstream text;
  text << in.rdbuf();
  const std::vector<std::string> lines = absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), exposed.size());
  for (const auto& [user, variant] : exposed) {
    const std::string fields = absl::StrCat(
        "\"namespace\":\"default\",\"experiment\":\"blend_weights_v2\",\"variant\":\"", variant,
        "\",\"reason\":\"assigned\",\"in_experiment\":true,\"config_version\":\"", version,
        "\",\"user_id\":\"", user, "\"}");
    int found = 0;
    for (const std::string& line : lines) found += line.find(fields) != std::string::npos;
    EXPECT_EQ(found, 1) << user;
  }
}

TEST_F(ObservabilityTest, PromtoolAcceptsTheScrape) {
  StartServer(std::string(kSegments) + TwoExperimentConfig(50),
              {"--exposure_log=" + MakeTempDir() + "/x.jsonl"});
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(client_->Assign(absl::StrCat("u", i), "default", {{"device_type", "mobile"}}).ok());
  }
  ASSERT_FALSE(client_->Assign("u1", "nowhere").ok());
  const std::string scrape_path = dir_ + "/scrape.txt";
  const std::string metrics = Metrics();
  WriteFile(scrape_path, metrics);
  // Every family is there, with samples.
  for (const std::string family : {"assignd_exposures_total",
                                   "assignd_fallbacks_total",
                                   "assignd_requests_total",
                                   "assignd_request_duration_seconds_bucket",
                                   "assignd_config_reloads_total",
                                   "assignd_config_last_reload_success_timestamp_seconds",
                                   "assignd_config_last_reload_successful",
                                   "assignd_config_info",
                                   "assignd_config_experiments",
                                   "assignd_experiment_ramp_ratio",
                                   "assignd_experiment_kill_switch",
                                   "assignd_variant_weight_ratio",
                                   "assignd_segment_exposures_total",
                                   "assignd_srm_distinct_users",
                                   "assignd_srm_p_value",
                                   "assignd_exposure_log_written_total",
                                   "assignd_exposure_log_dropped_total",
                                   "process_cpu_seconds_total",
                                   "process_resident_memory_bytes",
                                   "process_virtual_memory_bytes",
                                   "process_open_fds",
                                   "process_max_fds",
                                   "process_start_time_seconds"}) {
    EXPECT_NE(metrics.find("\n" + family), std::string::npos) << family;
  }
  const CommandResult check = RunCommand("promtool check metrics < " + scrape_path);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(check.output, "") << check.output;
}

}  // namespace
}  // namespace assignd::testing
