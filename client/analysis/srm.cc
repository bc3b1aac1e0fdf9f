#include "client/analysis/srm.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/analysis/distributions.h"

namespace assignd::analysis {

absl::StatusOr<SrmResult> SampleRatioMismatch(const std::vector<double>& observed,
                                              const std::vector<double>& expected_shares) {
  if (observed.size() < 2 || observed.size() != expected_shares.size()) {
    return absl::InvalidArgumentError("SRM needs one expected share per arm and at least 2 arms");
  }
  double total = 0.0;
  double share_sum = 0.0;
  for (size_t i = 0; i < observed.size(); ++i) {
    if (!(observed[i] >= 0.0) || !std::isfinite(observed[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("SRM count ", i, " is negative: ", observed[i]));
    }
    if (!(expected_shares[i] > 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("SRM expected share ", i, " must be positive: ", expected_shares[i]));
    }
    total += observed[i];
    share_sum += expected_shares[i];
  }
  if (std::fabs(share_sum - 1.0) > 1e-9) {
    return absl::InvalidArgumentError(absl::StrCat("SRM expected shares sum to ", share_sum));
  }
  if (!(total > 0.0)) return absl::InvalidArgumentError("SRM needs a positive total count");

  SrmResult r;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double expected = expected_shares[i] * total;
    const double diff = observed[i] - expected;
    r.chi_square += diff * diff / expected;
  }
  r.df = static_cast<double>(observed.size() - 1);
  r.p_value = ChiSquaredSf(r.chi_square, r.df);
  r.mismatch = r.p_value < kSrmThreshold;
  return r;
}

}  // namespace assignd::analysis
