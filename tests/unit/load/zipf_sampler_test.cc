#include "client/zipf_sampler.h"

#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace assignd::client {
namespace {

// Draws `draws` ranks and compares each of the first ranks' frequency with 1/k^s / H(n,s).
void ExpectZipf(uint64_t n, double s, int draws) {
  const ZipfSampler zipf(n, s);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<int> counts(n + 1);
  for (int i = 0; i < draws; ++i) {
    const uint64_t k = zipf.Sample([&] { return u(rng); });
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, n);
    ++counts[k];
  }
  double norm = 0;
  for (uint64_t k = 1; k <= n; ++k) norm += std::pow(static_cast<double>(k), -s);
  for (uint64_t k = 1; k <= 5; ++k) {
    const double p = std::pow(static_cast<double>(k), -s) / norm;
    const double sigma = std::sqrt(p * (1 - p) / draws);
    EXPECT_NEAR(counts[k] / static_cast<double>(draws), p, 5 * sigma) << "rank " << k;
  }
}

TEST(ZipfSamplerTest, MatchesTheDistributionForExponentOne) { ExpectZipf(1000, 1.0, 200000); }

TEST(ZipfSamplerTest, MatchesTheDistributionForOtherExponents) {
  ExpectZipf(100, 0.7, 200000);
  ExpectZipf(100000, 1.3, 200000);
}

TEST(ZipfSamplerTest, SingleElementAlwaysGivesRankOne) {
  const ZipfSampler zipf(1, 1.0);
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(zipf.Sample([&] { return u(rng); }), 1u);
}

}  // namespace
}  // namespace assignd::client
