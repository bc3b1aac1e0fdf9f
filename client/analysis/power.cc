#include "client/analysis/power.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/analysis/distributions.h"

namespace assignd::analysis {
namespace {

bool InOpenUnit(double x) { return x > 0.0 && x < 1.0; }

absl::Status CheckRates(double p1, double alpha) {
  if (!InOpenUnit(p1)) {
    return absl::InvalidArgumentError(absl::StrCat("baseline rate must be in (0, 1), got ", p1));
  }
  if (!InOpenUnit(alpha)) {
    return absl::InvalidArgumentError(absl::StrCat("alpha must be in (0, 1), got ", alpha));
  }
  return absl::OkStatus();
}

absl::Status CheckInputs(const ProportionPowerInputs& in) {
  if (absl::Status s = CheckRates(in.baseline_rate, in.alpha); !s.ok()) return s;
  const double p2 = in.baseline_rate * (1.0 + in.relative_lift);
  if (in.relative_lift == 0.0 || !std::isfinite(in.relative_lift) || !InOpenUnit(p2)) {
    return absl::InvalidArgumentError(
        absl::StrCat("relative lift must be non-zero with baseline * (1 + lift) in (0, 1), got ",
                     in.relative_lift));
  }
  return absl::OkStatus();
}

// The two standard errors of the formula for one unit per arm.
struct UnitErrors {
  double null_sd;         // sqrt(2 pbar (1 - pbar))
  double alternative_sd;  // sqrt(p1 (1 - p1) + p2 (1 - p2))
  double delta;           // |p2 - p1|
};

UnitErrors Errors(double p1, double lift) {
  const double p2 = p1 * (1.0 + lift);
  const double pbar = (p1 + p2) / 2.0;
  return {std::sqrt(2.0 * pbar * (1.0 - pbar)), std::sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2)),
          std::fabs(p2 - p1)};
}

double Power(double p1, double lift, double alpha, double n) {
  const UnitErrors e = Errors(p1, lift);
  const double za = NormalUpperQuantile(alpha / 2.0);
  return NormalCdf((e.delta * std::sqrt(n) - za * e.null_sd) / e.alternative_sd);
}

}  // namespace

absl::StatusOr<double> SampleSizePerArm(const ProportionPowerInputs& in, double power) {
  if (absl::Status s = CheckInputs(in); !s.ok()) return s;
  if (!InOpenUnit(power)) {
    return absl::InvalidArgumentError(absl::StrCat("power must be in (0, 1), got ", power));
  }
  const UnitErrors e = Errors(in.baseline_rate, in.relative_lift);
  const double za = NormalUpperQuantile(in.alpha / 2.0);
  const double zb = NormalQuantile(power);
  const double root = za * e.null_sd + zb * e.alternative_sd;
  return root * root / (e.delta * e.delta);
}

absl::StatusOr<double> PowerAtSampleSize(const ProportionPowerInputs& in, double n_per_arm) {
  if (absl::Status s = CheckInputs(in); !s.ok()) return s;
  if (!(n_per_arm > 0.0) || !std::isfinite(n_per_arm)) {
    return absl::InvalidArgumentError(absl::StrCat("n per arm must be positive, got ", n_per_arm));
  }
  return Power(in.baseline_rate, in.relative_lift, in.alpha, n_per_arm);
}

absl::StatusOr<double> DetectableRelativeLift(const ProportionPowerInputs& in, double n_per_arm,
                                              double power) {
  if (absl::Status s = CheckRates(in.baseline_rate, in.alpha); !s.ok()) return s;
  if (!InOpenUnit(power)) {
    return absl::InvalidArgumentError(absl::StrCat("power must be in (0, 1), got ", power));
  }
  if (!(n_per_arm > 0.0) || !std::isfinite(n_per_arm)) {
    return absl::InvalidArgumentError(absl::StrCat("n per arm must be positive, got ", n_per_arm));
  }
  const double p1 = in.baseline_rate;
  // Power increases with the lift on (0, 1/p1 - 1), where p2 stays below 1.
  double low = 0.0;
  double high = (1.0 - p1) / p1;
  if (Power(p1, high * (1.0 - 1e-12), in.alpha, n_per_arm) < power) {
    return absl::OutOfRangeError(absl::StrCat("no lift keeping the rate below 1 reaches power ",
                                              power, " with n = ", n_per_arm, " per arm"));
  }
  for (int i = 0; i < 200 && high - low > 1e-15 * high; ++i) {
    const double mid = low + (high - low) / 2.0;
    (Power(p1, mid, in.alpha, n_per_arm) < power ? low : high) = mid;
  }
  return high;
}

}  // namespace assignd::analysis
