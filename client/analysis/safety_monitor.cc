#include "client/analysis/safety_monitor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "client/analysis/aggregate.h"
#include "client/analysis/distributions.h"
#include "client/analysis/evaluate.h"
#include "client/analysis/power.h"
#include "client/analysis/sequential.h"

namespace assignd::analysis {
namespace {

// A z-statistic for any of the tests: z itself, or the z with the same two-sided p for a t.
double ZEquivalent(const MetricResult& r) {
  if (!r.valid) return std::nan("");
  const Comparison& c = r.comparison;
  if (r.metric->test == TestKind::kProportionZ) return c.statistic;
  if (c.p_value >= 1.0) return 0.0;
  const double magnitude = c.p_value <= 0.0 ? std::numeric_limits<double>::infinity()
                                            : NormalUpperQuantile(c.p_value / 2);
  return std::copysign(magnitude, c.statistic);
}

}  // namespace

absl::StatusOr<SafetyResult> MonitorSafety(const DailyTable& table, const AnalysisOptions& o) {
  SafetyResult out;
  out.planned_n_per_arm = o.planned_n_per_arm;
  if (out.planned_n_per_arm <= 0) {
    absl::StatusOr<double> n =
        SampleSizePerArm({kPlanBaselineRate, kPlanRelativeLift, kPlanAlpha}, kPlanPower);
    if (!n.ok()) return n.status();
    out.planned_n_per_arm = std::ceil(*n);
    out.planned_from_plan = true;
  }

  std::set<std::string> dates;
  for (const DailyRow& r : table.rows) dates.insert(r.date);

  std::vector<double> fractions;  // of the looks that get a boundary
  for (const std::string& date : dates) {
    const ArmPair arms =
        Aggregate(table, o.control, o.treatment, [&](const DailyRow& r) { return r.date <= date; });
    SafetyLook look;
    look.date = date;
    look.information_fraction =
        static_cast<double>(arms.control.impressions + arms.treatment.impressions) / 2.0 /
        out.planned_n_per_arm;
    const bool final_reached = !fractions.empty() && fractions.back() >= 1.0;
    if (!final_reached) {
      fractions.push_back(std::min(look.information_fraction, 1.0));
      look.has_boundary = true;
    }
    for (const MetricSpec& metric : PlanMetrics()) {
      look.z.push_back(ZEquivalent(Evaluate(metric, arms, 1.0 - o.alpha)));
    }
    out.looks.push_back(std::move(look));
  }

  absl::StatusOr<std::vector<SequentialBoundary>> boundaries =
      LanDeMetsBoundaries(fractions, o.alpha);
  if (!boundaries.ok()) return boundaries.status();
  for (size_t k = 0; k < fractions.size(); ++k) {
    SafetyLook& look = out.looks[k];
    look.cumulative_alpha = (*boundaries)[k].cumulative_alpha;
    look.boundary_z = (*boundaries)[k].z;
    for (size_t i = 0; i < PlanMetrics().size(); ++i) {
      const MetricSpec& metric = PlanMetrics()[i];
      const double z = look.z[i];
      if (std::isnan(z) || std::fabs(z) < look.boundary_z) continue;
      const bool harmful = (z < 0) == metric.higher_is_better;
      (harmful ? look.harm : look.benefit).push_back(metric.key);
    }
    if (!look.harm.empty() && !out.stopped) {
      out.stopped = true;
      out.first_harm_date = look.date;
      out.first_harm_metrics = look.harm;
    }
  }
  return out;
}

}  // namespace assignd::analysis
