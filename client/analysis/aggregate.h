#pragma once

#include <cstdint>
#include <functional>

#include "client/analysis/daily_csv.h"
#include "client/analysis/welch_test.h"

// Sums the daily rows of each arm (optionally only some rows: a segment, or the days up to a look).
namespace assignd::analysis {

struct ArmTotals {
  int64_t rows = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  int64_t adds = 0;
  int64_t purchases = 0;
  double revenue_sum = 0;
  double revenue_sum_sq = 0;
  int64_t personalised_recs = 0;
  int64_t out_of_stock_recs = 0;
  // Candidate coverage is a distinct count, which does not add across rows: each row contributes
  // one observation, 1000 * unique_candidates / impressions, to a per-row sample.
  SampleSums coverage_per_row;
};

struct ArmPair {
  ArmTotals control;
  ArmTotals treatment;
};

using RowFilter = std::function<bool(const DailyRow&)>;

// Rows whose variant is neither `control` nor `treatment`, or that `keep` rejects, are skipped.
ArmPair Aggregate(const DailyTable& table, const std::string& control, const std::string& treatment,
                  const RowFilter& keep = nullptr);

}  // namespace assignd::analysis
