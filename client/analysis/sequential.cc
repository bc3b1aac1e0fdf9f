#include "client/analysis/sequential.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/analysis/distributions.h"

namespace assignd::analysis {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Z-statistics are N(0, 1) under H0; mass beyond 10 (1.5e-23) cannot move a boundary.
constexpr double kGridLimit = 10.0;

// The sub-density of Z_{k} on the continuation region (-c, c) of every look so far, sampled on an
// odd number of equally spaced points, with the Simpson weights to integrate it.
struct Density {
  std::vector<double> z;
  std::vector<double> value;
  std::vector<double> weight;  // Simpson weight * value, what the integrals need
};

std::vector<double> Grid(double half_width, double max_step) {
  const int intervals = 2 * std::max(8, static_cast<int>(std::ceil(half_width / max_step / 2.0)));
  std::vector<double> grid(intervals + 1);
  for (int i = 0; i <= intervals; ++i) {
    grid[i] = -half_width + 2.0 * half_width * i / intervals;
  }
  return grid;
}

void SetWeights(Density& d) {
  const size_t n = d.z.size();
  const double h = (d.z.back() - d.z.front()) / static_cast<double>(n - 1);
  d.weight.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double simpson = (i == 0 || i == n - 1) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
    d.weight[i] = simpson * h / 3.0 * d.value[i];
  }
}

// Grid step for the density after look k. The next look integrates it against a kernel of width
// sqrt(t_{k+1} - t_k) / sqrt(t_k) in z; 30 points per width keep Simpson's rule accurate to ~1e-9.
double NextStep(const std::vector<double>& fractions, size_t k) {
  if (k + 1 >= fractions.size()) return 0.05;  // no later look integrates it
  const double width = std::sqrt((fractions[k + 1] - fractions[k]) / fractions[k]);
  return std::min(0.01, width / 30.0);
}

double NormalPdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }

// P(|Z_k| >= c and no earlier crossing), given the previous look's density.
double CrossingProbability(const Density& prev, double c, double root_t_prev, double root_t,
                           double root_delta) {
  double total = 0.0;
  for (size_t i = 0; i < prev.z.size(); ++i) {
    const double shift = prev.z[i] * root_t_prev;
    total += prev.weight[i] * (NormalCdf((-c * root_t - shift) / root_delta) +
                               NormalSf((c * root_t - shift) / root_delta));
  }
  return total;
}

}  // namespace

double OBrienFlemingSpending(double t, double alpha) {
  if (t <= 0.0) return 0.0;
  if (t >= 1.0) return alpha;  // exactly, not 4 * Phi(...) rounded
  return 4.0 * NormalSf(NormalUpperQuantile(alpha / 4.0) / std::sqrt(t));
}

absl::StatusOr<std::vector<SequentialBoundary>> LanDeMetsBoundaries(
    const std::vector<double>& fractions, double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat("alpha must be in (0, 1), got ", alpha));
  }
  for (size_t k = 0; k < fractions.size(); ++k) {
    const double previous = k == 0 ? 0.0 : fractions[k - 1];
    if (!(fractions[k] > previous && fractions[k] <= 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("information fractions must increase strictly within (0, 1]; look ", k + 1,
                       " has ", fractions[k], " after ", previous));
    }
  }

  std::vector<SequentialBoundary> out;
  Density density;
  double spent = 0.0;
  for (size_t k = 0; k < fractions.size(); ++k) {
    const double t = fractions[k];
    const double cumulative = OBrienFlemingSpending(t, alpha);
    const double increment = cumulative - spent;
    SequentialBoundary b{t, cumulative, kInf};

    if (k == 0) {
      if (increment > 0.0) b.z = NormalUpperQuantile(increment / 2.0);
      density.z = Grid(std::min(b.z, kGridLimit), NextStep(fractions, k));
      density.value.resize(density.z.size());
      for (size_t i = 0; i < density.z.size(); ++i) density.value[i] = NormalPdf(density.z[i]);
    } else {
      const double t_prev = fractions[k - 1];
      const double root_t_prev = std::sqrt(t_prev);
      const double root_t = std::sqrt(t);
      const double root_delta = std::sqrt(t - t_prev);
      SetWeights(density);
      if (increment > 0.0) {
        // P(crossing) falls from the continuation mass at c = 0 to 0 as c grows: bisect.
        double low = 0.0;
        double high = 40.0;
        for (int i = 0; i < 200 && high - low > 1e-14; ++i) {
          const double mid = 0.5 * (low + high);
          (CrossingProbability(density, mid, root_t_prev, root_t, root_delta) > increment ? low
                                                                                          : high) =
              mid;
        }
        b.z = 0.5 * (low + high);
      }
      if (k + 1 == fractions.size()) {
        out.push_back(b);
        break;
      }
      // The density at this look, on the continuation region: convolve with the increment.
      std::vector<double> z = Grid(std::min(b.z, kGridLimit), NextStep(fractions, k));
      std::vector<double> value(z.size());
      for (size_t j = 0; j < z.size(); ++j) {
        double sum = 0.0;
        for (size_t i = 0; i < density.z.size(); ++i) {
          sum += density.weight[i] *
                 NormalPdf((z[j] * root_t - density.z[i] * root_t_prev) / root_delta);
        }
        value[j] = sum * root_t / root_delta;
      }
      density.z = std::move(z);
      density.value = std::move(value);
    }
    spent = cumulative;
    out.push_back(b);
  }
  return out;
}

}  // namespace assignd::analysis
