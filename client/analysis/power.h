#pragma once

#include "absl/status/statusor.h"

// Sample size and power of a two-sided two-sample z-test for proportions with equal arms.
//
// Method (normal approximation, no continuity correction; e.g. Fleiss, Levin & Paik 2003, eq. 4.14
// without the correction term). With p1 the baseline rate, p2 = p1 * (1 + lift), d = p2 - p1,
// pbar = (p1 + p2) / 2, za = z_{1 - alpha/2}, zb = z_{power}:
//
//   n per arm = (za * sqrt(2 * pbar * (1 - pbar)) + zb * sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / d^2
//
// The first term is the standard error under H0 (pooled rate), the second under H1. The power
// function below is the exact inverse of this formula (it ignores the rejection region on the far
// side, which contributes < alpha/2 and is what the formula ignores too).
namespace assignd::analysis {

struct ProportionPowerInputs {
  double baseline_rate = 0;  // p1, in (0, 1)
  double relative_lift = 0;  // p2 = p1 * (1 + lift), lift != 0 and p2 in (0, 1)
  double alpha = 0.05;       // two-sided
};

// Real-valued n per arm (round up for a plan). Errors name the offending input.
absl::StatusOr<double> SampleSizePerArm(const ProportionPowerInputs& in, double power);

// Power of the test with `n_per_arm` units in each arm.
absl::StatusOr<double> PowerAtSampleSize(const ProportionPowerInputs& in, double n_per_arm);

// The smallest positive relative lift detectable with `power` given `n_per_arm` (solves
// PowerAtSampleSize(lift) = power by bisection to full double precision). `in.relative_lift` is
// ignored.
absl::StatusOr<double> DetectableRelativeLift(const ProportionPowerInputs& in, double n_per_arm,
                                              double power);

}  // namespace assignd::analysis
