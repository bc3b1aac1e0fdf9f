// PASS/FAIL rules against the plan's targets, on hand-made comparisons.
#include "client/analysis/verdict.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace assignd::analysis {
namespace {

using ::testing::HasSubstr;

const MetricSpec& Metric(const std::string& key) {
  for (const MetricSpec& m : PlanMetrics()) {
    if (m.key == key) return m;
  }
  ADD_FAILURE() << "no metric " << key;
  return PlanMetrics()[0];
}

Comparison Rel(double estimate, double low, double high) {
  Comparison c;
  c.rel_delta = estimate;
  c.rel_ci = {low, high};
  return c;
}

TEST(Verdict, PlanTargetsTable) {
  ASSERT_EQ(PlanMetrics().size(), 6u);
  EXPECT_EQ(Metric("ctr").rule, TargetRule::kRelativeLiftAtLeast);
  EXPECT_DOUBLE_EQ(Metric("ctr").target, 0.03);
  EXPECT_EQ(Metric("revenue_per_mille").rule, TargetRule::kRelativeLiftAtLeast);
  EXPECT_DOUBLE_EQ(Metric("revenue_per_mille").target, 0.02);
  EXPECT_EQ(Metric("add_to_cart_rate").rule, TargetRule::kNotBelowBaseline);
  EXPECT_EQ(Metric("personalised_share").rule, TargetRule::kNotBelowBaseline);
  EXPECT_EQ(Metric("candidate_coverage").rule, TargetRule::kNotBelowBaseline);
  EXPECT_EQ(Metric("out_of_stock_rate").rule, TargetRule::kNotAboveBaseline);
}

TEST(Verdict, RelativeLiftNeedsSignificanceAndTheTarget) {
  const MetricSpec& ctr = Metric("ctr");
  Verdict v = Judge(ctr, Rel(0.044, 0.023, 0.065), 3e-5, 0.05, 0.01);
  EXPECT_TRUE(v.pass);
  EXPECT_FALSE(v.ci_above_target);  // the strict reading would not pass yet
  EXPECT_THAT(v.reason, HasSubstr("significant"));

  v = Judge(ctr, Rel(0.02, 0.005, 0.035), 0.01, 0.05, 0.01);  // significant, below +3%
  EXPECT_FALSE(v.pass);
  EXPECT_THAT(v.reason, HasSubstr("< +3.00% target"));

  v = Judge(ctr, Rel(0.05, -0.01, 0.11), 0.09, 0.05, 0.01);  // big but not significant
  EXPECT_FALSE(v.pass);
  EXPECT_THAT(v.reason, HasSubstr("not significant"));

  v = Judge(ctr, Rel(-0.04, -0.06, -0.02), 1e-4, 0.05, 0.01);
  EXPECT_FALSE(v.pass);
  EXPECT_THAT(v.reason, HasSubstr("significant decrease"));

  v = Judge(ctr, Rel(0.08, 0.04, 0.12), 1e-6, 0.05, 0.01);
  EXPECT_TRUE(v.pass);
  EXPECT_TRUE(v.ci_above_target);

  // Exactly at the target counts; p exactly alpha does not.
  EXPECT_TRUE(Judge(ctr, Rel(0.03, 0.01, 0.05), 0.001, 0.05, 0.01).pass);
  EXPECT_FALSE(Judge(ctr, Rel(0.04, 0.0, 0.08), 0.05, 0.05, 0.01).pass);
}

TEST(Verdict, AtLeastBaselineIsNonInferiority) {
  const MetricSpec& atc = Metric("add_to_cart_rate");
  EXPECT_TRUE(Judge(atc, Rel(0.0, -0.009, 0.009), 1.0, 0.05, 0.01).pass);
  EXPECT_TRUE(Judge(atc, Rel(0.0, -0.01, 0.01), 1.0, 0.05, 0.01).pass);  // on the margin
  const Verdict v = Judge(atc, Rel(0.03, -0.015, 0.08), 0.2, 0.05, 0.01);
  EXPECT_FALSE(v.pass);
  EXPECT_THAT(v.reason, HasSubstr("CI low -1.50% < -1.00%"));
  // Margin 0: only a significant improvement shows "at least baseline".
  EXPECT_FALSE(Judge(atc, Rel(0.01, -0.001, 0.02), 0.1, 0.05, 0.0).pass);
  EXPECT_TRUE(Judge(atc, Rel(0.01, 0.001, 0.02), 0.04, 0.05, 0.0).pass);
}

TEST(Verdict, AtMostBaselineIsTheMirrorImage) {
  const MetricSpec& oos = Metric("out_of_stock_rate");
  EXPECT_TRUE(Judge(oos, Rel(-0.03, -0.06, 0.002), 0.07, 0.05, 0.01).pass);
  const Verdict v = Judge(oos, Rel(0.0, -0.02, 0.02), 1.0, 0.05, 0.01);
  EXPECT_FALSE(v.pass);
  EXPECT_THAT(v.reason, HasSubstr("CI high +2.00% > +1.00%"));
}

TEST(Verdict, UndefinedRelativeDeltaFails) {
  const Verdict v = Judge(Metric("out_of_stock_rate"), Rel(NAN, NAN, NAN), 0.5, 0.05, 0.01);
  EXPECT_FALSE(v.pass);
  EXPECT_THAT(v.reason, HasSubstr("control estimate is 0"));
}

}  // namespace
}  // namespace assignd::analysis
