#pragma once

#include "absl/status/statusor.h"
#include "client/analysis/daily_csv.h"
#include "client/analysis/report.h"

// The whole `assignctl analyze run`: the plan's metrics overall and per segment, the SRM check and
// the daily sequential safety monitor, turned into one decision. Pure computation.
namespace assignd::analysis {

absl::StatusOr<Report> Analyze(const DailyTable& table, const AnalysisOptions& options);

}  // namespace assignd::analysis
