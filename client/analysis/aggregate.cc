#include "client/analysis/aggregate.h"

namespace assignd::analysis {
namespace {

void Add(const DailyRow& r, ArmTotals& t) {
  ++t.rows;
  t.impressions += r.impressions;
  t.clicks += r.clicks;
  t.adds += r.adds;
  t.purchases += r.purchases;
  t.revenue_sum += r.revenue_sum;
  t.revenue_sum_sq += r.revenue_sum_sq;
  t.personalised_recs += r.personalised_recs;
  t.out_of_stock_recs += r.out_of_stock_recs;
  const double coverage =
      1000.0 * static_cast<double>(r.unique_candidates) / static_cast<double>(r.impressions);
  t.coverage_per_row.n += 1.0;
  t.coverage_per_row.sum += coverage;
  t.coverage_per_row.sum_sq += coverage * coverage;
}

}  // namespace

ArmPair Aggregate(const DailyTable& table, const std::string& control, const std::string& treatment,
                  const RowFilter& keep) {
  ArmPair out;
  for (const DailyRow& r : table.rows) {
    if (keep && !keep(r)) continue;
    if (r.variant == control) {
      Add(r, out.control);
    } else if (r.variant == treatment) {
      Add(r, out.treatment);
    }
  }
  return out;
}

}  // namespace assignd::analysis
