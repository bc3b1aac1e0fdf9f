#pragma once

#include <string>

#include "client/analysis/comparison.h"
#include "client/analysis/metrics.h"

// PASS/FAIL of one metric against the plan's target. `comparison` carries the CIs (95% overall;
// Bonferroni-widened for segments) and `p_value` the p-value to decide with (Holm-adjusted for
// segments). The rules, with alpha = 1 - CI level overall:
//
// - "+x% relative" (CTR +3%, RPM +2%): PASS iff the test is significant (p < alpha) AND the
//   relative lift's point estimate >= x. The plan sizes the test to detect a lift of x against
//   H0 "no difference", so the significance is that test's; x is the minimum worthwhile effect.
//   The stricter reading, "lower CI bound of the relative lift >= x", would have ~alpha/2 power at
//   a true lift of exactly x with the planned n; it is reported as `ci_above_target`, not used.
// - ">= baseline" (add-to-cart, personalised share, coverage): non-inferiority with a relative
//   margin m: PASS iff the lower bound of the relative delta's CI >= -m (a one-sided test at
//   alpha/2 that the treatment is at most m worse). m = 0 demands a significant improvement.
// - "<= baseline" (out-of-stock): the mirror image: PASS iff the CI's upper bound <= +m.
// A metric whose relative delta is undefined (control estimate 0) fails.
namespace assignd::analysis {

struct Verdict {
  bool pass = false;
  bool ci_above_target = false;  // kRelativeLiftAtLeast only: rel CI low >= target
  std::string reason;
};

Verdict Judge(const MetricSpec& metric, const Comparison& comparison, double p_value, double alpha,
              double margin);

}  // namespace assignd::analysis
