#pragma once

// The result shape shared by every two-arm test: control and treatment estimates, the absolute and
// relative delta with confidence intervals, and the test statistic with its p-value.
namespace assignd::analysis {

struct Interval {
  double low = 0;
  double high = 0;
};

struct Comparison {
  double control = 0;    // estimate in the control arm
  double treatment = 0;  // estimate in the treatment arm
  double abs_delta = 0;  // treatment - control
  Interval abs_ci;
  double rel_delta = 0;  // treatment / control - 1 (NaN when control is 0)
  Interval rel_ci;
  double statistic = 0;  // z or t
  double df = 0;         // degrees of freedom of a t statistic; +inf for z
  double p_value = 1;    // two-sided, for H0: no difference
  double confidence = 0.95;
};

}  // namespace assignd::analysis
