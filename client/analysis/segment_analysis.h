#pragma once

#include "absl/status/statusor.h"
#include "client/analysis/daily_csv.h"
#include "client/analysis/report.h"

// The plan's segment cuts: every value of every segment column (new vs returning, device type,
// surface, ...), each analysed like the whole experiment.
//
// Multiple comparisons, per metric: the family is that metric across all m segment values (e.g.
// m = 7 for user_type x2, device_type x2, surface x3). p-values are Holm-adjusted within the
// family (controls the family-wise error rate at alpha); CIs are Bonferroni-widened to
// 1 - alpha/m, since Holm has no matching intervals. Verdicts use the same rules as overall with
// those p-values and CIs. The per-segment SRM p-values form one more family, also Holm-adjusted.
namespace assignd::analysis {

// Fills report.segments, segment_family_size and segment_confidence.
absl::Status AnalyzeSegments(const DailyTable& table, Report& report);

}  // namespace assignd::analysis
