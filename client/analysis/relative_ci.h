#pragma once

#include "client/analysis/comparison.h"

// Confidence interval of the relative delta r = m_t / m_c - 1 of two independent estimates, by the
// delta method (first-order Taylor expansion of the ratio; not Fieller):
//
//   se(r) = sqrt(var_t / m_c^2 + m_t^2 * var_c / m_c^4),   CI = r -/+ critical * se(r)
//
// where var_c and var_t are the variances of the estimates (squared standard errors) and
// `critical` is the same quantile the absolute interval uses (z for proportions, t for Welch).
// The interval is symmetric; it is NaN when m_c is 0.
namespace assignd::analysis {

struct RelativeDelta {
  double estimate = 0;
  double standard_error = 0;
  Interval ci;
};

RelativeDelta RelativeDeltaCi(double control_mean, double control_variance, double treatment_mean,
                              double treatment_variance, double critical);

}  // namespace assignd::analysis
