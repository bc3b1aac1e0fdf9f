// Lan-DeMets O'Brien-Fleming-type spending and group-sequential boundaries.
#include "client/analysis/sequential.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/unit/analysis/reference_cases.h"

namespace assignd::analysis {
namespace {

using testing::Close;
using testing::ReferenceCases;

TEST(Sequential, SpendingFunctionMatchesScipy) {
  for (const auto& c : ReferenceCases("spending")) {
    EXPECT_TRUE(Close(OBrienFlemingSpending(c.In("t"), c.In("alpha")), c.Out("alpha_t"))) << c.name;
  }
  EXPECT_EQ(OBrienFlemingSpending(0.0, 0.05), 0.0);
  EXPECT_DOUBLE_EQ(OBrienFlemingSpending(1.5, 0.05), 0.05);  // clamped to t = 1
}

// One look is exact (a normal quantile); later looks come from numerical integration, checked
// against SciPy's bivariate normal CDF (two looks) and nested adaptive quadrature (three).
TEST(Sequential, BoundariesMatchScipy) {
  for (const auto& c : ReferenceCases("boundaries")) {
    absl::StatusOr<std::vector<SequentialBoundary>> b =
        LanDeMetsBoundaries(c.in.at("t"), c.In("alpha"));
    ASSERT_TRUE(b.ok()) << b.status();
    const std::vector<double>& expected = c.out.at("z");
    ASSERT_EQ(b->size(), expected.size()) << c.name;
    EXPECT_TRUE(Close((*b)[0].z, expected[0])) << c.name << " look 1 (exact)";
    for (size_t k = 1; k < expected.size(); ++k) {
      EXPECT_TRUE(Close((*b)[k].z, expected[k], 1e-8)) << c.name << " look " << k + 1;
    }
  }
}

TEST(Sequential, FiveEqualLooksMatchThePublishedTable) {
  // gsDesign sfLDOF, two-sided symmetric, alpha 0.025 per side (Jennison & Turnbull's tables).
  absl::StatusOr<std::vector<SequentialBoundary>> b =
      LanDeMetsBoundaries({0.2, 0.4, 0.6, 0.8, 1.0}, 0.05);
  ASSERT_TRUE(b.ok());
  const double published[] = {4.877, 3.357, 2.680, 2.290, 2.031};
  for (int k = 0; k < 5; ++k) EXPECT_NEAR((*b)[k].z, published[k], 5e-4) << "look " << k + 1;
  EXPECT_DOUBLE_EQ((*b)[4].cumulative_alpha, 0.05);
}

TEST(Sequential, DailyLooksAreWiderThanOneLookAndEndNearTheFixedBoundary) {
  std::vector<double> t;
  for (int day = 1; day <= 14; ++day) t.push_back(day / 14.0);
  absl::StatusOr<std::vector<SequentialBoundary>> b = LanDeMetsBoundaries(t, 0.05);
  ASSERT_TRUE(b.ok());
  for (size_t k = 1; k < b->size(); ++k) EXPECT_LT((*b)[k].z, (*b)[k - 1].z);
  EXPECT_GT(b->back().z, 1.96);  // checking daily costs a little at the end...
  EXPECT_LT(b->back().z, 2.2);   // ...but only a little, the point of O'Brien-Fleming
}

TEST(Sequential, RejectsFractionsThatDoNotIncrease) {
  EXPECT_FALSE(LanDeMetsBoundaries({0.5, 0.5}, 0.05).ok());
  EXPECT_FALSE(LanDeMetsBoundaries({0.0}, 0.05).ok());
  EXPECT_FALSE(LanDeMetsBoundaries({0.5, 1.2}, 0.05).ok());
  EXPECT_FALSE(LanDeMetsBoundaries({0.5}, 0.0).ok());
  EXPECT_TRUE(LanDeMetsBoundaries({}, 0.05).ok());
}

}  // namespace
}  // namespace assignd::analysis
