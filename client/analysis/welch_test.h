#pragma once

#include "absl/status/statusor.h"
#include "client/analysis/comparison.h"

// Welch's unequal-variances t-test from sufficient statistics (revenue per impression; coverage
// per row). Each arm gives n, the sum and the sum of squares of its observations:
//
//   mean = sum / n,  s^2 = (sum_sq - sum^2 / n) / (n - 1)           (sample variance)
//   se^2 = s_c^2 / n_c + s_t^2 / n_t,  t = (mean_t - mean_c) / se
//   df = se^4 / ((s_c^2/n_c)^2 / (n_c - 1) + (s_t^2/n_t)^2 / (n_t - 1))   (Welch-Satterthwaite)
//   p = 2 * P(T_df >= |t|),  CI = delta -/+ t_{df, 1-a/2} * se
//
// The relative CI is the delta method with the same variances and the same t quantile. This is
// scipy.stats.ttest_ind_from_stats(..., equal_var=False). Needs n >= 2 in each arm. A variance a
// hair below 0 from rounding (constant data) is taken as 0; when both are 0 the test is degenerate:
// t = 0, p = 1 if the means are equal, else t = +-inf, p = 0.
namespace assignd::analysis {

struct SampleSums {
  double n = 0;
  double sum = 0;
  double sum_sq = 0;
};

absl::StatusOr<Comparison> WelchTTest(const SampleSums& control, const SampleSums& treatment,
                                      double confidence = 0.95);

}  // namespace assignd::analysis
