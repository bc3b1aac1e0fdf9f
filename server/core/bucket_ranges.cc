#include "server/core/bucket_ranges.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace assignd::core {

double PercentToFraction(double percent) {
  if (!std::isfinite(percent) || percent == 0) return percent / 100.0;
  // Shortest round-trip digits of the percent ("3.334e+01"), exponent lowered by 2, parsed back:
  // exactly the decimal shift a person does when writing 0.3334 for 33.34%.
  char buf[64];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), percent, std::chars_format::scientific);
  if (ec != std::errc()) return percent / 100.0;
  std::string text(buf, end);
  const size_t e = text.find('e');
  const int exponent = std::stoi(text.substr(e + 1)) - 2;
  text = text.substr(0, e) + "e" + std::to_string(exponent);
  double fraction = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), fraction).ec != std::errc()) {
    return percent / 100.0;
  }
  return fraction;
}

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
