// Boost.Math's distributions against SciPy's (Cephes), an independent implementation.
#include "client/analysis/distributions.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/unit/analysis/reference_cases.h"

namespace assignd::analysis {
namespace {

using testing::Close;
using testing::ReferenceCases;

TEST(Distributions, NormalCdfAndSfMatchScipy) {
  for (const auto& c : ReferenceCases("normal")) {
    EXPECT_TRUE(Close(NormalCdf(c.In("x")), c.Out("cdf"))) << c.name;
    EXPECT_TRUE(Close(NormalSf(c.In("x")), c.Out("sf"))) << c.name;
  }
}

TEST(Distributions, NormalQuantilesMatchScipy) {
  for (const auto& c : ReferenceCases("normal_quantile")) {
    EXPECT_TRUE(Close(NormalQuantile(c.In("q")), c.Out("quantile"))) << c.name;
    EXPECT_TRUE(Close(NormalUpperQuantile(c.In("q")), c.Out("upper"))) << c.name;
  }
}

TEST(Distributions, StudentTMatchesScipy) {
  for (const auto& c : ReferenceCases("student_t")) {
    EXPECT_TRUE(Close(StudentTSf(c.In("x"), c.In("df")), c.Out("sf"))) << c.name;
  }
  for (const auto& c : ReferenceCases("student_t_quantile")) {
    EXPECT_TRUE(Close(StudentTUpperQuantile(c.In("q"), c.In("df")), c.Out("upper"))) << c.name;
  }
}

TEST(Distributions, ChiSquaredMatchesScipy) {
  for (const auto& c : ReferenceCases("chi_squared")) {
    EXPECT_TRUE(Close(ChiSquaredSf(c.In("x"), c.In("df")), c.Out("sf"))) << c.name;
  }
}

TEST(Distributions, OutOfDomainIsNaNNotAnException) {
  EXPECT_TRUE(std::isnan(NormalQuantile(0.0)));
  EXPECT_TRUE(std::isnan(NormalUpperQuantile(1.0)));
  EXPECT_TRUE(std::isnan(StudentTSf(1.0, 0.0)));
  EXPECT_TRUE(std::isnan(ChiSquaredSf(1.0, -1.0)));
  EXPECT_EQ(NormalSf(INFINITY), 0.0);
  EXPECT_EQ(StudentTSf(-INFINITY, 3.0), 1.0);
  EXPECT_EQ(ChiSquaredSf(0.0, 1.0), 1.0);
}

}  // namespace
}  // namespace assignd::analysis
