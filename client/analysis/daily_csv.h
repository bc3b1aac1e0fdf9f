#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

// Reader for the daily aggregates (the shape of experiments.blend_weights_daily): one row per
// date, variant and segment combination. Required columns, in any order:
//
//   date (YYYY-MM-DD), variant, impressions, clicks, adds, purchases, revenue_sum, revenue_sumsq,
//   personalised_recs, out_of_stock_recs, unique_candidates
//
// Every other column is a segment column (e.g. user_type, device_type, surface). Counts are whole
// numbers >= 0; impressions > 0; clicks, adds, personalised_recs and out_of_stock_recs <=
// impressions (they are proportions of impressions). revenue_sum is the revenue attributed to the
// row's impressions and revenue_sumsq the sum of squares of the per-impression revenue (impressions
// without revenue count as 0), so revenue_sumsq >= revenue_sum^2 / impressions.
//
// Plain comma-separated values: no quoting, surrounding blanks ignored, blank lines skipped.
// Errors name the source, the row (the file's line number: the header is row 1, as a spreadsheet
// shows it) and the column: `daily.csv: row 7, column "clicks": negative count -3`.
namespace assignd::analysis {

struct DailyRow {
  int row = 0;  // line number in the source
  std::string date;
  std::string variant;
  std::vector<std::string> segments;  // values, in DailyTable::segment_columns order
  int64_t impressions = 0;
  int64_t clicks = 0;
  int64_t adds = 0;
  int64_t purchases = 0;
  double revenue_sum = 0;
  double revenue_sum_sq = 0;
  int64_t personalised_recs = 0;
  int64_t out_of_stock_recs = 0;
  int64_t unique_candidates = 0;
};

struct DailyTable {
  std::vector<std::string> segment_columns;
  std::vector<DailyRow> rows;
};

// `variants`: the accepted variant names (control and treatment); any other is an error.
absl::StatusOr<DailyTable> ParseDailyCsv(const std::string& text, const std::string& source,
                                         const std::vector<std::string>& variants);

// Reads `path` ("-" = stdin) and parses it; errors are prefixed with the path.
absl::StatusOr<DailyTable> ReadDailyCsv(const std::string& path,
                                        const std::vector<std::string>& variants);

}  // namespace assignd::analysis
