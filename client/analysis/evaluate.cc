#include "client/analysis/evaluate.h"

#include <cmath>

namespace assignd::analysis {

MetricResult Evaluate(const MetricSpec& metric, const ArmPair& arms, double confidence) {
  MetricResult r;
  r.metric = &metric;
  absl::StatusOr<Comparison> c = CompareMetric(metric, arms, confidence);
  if (!c.ok()) {
    r.error = std::string(c.status().message());
    r.p_value = std::nan("");
    r.verdict.reason = "not testable: " + r.error;
    return r;
  }
  r.valid = true;
  r.comparison = *c;
  r.p_value = c->p_value;
  return r;
}

}  // namespace assignd::analysis
