#include "client/analysis/welch_test.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/analysis/distributions.h"
#include "client/analysis/relative_ci.h"

namespace assignd::analysis {
namespace {

struct Moments {
  double mean;
  double variance_of_mean;  // s^2 / n
  double n;
};

absl::StatusOr<Moments> ArmMoments(const char* arm, const SampleSums& s) {
  if (!(s.n >= 2.0) || !std::isfinite(s.n)) {
    return absl::InvalidArgumentError(
        absl::StrCat(arm, " needs at least 2 observations, has ", s.n));
  }
  if (!std::isfinite(s.sum) || !std::isfinite(s.sum_sq) || s.sum_sq < 0.0) {
    return absl::InvalidArgumentError(
        absl::StrCat(arm, " sums must be finite, sum of squares >= 0"));
  }
  const double mean = s.sum / s.n;
  double centred = s.sum_sq - s.sum * mean;
  // Cancellation can leave a tiny negative for constant data; anything clearly negative means the
  // sums are inconsistent (sum_sq < sum^2 / n is impossible for real observations).
  if (centred < 0.0) {
    if (centred < -1e-9 * std::max(1.0, s.sum_sq)) {
      return absl::InvalidArgumentError(
          absl::StrCat(arm, " sum of squares ", s.sum_sq, " is below sum^2/n = ", s.sum * mean));
    }
    centred = 0.0;
  }
  return Moments{mean, centred / (s.n - 1.0) / s.n, s.n};
}

}  // namespace

absl::StatusOr<Comparison> WelchTTest(const SampleSums& control, const SampleSums& treatment,
                                      double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("confidence must be in (0, 1), got ", confidence));
  }
  absl::StatusOr<Moments> c = ArmMoments("control", control);
  if (!c.ok()) return c.status();
  absl::StatusOr<Moments> t = ArmMoments("treatment", treatment);
  if (!t.ok()) return t.status();

  Comparison r;
  r.confidence = confidence;
  r.control = c->mean;
  r.treatment = t->mean;
  r.abs_delta = t->mean - c->mean;

  const double se2 = c->variance_of_mean + t->variance_of_mean;
  const double se = std::sqrt(se2);
  if (se2 > 0.0) {
    r.df = se2 * se2 /
           (c->variance_of_mean * c->variance_of_mean / (c->n - 1.0) +
            t->variance_of_mean * t->variance_of_mean / (t->n - 1.0));
    r.statistic = r.abs_delta / se;
    r.p_value = 2.0 * StudentTSf(std::fabs(r.statistic), r.df);
  } else {
    r.df = c->n + t->n - 2.0;
    r.statistic = r.abs_delta == 0.0
                      ? 0.0
                      : std::copysign(std::numeric_limits<double>::infinity(), r.abs_delta);
    r.p_value = r.abs_delta == 0.0 ? 1.0 : 0.0;
  }
  const double critical = StudentTUpperQuantile((1.0 - confidence) / 2.0, r.df);
  r.abs_ci = {r.abs_delta - critical * se, r.abs_delta + critical * se};
  const RelativeDelta rel =
      RelativeDeltaCi(c->mean, c->variance_of_mean, t->mean, t->variance_of_mean, critical);
  r.rel_delta = rel.estimate;
  r.rel_ci = rel.ci;
  return r;
}

}  // namespace assignd::analysis
