#include "client/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace assignd::client {

// Index layout: "octave" e = 0 holds the values 0..2^S-1 one per bucket; octave e >= 1 holds
// [2^(S+e-1), 2^(S+e)) in 2^S buckets of width 2^(e-1). With S = kSubBucketBits:
//   index = e * 2^S + (value >> (e-1)) - 2^S.
int LatencyHistogram::IndexOf(uint64_t value) {
  constexpr uint64_t kTop = (uint64_t{1} << kMaxValueBits) - 1;
  if (value > kTop) value = kTop;
  if (value < static_cast<uint64_t>(kSubBuckets)) return static_cast<int>(value);
  const int msb = 63 - std::countl_zero(value);
  const int octave = msb - kSubBucketBits + 1;
  const uint64_t mantissa = value >> (octave - 1);  // in [2^S, 2^(S+1))
  return octave * kSubBuckets + static_cast<int>(mantissa) - kSubBuckets;
}

uint64_t LatencyHistogram::LowestValueOf(int index) {
  const int octave = index / kSubBuckets;
  const uint64_t sub = static_cast<uint64_t>(index % kSubBuckets);
  if (octave == 0) return sub;
  return (static_cast<uint64_t>(kSubBuckets) + sub) << (octave - 1);
}

uint64_t LatencyHistogram::HighestValueOf(int index) {
  const int octave = index / kSubBuckets;
  const uint64_t width = octave == 0 ? 1 : uint64_t{1} << (octave - 1);
  return LowestValueOf(index) + width - 1;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::ValueAtQuantile(double q) const {
  if (total_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the value wanted, 1-based: the ceil(q * n)-th smallest (at least the first).
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_))));
  uint64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[static_cast<size_t>(i)];
    if (seen >= rank) return std::clamp(HighestValueOf(i), min(), max_);
  }
  return max_;
}

}  // namespace assignd::client
