#pragma once

#include <optional>
#include <span>
#include <vector>

// GrowthBook's bucket ranges and variant choice, transcribed literally in IEEE doubles (the
// engine is built with -ffp-contract=off) so range ends match the JS SDK bit for bit.
namespace assignd::core {

struct BucketRange {
  double start = 0;
  double end = 0;  // exclusive
};

// The fraction a config percent stands for, as the decimal literal a GrowthBook user would write:
// PercentToFraction(33.34) is the double nearest 0.3334, which 33.34 / 100.0 is not (it is one ulp
// above). Division would move users sitting on a range edge away from where the SDK puts them.
double PercentToFraction(double percent);

// getEqualWeights(n): n copies of 1.0/n; empty for n <= 0.
std::vector<double> EqualWeights(int n);

// getBucketRanges(numVariations, coverage, weights): coverage clamped to [0,1]; weights of the
// wrong length or summing outside [0.99, 1.01] are replaced by equal weights (not renormalised).
// Variation i starts at the fixed offset w_0+..+w_{i-1} and covers coverage*w_i from there, which
// is why raising coverage never moves an enrolled user.
std::vector<BucketRange> BucketRanges(int num_variations, double coverage,
                                      std::optional<std::span<const double>> weights);

// chooseVariation(n, ranges): the first range with start <= n < end, or -1.
inline int ChooseVariation(double n, std::span<const BucketRange> ranges) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].start <= n && n < ranges[i].end) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace assignd::core
