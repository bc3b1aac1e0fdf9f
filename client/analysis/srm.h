#pragma once

#include <vector>

#include "absl/status/statusor.h"

// Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the observed counts per arm
// against the configured split, chi2 = sum (O_i - E_i)^2 / E_i with E_i = share_i * total,
// df = arms - 1 (scipy.stats.chisquare). A split this far off the design usually means broken
// assignment or logging, so the other results cannot be trusted. The conventional alarm threshold
// is p < 0.001: strict, because SRM is checked on large counts where tiny imbalances are real.
namespace assignd::analysis {

inline constexpr double kSrmThreshold = 0.001;

struct SrmResult {
  double chi_square = 0;
  double df = 0;
  double p_value = 1;
  bool mismatch = false;  // p_value < kSrmThreshold
};

// `expected_shares` must be positive and sum to 1 (within 1e-9); counts non-negative, total > 0.
absl::StatusOr<SrmResult> SampleRatioMismatch(const std::vector<double>& observed,
                                              const std::vector<double>& expected_shares);

}  // namespace assignd::analysis
