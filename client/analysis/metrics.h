#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "client/analysis/aggregate.h"
#include "client/analysis/comparison.h"

// The six metrics of the experiment plan's targets table, and how each is estimated and tested.
//
// | metric             | estimate                              | test |
// |--------------------|---------------------------------------|-----------------------------------|
// | CTR                | clicks / impressions                  | two-proportion z (pooled) | |
// add-to-cart rate   | adds / impressions                    | two-proportion z (pooled)         |
// | revenue per mille  | 1000 * revenue_sum / impressions      | Welch t, per-impression revenue |
// | personalised share | personalised_recs / impressions       | two-proportion z (pooled) | |
// out-of-stock rate  | out_of_stock_recs / impressions       | two-proportion z (pooled)         |
// | candidate coverage | mean over rows of 1000*unique/impr    | Welch t, one observation per row |
namespace assignd::analysis {

enum class TargetRule {
  kRelativeLiftAtLeast,  // "+x% relative": significant improvement with lift >= target
  kNotBelowBaseline,     // ">= baseline": non-inferiority, relative CI low >= -margin
  kNotAboveBaseline,     // "<= baseline": non-superiority, relative CI high <= +margin
};

enum class TestKind { kProportionZ, kWelchT };

struct MetricSpec {
  const char* key;          // JSON key, e.g. "ctr"
  const char* name;         // for people, e.g. "CTR"
  const char* abbrev;       // column heading in narrow tables, e.g. "ATC"
  const char* plan_target;  // the plan's wording, e.g. "+3% relative"
  TestKind test;
  TargetRule rule;
  double target;  // relative lift for kRelativeLiftAtLeast, else unused
  bool higher_is_better;
  bool is_rate;  // shown in percent (rates) or as a number (per mille values)
};

// In the plan's table order: CTR, add-to-cart, RPM, personalised share, out-of-stock, coverage.
const std::vector<MetricSpec>& PlanMetrics();

// Estimates and tests `metric` between the arms, with CIs at `confidence`.
absl::StatusOr<Comparison> CompareMetric(const MetricSpec& metric, const ArmPair& arms,
                                         double confidence);

}  // namespace assignd::analysis
