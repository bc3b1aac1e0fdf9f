#pragma once

#include <vector>

// Holm-Bonferroni step-down adjustment, used for the segment cuts. It controls the family-wise
// error rate (the chance of any false "significant" segment) at alpha under any dependence
// between the tests, which suits overlapping segments (a row is in one segment per column).
// With p sorted ascending p_(1) <= ... <= p_(m):
//   adj_(i) = min(1, max_{j <= i} (m - j + 1) * p_(j))
// returned in the input order (statsmodels multipletests(method="holm")). NaN p-values (tests that
// could not run) are left NaN and do not count in m.
namespace assignd::analysis {

std::vector<double> HolmAdjust(const std::vector<double>& p_values);

}  // namespace assignd::analysis
