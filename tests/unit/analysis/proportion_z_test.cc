// Two-sample z-test for proportions: pooled statistic, unpooled CI, delta-method relative CI.
#include <cmath>

#include "client/analysis/proportion_test.h"
#include "gtest/gtest.h"
#include "tests/unit/analysis/reference_cases.h"

namespace assignd::analysis {
namespace {

using testing::Close;
using testing::ReferenceCases;

int64_t I(double x) { return static_cast<int64_t>(x); }

TEST(TwoProportionZTest, MatchesScipy) {
  for (const auto& c : ReferenceCases("ztest")) {
    absl::StatusOr<Comparison> r = TwoProportionZTest(I(c.In("x1")), I(c.In("n1")), I(c.In("x2")),
                                                      I(c.In("n2")), c.In("conf"));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(Close(r->control, c.Out("control"))) << c.name;
    EXPECT_TRUE(Close(r->treatment, c.Out("treatment"))) << c.name;
    EXPECT_TRUE(Close(r->statistic, c.Out("z"))) << c.name;
    EXPECT_TRUE(Close(r->p_value, c.Out("p"))) << c.name;
    EXPECT_TRUE(Close(r->abs_ci.low, c.Out("abs_low"))) << c.name;
    EXPECT_TRUE(Close(r->abs_ci.high, c.Out("abs_high"))) << c.name;
    EXPECT_TRUE(Close(r->rel_delta, c.Out("rel"))) << c.name;
    EXPECT_TRUE(Close(r->rel_ci.low, c.Out("rel_low"))) << c.name;
    EXPECT_TRUE(Close(r->rel_ci.high, c.Out("rel_high"))) << c.name;
    EXPECT_TRUE(std::isinf(r->df));
  }
}

TEST(TwoProportionZTest, DegenerateAndInvalidInputs) {
  // Both arms at 0: no evidence either way.
  absl::StatusOr<Comparison> zero = TwoProportionZTest(0, 100, 0, 100);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->statistic, 0.0);
  EXPECT_EQ(zero->p_value, 1.0);
  EXPECT_TRUE(std::isnan(zero->rel_delta));  // relative to a zero control is undefined
  EXPECT_FALSE(TwoProportionZTest(1, 0, 1, 10).ok());
  EXPECT_FALSE(TwoProportionZTest(11, 10, 1, 10).ok());
  EXPECT_FALSE(TwoProportionZTest(-1, 10, 1, 10).ok());
  EXPECT_FALSE(TwoProportionZTest(1, 10, 1, 10, 1.0).ok());
}

}  // namespace
}  // namespace assignd::analysis
