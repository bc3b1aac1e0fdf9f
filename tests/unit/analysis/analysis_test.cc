// The whole analysis: the sample daily.csv against SciPy, and the decision logic (SRM, safety
// stop, information fraction) on small hand-made tables.
#include "client/analysis/analysis.h"

#include <cmath>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/analysis/reference_cases.h"

namespace assignd::analysis {
namespace {

using testing::Close;
using ::testing::HasSubstr;
using testing::ReferenceCase;
using testing::ReferenceCases;

std::string SamplePath() {
  return std::string(ASSIGND_TEST_DATA_DIR) + "/analysis/daily_sample.csv";
}

Report SampleReport() {
  absl::StatusOr<DailyTable> table = ReadDailyCsv(SamplePath(), {"baseline", "challenger_a"});
  EXPECT_TRUE(table.ok()) << table.status();
  AnalysisOptions options;
  options.source = "daily_sample.csv";
  absl::StatusOr<Report> report = Analyze(*table, options);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

TEST(SampleAnalysis, OverallMetricsMatchScipy) {
  const Report r = SampleReport();
  const std::vector<ReferenceCase> cases = ReferenceCases("sample_metric");
  ASSERT_EQ(cases.size(), r.metrics.size());
  for (const ReferenceCase& c : cases) {
    const MetricResult* m = nullptr;
    for (const MetricResult& x : r.metrics) {
      if (x.metric->key == c.name) m = &x;
    }
    ASSERT_NE(m, nullptr) << c.name;
    ASSERT_TRUE(m->valid) << m->error;
    const Comparison& cmp = m->comparison;
    EXPECT_TRUE(Close(cmp.control, c.Out("control"))) << c.name;
    EXPECT_TRUE(Close(cmp.treatment, c.Out("treatment"))) << c.name;
    EXPECT_TRUE(Close(cmp.statistic, c.Out("stat"))) << c.name;
    EXPECT_TRUE(Close(cmp.p_value, c.Out("p"))) << c.name;
    EXPECT_TRUE(Close(cmp.abs_ci.low, c.Out("abs_low"))) << c.name;
    EXPECT_TRUE(Close(cmp.abs_ci.high, c.Out("abs_high"))) << c.name;
    EXPECT_TRUE(Close(cmp.rel_delta, c.Out("rel"))) << c.name;
    EXPECT_TRUE(Close(cmp.rel_ci.low, c.Out("rel_low"))) << c.name;
    EXPECT_TRUE(Close(cmp.rel_ci.high, c.Out("rel_high"))) << c.name;
    if (c.out.count("df")) {
      EXPECT_TRUE(Close(cmp.df, c.Out("df"))) << c.name;
    }
    EXPECT_EQ(m->p_value, cmp.p_value) << "overall decisions use the raw p-value";
  }
}

TEST(SampleAnalysis, SrmMatchesScipy) {
  const Report r = SampleReport();
  const ReferenceCase c = ReferenceCases("sample_srm").at(0);
  EXPECT_EQ(r.impressions.control, c.Out("control"));
  EXPECT_EQ(r.impressions.treatment, c.Out("treatment"));
  EXPECT_TRUE(Close(r.srm.chi_square, c.Out("chi2")));
  EXPECT_TRUE(Close(r.srm.p_value, c.Out("p")));
  EXPECT_FALSE(r.srm.mismatch);
}

TEST(SampleAnalysis, SegmentsAreHolmAdjustedPerMetric) {
  const Report r = SampleReport();
  EXPECT_EQ(r.segment_columns, (std::vector<std::string>{"user_type", "device_type", "surface"}));
  ASSERT_EQ(r.segment_family_size, 7u);  // new, returning, desktop, mobile, cart, home, pdp
  EXPECT_DOUBLE_EQ(r.segment_confidence, 1.0 - 0.05 / 7);
  const std::vector<ReferenceCase> cases = ReferenceCases("sample_segment");
  EXPECT_EQ(cases.size(), 7u * 6u);
  for (const ReferenceCase& c : cases) {
    const std::vector<std::string> parts = absl::StrSplit(c.name, absl::ByAnyChar(":="));
    ASSERT_EQ(parts.size(), 3u);
    const MetricResult* m = nullptr;
    for (const SegmentResult& s : r.segments) {
      if (s.column != parts[1] || s.value != parts[2]) continue;
      for (const MetricResult& x : s.metrics) {
        if (x.metric->key == parts[0]) m = &x;
      }
    }
    ASSERT_NE(m, nullptr) << c.name;
    EXPECT_TRUE(Close(m->comparison.confidence, c.In("confidence"))) << c.name;
    EXPECT_TRUE(Close(m->comparison.p_value, c.Out("p"))) << c.name;
    EXPECT_TRUE(Close(m->p_value, c.Out("p_holm"))) << c.name;
    EXPECT_TRUE(Close(m->comparison.rel_ci.low, c.Out("rel_low"))) << c.name;
    EXPECT_TRUE(Close(m->comparison.rel_ci.high, c.Out("rel_high"))) << c.name;
  }
}

TEST(SampleAnalysis, DecisionAndSafetyOnTheSample) {
  const Report r = SampleReport();
  // The simulated challenger wins CTR but cannot show add-to-cart non-inferiority at a 1% margin
  // nor a significant revenue lift with this sample.
  EXPECT_EQ(r.decision, "FAIL");
  EXPECT_THAT(r.decision_detail, HasSubstr("Add-to-cart rate, Revenue per mille"));
  EXPECT_FALSE(r.safety.stopped);
  EXPECT_TRUE(r.safety.planned_from_plan);
  EXPECT_EQ(r.safety.planned_n_per_arm, 336102);
  ASSERT_EQ(r.safety.looks.size(), 14u);
  EXPECT_TRUE(r.safety.looks.back().has_boundary);  // day 14 reaches t >= 1: the final look
  EXPECT_DOUBLE_EQ(r.safety.looks.back().cumulative_alpha, 0.05);
}

// --- hand-made tables ----------------------------------------------------------------------

DailyRow Row(const std::string& date, const std::string& variant, int64_t impressions,
             int64_t clicks, int64_t unique = 0) {
  DailyRow r;
  r.date = date;
  r.variant = variant;
  r.impressions = impressions;
  r.clicks = clicks;
  r.adds = impressions / 100;
  r.personalised_recs = impressions / 2;
  r.out_of_stock_recs = impressions / 50;
  r.revenue_sum = static_cast<double>(impressions) * 0.1;
  r.revenue_sum_sq = static_cast<double>(impressions) * 2.0;
  r.unique_candidates = unique ? unique : impressions / 5;
  return r;
}

TEST(Decision, SampleRatioMismatchInvalidatesTheResult) {
  DailyTable t;
  for (const char* date : {"2024-06-01", "2024-06-02"}) {
    t.rows.push_back(Row(date, "baseline", 100000, 5000));
    t.rows.push_back(Row(date, "challenger_a", 104000, 5400));
  }
  absl::StatusOr<Report> r = Analyze(t, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->srm.mismatch);
  EXPECT_EQ(r->decision, "INVALID");
  EXPECT_THAT(r->decision_detail, HasSubstr("sample ratio mismatch"));
}

TEST(Decision, HarmCrossingStopsAndLaterLooksHaveNoBoundary) {
  DailyTable t;
  // CTR 5% vs 4% from day 1: far past any boundary once there is some information.
  const char* dates[] = {"2024-06-01", "2024-06-02", "2024-06-03", "2024-06-04"};
  for (const char* date : dates) {
    t.rows.push_back(Row(date, "baseline", 50000, 2500));
    t.rows.push_back(Row(date, "challenger_a", 50000, 2000));
  }
  AnalysisOptions o;
  o.planned_n_per_arm = 120000;  // t = 0.42, 0.83, 1.25, 1.67
  absl::StatusOr<Report> r = Analyze(t, o);
  ASSERT_TRUE(r.ok()) << r.status();
  const SafetyResult& s = r->safety;
  EXPECT_FALSE(s.planned_from_plan);
  ASSERT_EQ(s.looks.size(), 4u);
  EXPECT_NEAR(s.looks[0].information_fraction, 50000.0 / 120000, 1e-15);
  EXPECT_TRUE(s.looks[2].has_boundary);  // first look with t >= 1 is the final one
  EXPECT_DOUBLE_EQ(s.looks[2].cumulative_alpha, 0.05);
  EXPECT_FALSE(s.looks[3].has_boundary);
  EXPECT_TRUE(s.stopped);
  EXPECT_EQ(s.first_harm_date, "2024-06-01");
  EXPECT_EQ(s.first_harm_metrics, std::vector<std::string>{"ctr"});
  EXPECT_LT(s.looks[0].z[0], -s.looks[0].boundary_z);
  EXPECT_EQ(r->decision, "STOP");
  EXPECT_THAT(r->decision_detail, HasSubstr("2024-06-01 by ctr"));
}

TEST(Decision, NothingCrossesWhenArmsAreIdentical) {
  DailyTable t;
  for (const char* date : {"2024-06-01", "2024-06-02"}) {
    for (const char* v : {"baseline", "challenger_a"}) t.rows.push_back(Row(date, v, 40000, 2000));
  }
  absl::StatusOr<Report> r = Analyze(t, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->safety.stopped);
  for (const SafetyLook& look : r->safety.looks) {
    EXPECT_TRUE(look.harm.empty());
    EXPECT_TRUE(look.benefit.empty());
  }
  // Equal arms: CTR is not a significant lift; ">= baseline" metrics are non-inferior only if the
  // CI is narrow enough, and with 80k impressions it is not for add-to-cart.
  EXPECT_EQ(r->decision, "FAIL");
  EXPECT_THAT(r->decision_detail, HasSubstr("interim: information fraction"));
  // No segment columns: no segment family.
  EXPECT_EQ(r->segment_family_size, 0u);
  // Coverage with one row per arm per day: 2 observations each, so Welch runs.
  EXPECT_TRUE(r->metrics[5].valid);
}

TEST(Decision, UntestableMetricFailsWithAReason) {
  DailyTable t;
  t.rows.push_back(Row("2024-06-01", "baseline", 40000, 2000));
  t.rows.push_back(Row("2024-06-01", "challenger_a", 40000, 2100));
  absl::StatusOr<Report> r = Analyze(t, {});
  ASSERT_TRUE(r.ok()) << r.status();
  const MetricResult& coverage = r->metrics[5];
  EXPECT_FALSE(coverage.valid);  // one row per arm: no variance for the per-row Welch test
  EXPECT_FALSE(coverage.verdict.pass);
  EXPECT_THAT(coverage.verdict.reason, HasSubstr("at least 2 observations"));
}

TEST(Decision, RejectsBadOptions) {
  DailyTable t;
  t.rows.push_back(Row("2024-06-01", "baseline", 100, 5));
  AnalysisOptions o;
  o.treatment = "baseline";
  EXPECT_FALSE(Analyze(t, o).ok());
  o = {};
  o.alpha = 0.7;
  EXPECT_FALSE(Analyze(t, o).ok());
  o = {};
  o.ni_margin = -0.1;
  EXPECT_FALSE(Analyze(t, o).ok());
  o = {};
  o.control_share = 1.0;
  EXPECT_FALSE(Analyze(t, o).ok());
}

}  // namespace
}  // namespace assignd::analysis
