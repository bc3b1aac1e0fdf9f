#include "client/analysis/multiple_testing.h"

#include <algorithm>
#include <cmath>

namespace assignd::analysis {

std::vector<double> HolmAdjust(const std::vector<double>& p_values) {
  std::vector<double> adjusted(p_values.size(), std::nan(""));
  std::vector<size_t> order;
  for (size_t i = 0; i < p_values.size(); ++i) {
    if (!std::isnan(p_values[i])) order.push_back(i);
  }
  // Stable so that ties keep input order, which makes the output deterministic.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  const double m = static_cast<double>(order.size());
  double running_max = 0.0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const double scaled = (m - static_cast<double>(rank)) * p_values[order[rank]];
    running_max = std::max(running_max, std::min(1.0, scaled));
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

}  // namespace assignd::analysis
