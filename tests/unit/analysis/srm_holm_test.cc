// SRM chi-square against scipy.stats.chisquare; Holm against an independent implementation.
#include <cmath>

#include "client/analysis/multiple_testing.h"
#include "client/analysis/srm.h"
#include "gtest/gtest.h"
#include "tests/unit/analysis/reference_cases.h"

namespace assignd::analysis {
namespace {

using testing::Close;
using testing::ReferenceCases;

TEST(SampleRatioMismatch, MatchesScipyChisquare) {
  for (const auto& c : ReferenceCases("srm")) {
    absl::StatusOr<SrmResult> r = SampleRatioMismatch(c.in.at("counts"), c.in.at("shares"));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(Close(r->chi_square, c.Out("chi2"))) << c.name;
    EXPECT_EQ(r->df, c.Out("df")) << c.name;
    EXPECT_TRUE(Close(r->p_value, c.Out("p"))) << c.name;
    EXPECT_EQ(r->mismatch, c.Out("p") < 0.001) << c.name;
  }
}

TEST(SampleRatioMismatch, FlagsAClearMismatch) {
  absl::StatusOr<SrmResult> r = SampleRatioMismatch({500000, 503500}, {0.5, 0.5});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->mismatch);  // 0.35% off 50/50 on a million is real
  EXPECT_FALSE(SampleRatioMismatch({500, 500}, {0.5, 0.6}).ok());
  EXPECT_FALSE(SampleRatioMismatch({500}, {1.0}).ok());
  EXPECT_FALSE(SampleRatioMismatch({0, 0}, {0.5, 0.5}).ok());
  EXPECT_FALSE(SampleRatioMismatch({-1, 5}, {0.5, 0.5}).ok());
}

TEST(HolmAdjust, MatchesReferenceImplementation) {
  for (const auto& c : ReferenceCases("holm")) {
    const std::vector<double> adjusted = HolmAdjust(c.in.at("p"));
    const std::vector<double>& expected = c.out.at("adjusted");
    ASSERT_EQ(adjusted.size(), expected.size()) << c.name;
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_TRUE(Close(adjusted[i], expected[i], 1e-15, 0)) << c.name << " [" << i << "]";
    }
  }
}

TEST(HolmAdjust, HandWorkedExample) {
  // Sorted 0.005, 0.01, 0.03, 0.04 with m = 4: 0.02, 0.03, 0.06, 0.06 (monotone).
  const std::vector<double> adj = HolmAdjust({0.01, 0.04, 0.03, 0.005});
  EXPECT_DOUBLE_EQ(adj[0], 0.03);
  EXPECT_DOUBLE_EQ(adj[1], 0.06);
  EXPECT_DOUBLE_EQ(adj[2], 0.06);
  EXPECT_DOUBLE_EQ(adj[3], 0.02);
  EXPECT_TRUE(HolmAdjust({}).empty());
}

}  // namespace
}  // namespace assignd::analysis
