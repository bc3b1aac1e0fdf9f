#include "client/latency_histogram.h"

#include <cstdint>
#include <random>

#include "gtest/gtest.h"

namespace assignd::client {
namespace {

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  for (uint64_t v = 0; v < LatencyHistogram::kSubBuckets; ++v) {
    const int i = LatencyHistogram::IndexOf(v);
    EXPECT_EQ(LatencyHistogram::LowestValueOf(i), v);
    EXPECT_EQ(LatencyHistogram::HighestValueOf(i), v);
  }
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithBoundedRelativeWidth) {
  for (int i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
    const uint64_t lo = LatencyHistogram::LowestValueOf(i);
    const uint64_t hi = LatencyHistogram::HighestValueOf(i);
    ASSERT_EQ(LatencyHistogram::LowestValueOf(i + 1), hi + 1) << "bucket " << i;
    ASSERT_EQ(LatencyHistogram::IndexOf(lo), i);
    ASSERT_EQ(LatencyHistogram::IndexOf(hi), i);
    // Width at most 1/128 of the bucket's lowest value (beyond the exact range).
    if (lo >= LatencyHistogram::kSubBuckets) {
      ASSERT_LE((hi - lo + 1) * 128, lo) << "bucket " << i;
    }
  }
}

TEST(LatencyHistogramTest, HugeValuesLandInTheTopBucket) {
  EXPECT_EQ(LatencyHistogram::IndexOf(UINT64_MAX), LatencyHistogram::kBucketCount - 1);
  EXPECT_EQ(LatencyHistogram::IndexOf(uint64_t{1} << 40), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogramTest, QuantilesOfAUniformSampleAreWithinOnePercent) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100000; ++v) h.Record(v * 10);  // 10 ns .. 1 ms
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.min(), 10u);
  EXPECT_EQ(h.max(), 1000000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500005.0);
  for (const double q : {0.5, 0.9, 0.99, 0.999}) {
    const double exact = q * 1000000;
    const double got = static_cast<double>(h.ValueAtQuantile(q));
    EXPECT_GE(got, exact) << q;  // an upper bound of the bucket holding the exact value
    EXPECT_LE(got, exact * 1.01) << q;
  }
  EXPECT_EQ(h.ValueAtQuantile(1.0), 1000000u);
  EXPECT_EQ(h.ValueAtQuantile(0.0), 10u);
}

TEST(LatencyHistogramTest, TailQuantileSeesTheRareSlowCalls) {
  LatencyHistogram h;
  for (int i = 0; i < 9990; ++i) h.Record(100000);  // 100 us
  for (int i = 0; i < 10; ++i) h.Record(5000000);   // 5 ms: the slowest 0.1%
  EXPECT_LE(h.ValueAtQuantile(0.99), 101000u);
  EXPECT_GE(h.ValueAtQuantile(0.9991), 4950000u);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(3);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 50000; ++i) {
    const uint64_t v = rng() % 10000000;
    (i % 2 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (const double q : {0.1, 0.5, 0.99, 0.999}) {
    EXPECT_EQ(a.ValueAtQuantile(q), all.ValueAtQuantile(q)) << q;
  }
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  const LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.ValueAtQuantile(0.99), 0u);
  EXPECT_EQ(h.min(), 0u);
}

}  // namespace
}  // namespace assignd::client
