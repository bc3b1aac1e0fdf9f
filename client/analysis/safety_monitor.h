#pragma once

#include "absl/status/statusor.h"
#include "client/analysis/daily_csv.h"
#include "client/analysis/report.h"

// Daily sequential safety monitoring (plan, Analysis 2). One look per date, on the cumulative data
// up to and including that date. Each look's z-statistic per metric (the z-test's z; for Welch
// tests the normal quantile of the two-sided p, signed) is compared with the two-sided
// Lan-DeMets O'Brien-Fleming-type boundary (sequential.h), alpha = options.alpha per metric.
//
// Information fraction t = cumulative impressions per arm (mean of the two arms) / planned
// impressions per arm (--planned-n-per-arm; default: the plan's power calculation). Looks with
// t >= 1: the first is the final look (t taken as 1, all alpha spent); later looks get no boundary.
//
// A crossing in the harmful direction (e.g. CTR down, out-of-stock up) is a safety stop; a crossing
// in the good direction is reported but, as the plan says, the decision waits for the full horizon.
namespace assignd::analysis {

absl::StatusOr<SafetyResult> MonitorSafety(const DailyTable& table, const AnalysisOptions& options);

}  // namespace assignd::analysis
