#include "client/analysis/metrics.h"

#include <string>

#include "client/analysis/proportion_test.h"
#include "client/analysis/welch_test.h"

namespace assignd::analysis {
namespace {

using Counter = int64_t ArmTotals::*;

Counter NumeratorOf(const MetricSpec& metric) {
  const std::string key = metric.key;
  if (key == "ctr") return &ArmTotals::clicks;
  if (key == "add_to_cart_rate") return &ArmTotals::adds;
  if (key == "personalised_share") return &ArmTotals::personalised_recs;
  return &ArmTotals::out_of_stock_recs;
}

// Welch on per-impression values, reported per 1000 impressions: scaling by a constant leaves t,
// df, p and the relative delta unchanged and multiplies means, deltas and their CIs.
Comparison ScaleMeans(Comparison c, double factor) {
  c.control *= factor;
  c.treatment *= factor;
  c.abs_delta *= factor;
  c.abs_ci.low *= factor;
  c.abs_ci.high *= factor;
  return c;
}

}  // namespace

const std::vector<MetricSpec>& PlanMetrics() {
  static const std::vector<MetricSpec> kMetrics = {
      {"ctr", "CTR", "CTR", "+3% relative", TestKind::kProportionZ,
       TargetRule::kRelativeLiftAtLeast, 0.03, true, true},
      {"add_to_cart_rate", "Add-to-cart rate", "ATC", ">= baseline", TestKind::kProportionZ,
       TargetRule::kNotBelowBaseline, 0, true, true},
      {"revenue_per_mille", "Revenue per mille", "RPM", "+2% relative", TestKind::kWelchT,
       TargetRule::kRelativeLiftAtLeast, 0.02, true, false},
      {"personalised_share", "Personalised share", "pers", ">= baseline", TestKind::kProportionZ,
       TargetRule::kNotBelowBaseline, 0, true, true},
      {"out_of_stock_rate", "Out-of-stock rate", "OOS", "<= baseline", TestKind::kProportionZ,
       TargetRule::kNotAboveBaseline, 0, false, true},
      {"candidate_coverage", "Candidate coverage", "cover", ">= baseline", TestKind::kWelchT,
       TargetRule::kNotBelowBaseline, 0, true, false},
  };
  return kMetrics;
}

absl::StatusOr<Comparison> CompareMetric(const MetricSpec& metric, const ArmPair& arms,
                                         double confidence) {
  const ArmTotals& c = arms.control;
  const ArmTotals& t = arms.treatment;
  if (metric.test == TestKind::kProportionZ) {
    const Counter num = NumeratorOf(metric);
    return TwoProportionZTest(c.*num, c.impressions, t.*num, t.impressions, confidence);
  }
  if (std::string(metric.key) == "revenue_per_mille") {
    absl::StatusOr<Comparison> per_impression = WelchTTest(
        {static_cast<double>(c.impressions), c.revenue_sum, c.revenue_sum_sq},
        {static_cast<double>(t.impressions), t.revenue_sum, t.revenue_sum_sq}, confidence);
    if (!per_impression.ok()) return per_impression.status();
    return ScaleMeans(*per_impression, 1000.0);
  }
  return WelchTTest(c.coverage_per_row, t.coverage_per_row, confidence);
}

}  // namespace assignd::analysis
