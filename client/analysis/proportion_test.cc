#include "client/analysis/proportion_test.h"

#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/analysis/distributions.h"
#include "client/analysis/relative_ci.h"

namespace assignd::analysis {
namespace {

absl::Status CheckArm(const char* arm, int64_t successes, int64_t trials) {
  if (trials <= 0) return absl::InvalidArgumentError(absl::StrCat(arm, " has no trials"));
  if (successes < 0 || successes > trials) {
    return absl::InvalidArgumentError(
        absl::StrCat(arm, " successes must be in [0, trials], got ", successes, " of ", trials));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Comparison> TwoProportionZTest(int64_t control_successes, int64_t control_trials,
                                              int64_t treatment_successes, int64_t treatment_trials,
                                              double confidence) {
  if (absl::Status s = CheckArm("control", control_successes, control_trials); !s.ok()) return s;
  if (absl::Status s = CheckArm("treatment", treatment_successes, treatment_trials); !s.ok()) {
    return s;
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("confidence must be in (0, 1), got ", confidence));
  }
  const double nc = static_cast<double>(control_trials);
  const double nt = static_cast<double>(treatment_trials);
  const double pc = static_cast<double>(control_successes) / nc;
  const double pt = static_cast<double>(treatment_successes) / nt;
  const double pooled = static_cast<double>(control_successes + treatment_successes) / (nc + nt);

  Comparison r;
  r.confidence = confidence;
  r.control = pc;
  r.treatment = pt;
  r.abs_delta = pt - pc;
  r.df = std::numeric_limits<double>::infinity();

  const double pooled_se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / nc + 1.0 / nt));
  if (pooled_se > 0.0) {
    r.statistic = r.abs_delta / pooled_se;
    r.p_value = 2.0 * NormalSf(std::fabs(r.statistic));
  } else {
    r.statistic = 0.0;
    r.p_value = 1.0;
  }

  const double z = NormalUpperQuantile((1.0 - confidence) / 2.0);
  const double var_c = pc * (1.0 - pc) / nc;
  const double var_t = pt * (1.0 - pt) / nt;
  const double se = std::sqrt(var_c + var_t);
  r.abs_ci = {r.abs_delta - z * se, r.abs_delta + z * se};
  const RelativeDelta rel = RelativeDeltaCi(pc, var_c, pt, var_t, z);
  r.rel_delta = rel.estimate;
  r.rel_ci = rel.ci;
  return r;
}

}  // namespace assignd::analysis
