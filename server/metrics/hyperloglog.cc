#include "server/metrics/hyperloglog.h"

#include <cmath>
#include <limits>

namespace assignd::metrics {
namespace {

// Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for the share of empty registers.
double Sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  while (true) {
    x *= x;
    const double previous = z;
    z += x * y;
    y += y;
    if (z == previous) return z;
  }
}

// Ertl's tau(x) = 1/3 (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k), for saturated registers.
double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  while (true) {
    x = std::sqrt(x);
    const double previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
    if (z == previous) return z / 3.0;
  }
}

}  // namespace

double HyperLogLog::Estimate() const {
  std::array<int, kMaxRank + 1> histogram{};  // registers by value 0..q+1
  for (const std::atomic<uint8_t>& reg : registers_) {
    ++histogram[reg.load(std::memory_order_relaxed)];
  }
  constexpr double m = static_cast<double>(kRegisters);
  double z = m * Tau(1.0 - histogram[kMaxRank] / m);
  for (int k = kMaxRank - 1; k >= 1; --k) z = 0.5 * (z + histogram[static_cast<size_t>(k)]);
  z += m * Sigma(histogram[0] / m);
  const double alpha_infinity = 1.0 / (2.0 * std::log(2.0));
  return alpha_infinity * m * m / z;
}

}  // namespace assignd::metrics
