#include "client/analysis/relative_ci.h"

#include <cmath>
#include <limits>

namespace assignd::analysis {

RelativeDelta RelativeDeltaCi(double control_mean, double control_variance, double treatment_mean,
                              double treatment_variance, double critical) {
  if (control_mean == 0.0) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    return {kNaN, kNaN, {kNaN, kNaN}};
  }
  const double c2 = control_mean * control_mean;
  const double estimate = treatment_mean / control_mean - 1.0;
  const double se = std::sqrt(treatment_variance / c2 +
                              treatment_mean * treatment_mean * control_variance / (c2 * c2));
  return {estimate, se, {estimate - critical * se, estimate + critical * se}};
}

}  // namespace assignd::analysis
