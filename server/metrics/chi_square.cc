#include "server/metrics/chi_square.h"

#include <cmath>
#include <limits>

#include "boost/math/distributions/chi_squared.hpp"
#include "boost/math/policies/policy.hpp"

namespace assignd::metrics {
namespace {

// Report errors as NaN/inf instead of throwing: this runs inside a metrics scrape.
using NoThrow = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

}  // namespace

double ChiSquareSurvival(double x, double degrees_of_freedom) {
  if (!std::isfinite(x) || !(degrees_of_freedom > 0) || !std::isfinite(degrees_of_freedom)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x <= 0) return 1.0;
  const boost::math::chi_squared_distribution<double, NoThrow> distribution(degrees_of_freedom);
  return boost::math::cdf(boost::math::complement(distribution, x));
}

GoodnessOfFit ChiSquareGoodnessOfFit(std::span<const double> observed,
                                     std::span<const double> weights, double relative_variance) {
  GoodnessOfFit result;
  double total = 0;
  double weight_sum = 0;
  int cells = 0;
  for (size_t i = 0; i < observed.size() && i < weights.size(); ++i) {
    if (!(weights[i] > 0)) continue;
    total += observed[i];
    weight_sum += weights[i];
    ++cells;
  }
  if (cells < 2 || !(total > 0)) return result;
  for (size_t i = 0; i < observed.size() && i < weights.size(); ++i) {
    if (!(weights[i] > 0)) continue;
    const double expected = total * weights[i] / weight_sum;
    const double deviation = observed[i] - expected;
    result.statistic += deviation * deviation / (expected * (1.0 + relative_variance * expected));
  }
  result.degrees_of_freedom = cells - 1;
  result.p_value = ChiSquareSurvival(result.statistic, result.degrees_of_freedom);
  return result;
}

}  // namespace assignd::metrics
