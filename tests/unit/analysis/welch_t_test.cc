// Welch's t-test from sums and sums of squares against scipy.stats.ttest_ind(equal_var=False) on
// the raw observations those sums came from.
#include <cmath>

#include "client/analysis/welch_test.h"
#include "gtest/gtest.h"
#include "tests/unit/analysis/reference_cases.h"

namespace assignd::analysis {
namespace {

using testing::Close;
using testing::ReferenceCases;

TEST(WelchTTest, MatchesScipyOnRawData) {
  for (const auto& c : ReferenceCases("welch")) {
    absl::StatusOr<Comparison> r =
        WelchTTest({c.In("n1"), c.In("sum1"), c.In("sumsq1")},
                   {c.In("n2"), c.In("sum2"), c.In("sumsq2")}, c.In("conf"));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(Close(r->control, c.Out("control"))) << c.name;
    EXPECT_TRUE(Close(r->treatment, c.Out("treatment"))) << c.name;
    EXPECT_TRUE(Close(r->statistic, c.Out("t"))) << c.name;
    EXPECT_TRUE(Close(r->df, c.Out("df"))) << c.name;
    EXPECT_TRUE(Close(r->p_value, c.Out("p"))) << c.name;
    EXPECT_TRUE(Close(r->abs_ci.low, c.Out("abs_low"))) << c.name;
    EXPECT_TRUE(Close(r->abs_ci.high, c.Out("abs_high"))) << c.name;
    EXPECT_TRUE(Close(r->rel_delta, c.Out("rel"))) << c.name;
    EXPECT_TRUE(Close(r->rel_ci.low, c.Out("rel_low"))) << c.name;
    EXPECT_TRUE(Close(r->rel_ci.high, c.Out("rel_high"))) << c.name;
  }
}

TEST(WelchTTest, ConstantDataIsDegenerateNotNaN) {
  // Four observations of 2.0 vs four of 3.0: zero variance, different means.
  absl::StatusOr<Comparison> diff = WelchTTest({4, 8, 16}, {4, 12, 36});
  ASSERT_TRUE(diff.ok()) << diff.status();
  EXPECT_EQ(diff->p_value, 0.0);
  EXPECT_TRUE(std::isinf(diff->statistic) && diff->statistic > 0);
  absl::StatusOr<Comparison> same = WelchTTest({4, 8, 16}, {3, 6, 12});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->p_value, 1.0);
  EXPECT_EQ(same->statistic, 0.0);
}

TEST(WelchTTest, RejectsImpossibleSums) {
  EXPECT_FALSE(WelchTTest({1, 2, 4}, {4, 8, 20}).ok());               // n < 2
  absl::StatusOr<Comparison> r = WelchTTest({4, 8, 10}, {4, 8, 20});  // 10 < 8^2/4 = 16
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sum of squares"), std::string::npos);
  EXPECT_FALSE(WelchTTest({4, 8, -1}, {4, 8, 20}).ok());
  EXPECT_FALSE(WelchTTest({4, NAN, 20}, {4, 8, 20}).ok());
}

}  // namespace
}  // namespace assignd::analysis
