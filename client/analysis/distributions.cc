#include "client/analysis/distributions.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace assignd::analysis {
namespace {

namespace bm = ::boost::math;
// The project is built without relying on exceptions at boundaries: report bad arguments and
// overflow as NaN/inf instead of throwing (callers check their inputs first anyway).
using Policy = bm::policies::policy<bm::policies::domain_error<bm::policies::ignore_error>,
                                    bm::policies::pole_error<bm::policies::ignore_error>,
                                    bm::policies::overflow_error<bm::policies::ignore_error>,
                                    bm::policies::evaluation_error<bm::policies::ignore_error>>;
using Normal = bm::normal_distribution<double, Policy>;
using StudentT = bm::students_t_distribution<double, Policy>;
using ChiSquared = bm::chi_squared_distribution<double, Policy>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool IsProbability(double p) { return p > 0.0 && p < 1.0; }

}  // namespace

double NormalCdf(double z) {
  if (std::isnan(z)) return kNaN;
  if (std::isinf(z)) return z > 0 ? 1.0 : 0.0;
  return bm::cdf(Normal(), z);
}

double NormalSf(double z) {
  if (std::isnan(z)) return kNaN;
  if (std::isinf(z)) return z > 0 ? 0.0 : 1.0;
  return bm::cdf(bm::complement(Normal(), z));
}

double NormalQuantile(double p) { return IsProbability(p) ? bm::quantile(Normal(), p) : kNaN; }

double NormalUpperQuantile(double q) {
  return IsProbability(q) ? bm::quantile(bm::complement(Normal(), q)) : kNaN;
}

double StudentTSf(double t, double df) {
  if (std::isnan(t) || !(df > 0.0)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  return bm::cdf(bm::complement(StudentT(df), t));
}

double StudentTUpperQuantile(double q, double df) {
  if (!IsProbability(q) || !(df > 0.0)) return kNaN;
  return bm::quantile(bm::complement(StudentT(df), q));
}

double ChiSquaredSf(double x, double df) {
  if (std::isnan(x) || !(df > 0.0)) return kNaN;
  if (x <= 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  return bm::cdf(bm::complement(ChiSquared(df), x));
}

}  // namespace assignd::analysis
