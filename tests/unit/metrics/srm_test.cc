// The SRM verdict on distinct-user sketches: silent with too few users, quiet under a correct
// split even at sizes where the sketch's error outgrows sampling noise, loud under a skewed one.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/metrics/chi_square.h"
#include "server/metrics/hyperloglog.h"
#include "server/metrics/srm_collector.h"

namespace assignd::metrics {
namespace {

TEST(SrmPValueTest, TooFewUsersIsOne) {
  EXPECT_EQ(SrmPValue({90, 0}, {50, 50}), 1.0);  // 90 < kSrmMinUsers, however skewed
  // 400 users at 99/1: the small arm expects 4 < kSrmMinExpectedPerVariant.
  EXPECT_EQ(SrmPValue({400, 0}, {99, 1}), 1.0);
  EXPECT_LT(SrmPValue({100, 0}, {50, 50}), 1e-6);
}

TEST(SrmPValueTest, ZeroWeightVariantsAreIgnored) {
  EXPECT_GT(SrmPValue({0, 500, 500}, {0, 50, 50}), 0.99);
}

// Sketches of `users` users split at random with P(variant 0) = share0, from a fixed seed.
std::vector<double> SketchedSplit(int users, double share0, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution first(share0);
  HyperLogLog a;
  HyperLogLog b;
  for (int i = 0; i < users; ++i) {
    const std::string id = absl::StrCat("seed", seed, "-user-", i);
    (first(rng) ? a : b).Add(id);
  }
  return {a.Estimate(), b.Estimate()};
}

// 200,000 users split 50/50, 20 times: the plain Pearson test on sketch estimates alarms often
// (sketch error ~0.8% of 100,000 = 800 users, against a sampling sd of ~220), the SRM p-value
// that folds in the sketch variance does not.
TEST(SrmPValueTest, CorrectSplitDoesNotAlarmAtScale) {
  int srm_alarms = 0;
  int plain_alarms = 0;
  double smallest = 1;
  for (uint32_t trial = 0; trial < 20; ++trial) {
    const std::vector<double> estimates = SketchedSplit(200000, 0.5, trial);
    const double p = SrmPValue(estimates, {50, 50});
    smallest = std::min(smallest, p);
    srm_alarms += p < 0.001;
    plain_alarms += ChiSquareGoodnessOfFit(estimates, std::vector<double>{50, 50}).p_value < 0.001;
  }
  std::printf(
      "correct 50/50 split, 200k users, 20 trials: SRM p<0.001 in %d (smallest p %.4g); "
      "plain Pearson on the estimates p<0.001 in %d\n",
      srm_alarms, smallest, plain_alarms);
  EXPECT_LE(srm_alarms, 1);
}

TEST(SrmPValueTest, SkewedSplitsAlarm) {
  // 3:1 instead of 1:1 among 2,000 users.
  const double three_to_one = SrmPValue(SketchedSplit(2000, 0.75, 7), {50, 50});
  // 52:48 among 200,000 users.
  const double slight = SrmPValue(SketchedSplit(200000, 0.52, 8), {50, 50});
  // 50:50 served where 30:70 is configured, 5,000 users.
  const double wrong_weights = SrmPValue(SketchedSplit(5000, 0.5, 9), {30, 70});
  std::printf("SRM p-values: 3:1 of 2k users %.3g, 52:48 of 200k %.3g, 50:50 vs 30:70 of 5k %.3g\n",
              three_to_one, slight, wrong_weights);
  EXPECT_LT(three_to_one, 1e-10);
  EXPECT_LT(slight, 0.001);
  EXPECT_LT(wrong_weights, 1e-10);
}

}  // namespace
}  // namespace assignd::metrics
