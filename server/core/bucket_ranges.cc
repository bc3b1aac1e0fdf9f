#include "server/core/bucket_ranges.h"

namespace assignd::core {

std::vector<double> EqualWeights(int n) {
  if (n <= 0) return {};
  return std::vector<double>(static_cast<size_t>(n), 1.0 / n);
}

std::vector<BucketRange> BucketRanges(int num_variations, double coverage,
                                      std::optional<std::span<const double>> weights) {
  if (coverage < 0) coverage = 0;
  if (coverage > 1) coverage = 1;
  const std::vector<double> equal = EqualWeights(num_variations);
  std::vector<double> w = equal;
  if (weights && static_cast<int>(weights->size()) == num_variations) {
    w.assign(weights->begin(), weights->end());
  }
  double total = 0.0;
  for (double x : w) total = total + x;
  if (total < 0.99 || total > 1.01) w = equal;

  std::vector<BucketRange> ranges;
  ranges.reserve(w.size());
  double cumulative = 0.0;
  for (double x : w) {
    const double start = cumulative;
    cumulative = cumulative + x;
    const double covered = coverage * x;  // rounded multiply, then rounded add: as JS does
    ranges.push_back({start, start + covered});
  }
  return ranges;
}

}  // namespace assignd::core
