#pragma once

#include <vector>

#include "absl/status/statusor.h"

// Group-sequential boundaries for daily safety looks, so that checking every day does not inflate
// the false-alarm rate: the chance of crossing a boundary at any look, when nothing differs,
// stays at most alpha.
//
// Spending: Lan-DeMets O'Brien-Fleming-type (Lan & DeMets 1983), two-sided and symmetric, each
// side spending the one-sided function at alpha/2:
//   per side  a(t) = 2 - 2 * Phi(z_{1 - alpha/4} / sqrt(t)),   total alpha(t) = 2 * a(t)
// with t the information fraction in (0, 1] (alpha(1) = alpha; almost nothing is spent early, so
// early boundaries are very wide). This is gsDesign's sfLDOF with test.type = 2 and alpha/2 per
// side: five equally spaced looks at alpha = 0.05 give 4.877, 3.357, 2.680, 2.290, 2.031.
// The caller defines t; the analysis uses t = current n per arm / planned n per arm.
//
// Boundaries: symmetric |Z_k| >= c_k, with c_k chosen so that P0(first crossing at look k) =
// alpha(t_k) - alpha(t_{k-1}) under the canonical joint distribution of the cumulative z-statistics
// (Z_k sqrt(t_k) is Brownian motion in t). c_1 = z_{1 - alpha(t_1)/2} exactly; later looks use
// the recursive numerical integration of Armitage, McPherson & Rowe (1969) (Jennison & Turnbull
// 2000, ch. 19) with composite Simpson rules, accurate to about 1e-8 in c_k.
namespace assignd::analysis {

// Total two-sided alpha(t) above; t is clamped to [0, 1].
double OBrienFlemingSpending(double t, double alpha);

struct SequentialBoundary {
  double information_fraction = 0;
  double cumulative_alpha = 0;  // alpha(t_k)
  double z = 0;                 // c_k; +inf when this look spends nothing
};

// `fractions` strictly increasing in (0, 1]; alpha in (0, 1).
absl::StatusOr<std::vector<SequentialBoundary>> LanDeMetsBoundaries(
    const std::vector<double>& fractions, double alpha);

}  // namespace assignd::analysis
