#include "client/analysis/segment_analysis.h"

#include <set>

#include "client/analysis/aggregate.h"
#include "client/analysis/evaluate.h"
#include "client/analysis/multiple_testing.h"

namespace assignd::analysis {

absl::Status AnalyzeSegments(const DailyTable& table, Report& report) {
  const AnalysisOptions& o = report.options;
  for (size_t column = 0; column < table.segment_columns.size(); ++column) {
    std::set<std::string> values;
    for (const DailyRow& r : table.rows) values.insert(r.segments[column]);
    for (const std::string& value : values) {
      SegmentResult s;
      s.column = table.segment_columns[column];
      s.value = value;
      report.segments.push_back(std::move(s));
    }
  }
  const size_t m = report.segments.size();
  report.segment_family_size = m;
  report.segment_confidence = m == 0 ? 1.0 - o.alpha : 1.0 - o.alpha / static_cast<double>(m);
  if (m == 0) return absl::OkStatus();

  size_t column = 0;
  for (SegmentResult& s : report.segments) {
    while (table.segment_columns[column] != s.column) ++column;
    const ArmPair arms = Aggregate(table, o.control, o.treatment, [&](const DailyRow& r) {
      return r.segments[column] == s.value;
    });
    s.impressions = {arms.control.impressions, arms.treatment.impressions};
    absl::StatusOr<SrmResult> srm =
        SampleRatioMismatch({static_cast<double>(arms.control.impressions),
                             static_cast<double>(arms.treatment.impressions)},
                            {o.control_share, 1.0 - o.control_share});
    if (!srm.ok()) return srm.status();
    s.srm = *srm;
    for (const MetricSpec& metric : PlanMetrics()) {
      s.metrics.push_back(Evaluate(metric, arms, report.segment_confidence));
    }
  }

  std::vector<double> srm_p;
  for (const SegmentResult& s : report.segments) srm_p.push_back(s.srm.p_value);
  const std::vector<double> srm_adjusted = HolmAdjust(srm_p);
  for (size_t i = 0; i < m; ++i) report.segments[i].srm_p_holm = srm_adjusted[i];

  for (size_t k = 0; k < PlanMetrics().size(); ++k) {
    std::vector<double> raw;
    for (const SegmentResult& s : report.segments) raw.push_back(s.metrics[k].p_value);
    const std::vector<double> adjusted = HolmAdjust(raw);
    for (size_t i = 0; i < m; ++i) {
      MetricResult& r = report.segments[i].metrics[k];
      if (!r.valid) continue;
      r.p_value = adjusted[i];
      r.verdict = Judge(*r.metric, r.comparison, r.p_value, o.alpha, o.ni_margin);
    }
  }
  return absl::OkStatus();
}

}  // namespace assignd::analysis
