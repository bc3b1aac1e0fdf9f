// ServerMetrics::ResolveRoutes with segments and SRM sketches: what the request path counts shows
// up under the right labels, unknown attribute values land in `other`, and a new load starts the
// SRM sketches afresh while counters keep counting.
#include "server/metrics/server_metrics.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/config_loader.h"
#include "server/core/assign.h"

namespace assignd::metrics {
namespace {

using ::testing::IsEmpty;

constexpr char kConfig[] = R"(segments:
  - {attribute: device_type, values: [mobile, desktop]}
experiments:
  - key: exp
    namespaces: [default]
    ramp_percent: 100
    fallback_variant: control
    variants:
      - {name: control, weight: 50, blend: {alpha: 0.6, beta: 0.3, gamma: 0.1}}
      - {name: treat,   weight: 50, blend: {alpha: 0.5, beta: 0.35, gamma: 0.15}}
)";

std::shared_ptr<const core::Snapshot> Load(const std::string& yaml) {
  absl::StatusOr<core::Config> config = config::ParseConfig(yaml, "test.yaml");
  EXPECT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      core::Snapshot::Create(*std::move(config));
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  return *snapshot;
}

// The value of `name{labels}` across all collectables, or nullopt.
std::optional<double> Sample(const ServerMetrics& metrics, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  for (const auto& collectable : metrics.collectables()) {
    for (const prometheus::MetricFamily& family : collectable->Collect()) {
      if (family.name != name) continue;
      for (const prometheus::ClientMetric& sample : family.metric) {
        std::map<std::string, std::string> found;
        for (const auto& label : sample.label) found[label.name] = label.value;
        if (found != labels) continue;
        return family.type == prometheus::MetricType::Counter ? sample.counter.value
                                                              : sample.gauge.value;
      }
    }
  }
  return std::nullopt;
}

std::map<std::string, std::string> SegmentLabels(const std::string& variant,
                                                 const std::string& value) {
  return {{"namespace", "default"},
          {"experiment", "exp"},
          {"variant", variant},
          {"segment", "device_type"},
          {"value", value}};
}

TEST(ServerMetricsTest, SegmentExposuresAndDistinctUsers) {
  ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  const std::shared_ptr<const core::Snapshot> snapshot = Load(kConfig);
  const RouteCounterTable table = metrics.ResolveRoutes(snapshot);
  const core::NamespaceRoute& route = *snapshot->Find("default");
  const RouteCounters& counters = table[static_cast<size_t>(route.route_index)];

  const std::vector<std::optional<std::string>> devices = {"mobile", "desktop", "fridge",
                                                           std::nullopt};
  std::map<std::string, std::map<std::string, int>> expected;  // variant -> value -> count
  std::map<std::string, int> users_by_variant;
  for (int i = 0; i < 400; ++i) {
    const std::string user = absl::StrCat("user-", i);
    const core::Assignment a = core::AssignUser(route, user);
    ASSERT_TRUE(a.in_experiment());
    const std::optional<std::string>& device = devices[static_cast<size_t>(i) % devices.size()];
    // Each user comes twice: counted twice as an exposure, once as a distinct user.
    for (int repeat = 0; repeat < 2; ++repeat) {
      counters.Count(a);
      counters.CountExposure(a.variant_index, user,
                             [&](const std::string& attribute) -> const std::string* {
                               return attribute == "device_type" && device ? &*device : nullptr;
                             });
      ++expected[a.variant().name][device && *device != "fridge" ? *device : "other"];
    }
    ++users_by_variant[a.variant().name];
  }
  for (const std::string variant : {"control", "treat"}) {
    for (const std::string value : {"mobile", "desktop", "other"}) {
      EXPECT_EQ(Sample(metrics, "assignd_segment_exposures_total", SegmentLabels(variant, value)),
                expected[variant][value])
          << variant << " " << value;
    }
    const std::optional<double> distinct =
        Sample(metrics, "assignd_srm_distinct_users",
               {{"namespace", "default"}, {"experiment", "exp"}, {"variant", variant}});
    ASSERT_TRUE(distinct.has_value());
    EXPECT_NEAR(*distinct, users_by_variant[variant], 2.0) << variant;
  }
  const std::optional<double> p =
      Sample(metrics, "assignd_srm_p_value", {{"namespace", "default"}, {"experiment", "exp"}});
  ASSERT_TRUE(p.has_value());
  EXPECT_GT(*p, 0.001);  // the real hash splits 400 users evenly enough

  // A new load: fresh sketches (reported as 0), counters keep their totals.
  const std::shared_ptr<const core::Snapshot> reloaded = Load(std::string(kConfig) + "# v2\n");
  metrics.ResolveRoutes(reloaded);
  EXPECT_EQ(Sample(metrics, "assignd_srm_distinct_users",
                   {{"namespace", "default"}, {"experiment", "exp"}, {"variant", "control"}}),
            0.0);
  EXPECT_EQ(
      Sample(metrics, "assignd_srm_p_value", {{"namespace", "default"}, {"experiment", "exp"}}),
      1.0);
  EXPECT_EQ(Sample(metrics, "assignd_segment_exposures_total", SegmentLabels("control", "mobile")),
            expected["control"]["mobile"]);
}

TEST(ServerMetricsTest, NoSegmentsNoSegmentSeries) {
  ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  std::string yaml = kConfig;
  yaml = yaml.substr(yaml.find("experiments:"));
  const std::shared_ptr<const core::Snapshot> snapshot = Load(yaml);
  const RouteCounterTable table = metrics.ResolveRoutes(snapshot);
  const RouteCounters& counters = table[0];
  counters.CountExposure(0, "u1", [](const std::string&) -> const std::string* { return nullptr; });
  for (const auto& collectable : metrics.collectables()) {
    for (const prometheus::MetricFamily& family : collectable->Collect()) {
      if (family.name == "assignd_segment_exposures_total") {
        EXPECT_THAT(family.metric, IsEmpty());
      }
    }
  }
  const std::optional<double> distinct =
      Sample(metrics, "assignd_srm_distinct_users",
             {{"namespace", "default"}, {"experiment", "exp"}, {"variant", "control"}});
  ASSERT_TRUE(distinct.has_value());
  EXPECT_NEAR(*distinct, 1.0, 0.01);
}

std::map<std::string, std::string> ExposureLabels(const std::string& ns,
                                                  const std::string& variant) {
  return {{"namespace", ns}, {"experiment", "exp"}, {"variant", variant}};
}

// Counters live with the route: kept across reloads that keep the route and its variants (also
// for requests still counting into the previous config's handles), gone with the route, and
// started afresh when the variants change.
TEST(ServerMetricsTest, RouteCountersFollowTheRoute) {
  ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  std::string yaml = kConfig;
  yaml = yaml.substr(yaml.find("experiments:"));
  const std::shared_ptr<const core::Snapshot> first = Load(yaml);
  const RouteCounterTable first_table = metrics.ResolveRoutes(first);
  const core::Assignment control{
      .route = first->Find("default"), .variant_index = 0, .reason = core::Reason::kAssigned};
  first_table[0].Count(control);
  first_table[0].Count(control);

  const std::shared_ptr<const core::Snapshot> same = Load(yaml + "# only a comment changed\n");
  const RouteCounterTable same_table = metrics.ResolveRoutes(same);
  first_table[0].Count(control);  // a request that started on the old config
  same_table[0].Count(control);
  EXPECT_EQ(Sample(metrics, "assignd_exposures_total", ExposureLabels("default", "control")), 4.0);
  EXPECT_EQ(Sample(metrics, "assignd_fallbacks_total",
                   {{"namespace", "default"}, {"experiment", "exp"}, {"reason", "not_in_ramp"}}),
            0.0);

  const std::shared_ptr<const core::Snapshot> moved =
      Load(absl::StrReplaceAll(yaml, {{"[default]", "[other]"}}));
  metrics.ResolveRoutes(moved);
  EXPECT_EQ(Sample(metrics, "assignd_exposures_total", ExposureLabels("default", "control")),
            std::nullopt);
  EXPECT_EQ(Sample(metrics, "assignd_exposures_total", ExposureLabels("other", "control")), 0.0);

  const std::shared_ptr<const core::Snapshot> renamed =
      Load(absl::StrReplaceAll(yaml, {{"name: treat,", "name: treat_b,"}}));
  const RouteCounterTable renamed_table = metrics.ResolveRoutes(renamed);
  renamed_table[0].Count(control);
  EXPECT_EQ(Sample(metrics, "assignd_exposures_total", ExposureLabels("default", "control")), 1.0);
  EXPECT_EQ(Sample(metrics, "assignd_exposures_total", ExposureLabels("default", "treat_b")), 0.0);
}

}  // namespace
}  // namespace assignd::metrics
