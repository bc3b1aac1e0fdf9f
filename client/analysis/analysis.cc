#include "client/analysis/analysis.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/analysis/aggregate.h"
#include "client/analysis/evaluate.h"
#include "client/analysis/safety_monitor.h"
#include "client/analysis/segment_analysis.h"

namespace assignd::analysis {
namespace {

absl::Status CheckOptions(const AnalysisOptions& o) {
  if (o.control == o.treatment) {
    return absl::InvalidArgumentError("control and treatment must be different variants");
  }
  if (!(o.alpha > 0.0 && o.alpha < 0.5)) {
    return absl::InvalidArgumentError(absl::StrCat("alpha must be in (0, 0.5), got ", o.alpha));
  }
  if (!(o.ni_margin >= 0.0 && o.ni_margin < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("non-inferiority margin must be in [0, 1), got ", o.ni_margin));
  }
  if (!(o.control_share > 0.0 && o.control_share < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("control share must be in (0, 1), got ", o.control_share));
  }
  if (!(o.planned_n_per_arm >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("planned n per arm must be positive, got ", o.planned_n_per_arm));
  }
  return absl::OkStatus();
}

// The overall decision, in order of precedence: a broken split invalidates everything; a safety
// stop overrides the targets; otherwise every target must pass.
void Decide(Report& r) {
  if (r.srm.mismatch) {
    r.decision = "INVALID";
    r.decision_detail = absl::StrFormat(
        "sample ratio mismatch (p = %.3g < %g): fix assignment or logging before reading results",
        r.srm.p_value, kSrmThreshold);
    return;
  }
  if (r.safety.stopped) {
    r.decision = "STOP";
    r.decision_detail = absl::StrCat("safety boundary crossed in the harmful direction on ",
                                     r.safety.first_harm_date, " by ",
                                     absl::StrJoin(r.safety.first_harm_metrics, ", "));
    return;
  }
  std::vector<std::string> failed;
  for (const MetricResult& m : r.metrics) {
    if (!m.verdict.pass) failed.push_back(m.metric->name);
  }
  r.decision = failed.empty() ? "PASS" : "FAIL";
  r.decision_detail = failed.empty()
                          ? absl::StrCat("all ", r.metrics.size(), " targets met")
                          : absl::StrCat(failed.size(), " of ", r.metrics.size(),
                                         " targets not met: ", absl::StrJoin(failed, ", "));
  const double t = r.safety.looks.empty() ? 0.0 : r.safety.looks.back().information_fraction;
  if (t < 1.0) {
    absl::StrAppend(&r.decision_detail,
                    absl::StrFormat("; interim: information fraction %.2f < 1, the plan decides "
                                    "after the full horizon",
                                    t));
  }
}

}  // namespace

absl::StatusOr<Report> Analyze(const DailyTable& table, const AnalysisOptions& options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  Report report;
  report.options = options;
  report.segment_columns = table.segment_columns;
  report.rows = table.rows.size();
  for (const DailyRow& row : table.rows) {
    if (report.first_date.empty() || row.date < report.first_date) report.first_date = row.date;
    report.last_date = std::max(report.last_date, row.date);
  }

  const ArmPair arms = Aggregate(table, options.control, options.treatment);
  report.impressions = {arms.control.impressions, arms.treatment.impressions};
  absl::StatusOr<SrmResult> srm =
      SampleRatioMismatch({static_cast<double>(arms.control.impressions),
                           static_cast<double>(arms.treatment.impressions)},
                          {options.control_share, 1.0 - options.control_share});
  if (!srm.ok()) return srm.status();
  report.srm = *srm;

  for (const MetricSpec& metric : PlanMetrics()) {
    MetricResult m = Evaluate(metric, arms, 1.0 - options.alpha);
    if (m.valid) {
      m.verdict = Judge(metric, m.comparison, m.p_value, options.alpha, options.ni_margin);
    }
    report.metrics.push_back(std::move(m));
  }

  if (absl::Status s = AnalyzeSegments(table, report); !s.ok()) return s;
  absl::StatusOr<SafetyResult> safety = MonitorSafety(table, options);
  if (!safety.ok()) return safety.status();
  report.safety = std::move(*safety);
  Decide(report);
  return report;
}

}  // namespace assignd::analysis
