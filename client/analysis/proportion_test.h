#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "client/analysis/comparison.h"

// Two-sample z-test for proportions (CTR, add-to-cart rate, personalised share, out-of-stock rate).
//
// - Test: pooled. p = (x_c + x_t) / (n_c + n_t), z = (p_t - p_c) / sqrt(p (1 - p) (1/n_c + 1/n_t)),
//   two-sided p-value 2 * (1 - Phi(|z|)). Pooling is right under H0 (equal rates); it is what
//   statsmodels' proportions_ztest and R's prop.test (without correction) compute.
// - Absolute CI: unpooled Wald, (p_t - p_c) -/+ z_{1-a/2} sqrt(p_c (1-p_c)/n_c + p_t (1-p_t)/n_t),
//   since under H1 the rates differ.
// - Relative CI: delta method with the same unpooled variances (relative_ci.h).
// When both arms are all-0 or all-1 the pooled error is 0: z = 0 and p = 1.
namespace assignd::analysis {

absl::StatusOr<Comparison> TwoProportionZTest(int64_t control_successes, int64_t control_trials,
                                              int64_t treatment_successes, int64_t treatment_trials,
                                              double confidence = 0.95);

}  // namespace assignd::analysis
