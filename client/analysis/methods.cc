#include "client/analysis/methods.h"

#include "absl/strings/str_format.h"

namespace assignd::analysis {

std::vector<std::pair<std::string, std::string>> MethodNotes(const Report& r) {
  const AnalysisOptions& o = r.options;
  const double level = 100.0 * (1.0 - o.alpha);
  return {
      {"proportions",
       absl::StrFormat("CTR, add-to-cart, personalised share, out-of-stock: two-sample z-test, "
                       "pooled standard error for the test, unpooled (Wald) for the %g%% CI",
                       level)},
      {"means",
       "revenue per mille: Welch t-test on per-impression revenue from sums and sums of squares "
       "(Welch-Satterthwaite df); candidate coverage: Welch t-test with one observation per CSV "
       "row (1000 * unique_candidates / impressions)"},
      {"relative_ci",
       "relative delta CI by the delta method (not Fieller), same critical value as the absolute "
       "CI"},
      {"verdict",
       absl::StrFormat("'+x%% relative': PASS iff p < %g and relative lift >= x; '>= baseline': "
                       "PASS iff relative CI low >= -%g; '<= baseline': PASS iff relative CI "
                       "high <= +%g (non-inferiority margin, --ni-margin)",
                       o.alpha, o.ni_margin, o.ni_margin)},
      {"srm",
       absl::StrFormat("Pearson chi-square goodness of fit of impressions against %g/%g, alarm "
                       "at p < %g",
                       100.0 * o.control_share, 100.0 * (1.0 - o.control_share), kSrmThreshold)},
      {"segments",
       absl::StrFormat("per metric, Holm-adjusted p-values over the m = %d segment values; CIs "
                       "Bonferroni-widened to %.4g%%",
                       static_cast<int>(r.segment_family_size), 100.0 * r.segment_confidence)},
      {"sequential",
       absl::StrFormat("daily looks on cumulative data against a two-sided symmetric "
                       "Lan-DeMets O'Brien-Fleming-type alpha-spending boundary (each side "
                       "spends 2 - 2 Phi(z_{1-alpha/4} / sqrt(t)), as gsDesign sfLDOF), alpha %g "
                       "per metric; "
                       "information fraction t = impressions per arm / planned %.0f per arm (%s)",
                       o.alpha, r.safety.planned_n_per_arm,
                       r.safety.planned_from_plan ? "from the plan's power assumptions"
                                                  : "--planned-n-per-arm")},
  };
}

}  // namespace assignd::analysis
