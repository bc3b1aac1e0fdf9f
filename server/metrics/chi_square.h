#pragma once

#include <span>

// Chi-square goodness-of-fit for the sample-ratio-mismatch (SRM) check. The distribution function
// is Boost.Math's; nothing here is a hand-written special function.
namespace assignd::metrics {

// P(X >= x) for X ~ chi-square with `degrees_of_freedom` > 0 (scipy.stats.chi2.sf). 1 for x <= 0,
// NaN for a non-finite x or a non-positive degrees_of_freedom.
double ChiSquareSurvival(double x, double degrees_of_freedom);

struct GoodnessOfFit {
  double statistic = 0;
  int degrees_of_freedom = 0;  // cells with positive weight, minus one
  double p_value = 1;
};

// Pearson's test of `observed` counts against expected shares `weights` (any positive scale):
// expected_i = sum(observed) * weights_i / sum(weights), statistic = sum (o - e)^2 / v_i, where
// v_i = e_i * (1 + relative_variance * e_i). With relative_variance = 0 this is exactly
// scipy.stats.chisquare(observed, expected). A positive relative_variance accounts for counts that
// are estimates with relative variance `relative_variance` on top of the sampling noise (a
// HyperLogLog's (1.04/sqrt(m))^2): without it every large enough experiment would look
// mismatched, because the sketch's 0.8% error outgrows the sqrt(n) noise the test expects.
// Cells with weight 0 are left out. Fewer than two cells, or no observations: statistic 0, p 1.
// `observed` and `weights` must have the same size.
GoodnessOfFit ChiSquareGoodnessOfFit(std::span<const double> observed,
                                     std::span<const double> weights, double relative_variance = 0);

}  // namespace assignd::metrics
