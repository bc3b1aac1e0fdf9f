#pragma once

#include "client/analysis/aggregate.h"
#include "client/analysis/report.h"

// One metric on one slice of the data, before any verdict: the comparison, or why there is none.
namespace assignd::analysis {

// p_value is set to the test's own p-value; the verdict is left for the caller, who knows which
// p-value (raw or adjusted) decides.
MetricResult Evaluate(const MetricSpec& metric, const ArmPair& arms, double confidence);

}  // namespace assignd::analysis
