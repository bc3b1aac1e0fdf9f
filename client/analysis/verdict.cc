#include "client/analysis/verdict.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace assignd::analysis {
namespace {

std::string Percent(double x) { return absl::StrFormat("%+.2f%%", 100.0 * x); }

}  // namespace

Verdict Judge(const MetricSpec& metric, const Comparison& c, double p_value, double alpha,
              double margin) {
  Verdict v;
  if (std::isnan(c.rel_delta) || std::isnan(c.rel_ci.low) || std::isnan(c.rel_ci.high)) {
    v.reason = "relative delta undefined (control estimate is 0)";
    return v;
  }
  switch (metric.rule) {
    case TargetRule::kRelativeLiftAtLeast: {
      v.ci_above_target = c.rel_ci.low >= metric.target;
      const bool significant = p_value < alpha;
      if (significant && c.rel_delta >= metric.target) {
        v.pass = true;
        v.reason = absl::StrFormat("significant (p %.3g < %g), lift %s >= %s", p_value, alpha,
                                   Percent(c.rel_delta), Percent(metric.target));
      } else if (significant && c.rel_delta < 0) {
        v.reason =
            absl::StrFormat("significant decrease %s (p %.3g)", Percent(c.rel_delta), p_value);
      } else if (significant) {
        v.reason = absl::StrFormat("significant, but lift %s < %s target", Percent(c.rel_delta),
                                   Percent(metric.target));
      } else {
        v.reason = absl::StrFormat("not significant (p %.3g >= %g)", p_value, alpha);
      }
      break;
    }
    case TargetRule::kNotBelowBaseline:
      v.pass = c.rel_ci.low >= -margin;
      v.reason = absl::StrFormat("CI low %s %s %s (non-inferiority margin)", Percent(c.rel_ci.low),
                                 v.pass ? ">=" : "<", Percent(-margin));
      break;
    case TargetRule::kNotAboveBaseline:
      v.pass = c.rel_ci.high <= margin;
      v.reason = absl::StrFormat("CI high %s %s %s (non-inferiority margin)",
                                 Percent(c.rel_ci.high), v.pass ? "<=" : ">", Percent(margin));
      break;
  }
  return v;
}

}  // namespace assignd::analysis
