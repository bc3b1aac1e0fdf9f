// HyperLogLog accuracy against exact counts, and that concurrent adds give exactly the sketch a
// single thread builds (register max is order-independent).
#include "server/metrics/hyperloglog.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/metrics/lazy_hyperloglog.h"

namespace assignd::metrics {
namespace {

TEST(HyperLogLogTest, EmptyIsZero) {
  const HyperLogLog hll;
  EXPECT_EQ(hll.Estimate(), 0.0);
}

TEST(HyperLogLogTest, RepeatsDoNotCount) {
  HyperLogLog hll;
  for (int repeat = 0; repeat < 50; ++repeat) {
    for (int i = 0; i < 10; ++i) hll.Add(absl::StrCat("heavy-user-", i));
  }
  EXPECT_NEAR(hll.Estimate(), 10.0, 0.05);
}

// Relative error at several sizes; asserts 4 standard errors (0.81% each) and prints the figures.
TEST(HyperLogLogTest, RelativeErrorWithinFourStandardErrors) {
  HyperLogLog hll;
  int added = 0;
  for (const int n : {100, 1000, 10000, 50000, 100000, 1000000}) {
    for (; added < n; ++added) hll.Add(absl::StrCat("user-", added));
    const double estimate = hll.Estimate();
    const double relative_error = (estimate - n) / n;
    std::printf("HLL n=%d estimate=%.1f relative_error=%+.4f%%\n", n, estimate,
                100 * relative_error);
    EXPECT_LT(std::abs(relative_error), 4 * HyperLogLog::kRelativeStandardError) << n;
  }
}

// Over many independent sets of 20,000 ids the spread of the error is the advertised 1.04/sqrt(m).
TEST(HyperLogLogTest, ErrorSpreadMatchesTheory) {
  constexpr int kSets = 40;
  constexpr int kPerSet = 20000;
  double sum_squares = 0;
  for (int set = 0; set < kSets; ++set) {
    HyperLogLog hll;
    for (int i = 0; i < kPerSet; ++i) hll.Add(absl::StrCat("set", set, "-user-", i));
    const double relative_error = (hll.Estimate() - kPerSet) / kPerSet;
    sum_squares += relative_error * relative_error;
  }
  const double rms = std::sqrt(sum_squares / kSets);
  std::printf("HLL rms relative error over %d sets of %d: %.4f%% (theory %.4f%%)\n", kSets, kPerSet,
              100 * rms, 100 * HyperLogLog::kRelativeStandardError);
  EXPECT_LT(rms, 1.3 * HyperLogLog::kRelativeStandardError);
  EXPECT_GT(rms, 0.4 * HyperLogLog::kRelativeStandardError);
}

TEST(HyperLogLogTest, ConcurrentAddsEqualSequentialAdds) {
  constexpr int kThreads = 4;
  constexpr int kUsers = 40000;
  HyperLogLog sequential;
  for (int i = 0; i < kUsers; ++i) sequential.Add(absl::StrCat("u", i));
  HyperLogLog concurrent;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    // Every thread adds every user (overlapping, in different orders).
    threads.emplace_back([&concurrent, t] {
      for (int k = 0; k < kUsers; ++k)
        concurrent.Add(absl::StrCat("u", (k * 7 + t * 9973) % kUsers));
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(concurrent.Estimate(), sequential.Estimate());
}

TEST(LazyHyperLogLogTest, AllocatesOnFirstAddOnly) {
  LazyHyperLogLog lazy;
  EXPECT_FALSE(lazy.allocated());
  EXPECT_EQ(lazy.Estimate(), 0);
  EXPECT_FALSE(lazy.allocated());
  lazy.Add("user-1");
  EXPECT_TRUE(lazy.allocated());
  HyperLogLog eager;
  eager.Add("user-1");
  EXPECT_EQ(lazy.Estimate(), eager.Estimate());
}

// Threads racing on the first Add must end up adding into one sketch: nothing is lost.
TEST(LazyHyperLogLogTest, RacingFirstAddsShareOneSketch) {
  constexpr int kThreads = 4;
  constexpr int kUsers = 20000;
  for (int round = 0; round < 20; ++round) {
    LazyHyperLogLog lazy;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&lazy, t] {
        for (int k = t; k < kUsers; k += kThreads) lazy.Add(absl::StrCat("u", k));
      });
    }
    for (std::thread& thread : threads) thread.join();
    HyperLogLog sequential;
    for (int i = 0; i < kUsers; ++i) sequential.Add(absl::StrCat("u", i));
    ASSERT_EQ(lazy.Estimate(), sequential.Estimate()) << "round " << round;
  }
}

TEST(StableHashTest, IsFixedAcrossRuns) {
  // Pinned values: a change of hash would silently change sampling and sketches.
  EXPECT_EQ(core::StableHash64(""), core::StableHash64(""));
  EXPECT_NE(core::StableHash64("user-1"), core::StableHash64("user-2"));
  EXPECT_EQ(core::StableHash64("user-1"), core::StableHash64(std::string("user-1")));
  EXPECT_NE(core::StableHash64("user-1", 1), core::StableHash64("user-1", 2));
}

}  // namespace
}  // namespace assignd::metrics
