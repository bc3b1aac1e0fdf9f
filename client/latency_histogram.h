#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

// A log-linear (HDR-style) histogram of non-negative integer values, e.g. latencies in ns.
// Values below 2^kSubBucketBits are counted exactly; above, every power-of-two range is split into
// 2^kSubBucketBits equal sub-buckets, so any recorded value is known to within 1/128 (0.8%) of
// itself. Recording is an index computation and one increment: no allocation, no sorting, and a
// fixed 35 KiB footprint however many values are recorded. Not thread-safe: give each thread (or
// each serialised call slot) its own and Merge them at the end.
namespace assignd::client {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  // Values at or above 2^kMaxValueBits (~18 minutes in ns) are counted in the top bucket.
  static constexpr int kMaxValueBits = 40;
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  static constexpr int kBucketCount = (kMaxValueBits - kSubBucketBits + 1) * kSubBuckets;

  void Record(uint64_t value) {
    ++counts_[static_cast<size_t>(IndexOf(value))];
    ++total_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return total_; }
  uint64_t min() const { return total_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const {
    return total_ == 0 ? 0 : static_cast<double>(sum_) / static_cast<double>(total_);
  }

  // The smallest bucket upper bound at or below which a fraction `q` (0..1) of the values lie,
  // clamped to [min, max]. 0 when empty.
  uint64_t ValueAtQuantile(double q) const;

  // Bucket arithmetic, public for tests.
  static int IndexOf(uint64_t value);
  static uint64_t LowestValueOf(int index);
  static uint64_t HighestValueOf(int index);  // inclusive

 private:
  std::array<uint64_t, kBucketCount> counts_{};
  uint64_t total_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace assignd::client
