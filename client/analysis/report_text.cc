#include "client/analysis/report_text.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/analysis/methods.h"

namespace assignd::analysis {
namespace {

// Estimates: rates in percent, per-mille values as plain numbers.
std::string Value(const MetricSpec& m, double x) {
  if (std::isnan(x)) return "n/a";
  return m.is_rate ? absl::StrFormat("%.4f%%", 100.0 * x) : absl::StrFormat("%.4f", x);
}

std::string AbsDelta(const MetricSpec& m, const Comparison& c) {
  const double k = m.is_rate ? 100.0 : 1.0;
  const char* unit = m.is_rate ? "pp" : "";
  return absl::StrFormat("%+.4f%s [%+.4f, %+.4f]", k * c.abs_delta, unit, k * c.abs_ci.low,
                         k * c.abs_ci.high);
}

std::string RelDelta(const Comparison& c) {
  if (std::isnan(c.rel_delta)) return "n/a";
  return absl::StrFormat("%+.2f%% [%+.2f%%, %+.2f%%]", 100.0 * c.rel_delta, 100.0 * c.rel_ci.low,
                         100.0 * c.rel_ci.high);
}

// 1234567 -> "1,234,567".
std::string Count(int64_t n) {
  const std::string digits = absl::StrCat(n);
  std::string out;
  const size_t sign = n < 0 ? 1 : 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > sign && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

const char* TestName(const MetricSpec& m) { return m.test == TestKind::kProportionZ ? "z" : "t"; }

void AppendMetricTable(std::string& out, const std::vector<MetricResult>& metrics,
                       const AnalysisOptions& o, const char* p_label, double confidence) {
  const std::string ci = absl::StrFormat("%.4g%% CI", 100.0 * confidence);
  absl::StrAppendFormat(&out, "  %-19s %-12s %-12s %-38s %-28s %-13s %-13s %s\n", "metric",
                        o.control, o.treatment, "abs delta [" + ci + "]", "rel delta [" + ci + "]",
                        p_label, "target", "verdict");
  for (const MetricResult& r : metrics) {
    const MetricSpec& m = *r.metric;
    if (!r.valid) {
      absl::StrAppendFormat(&out, "  %-19s %s: FAIL\n", m.name, r.verdict.reason);
      continue;
    }
    const Comparison& c = r.comparison;
    absl::StrAppendFormat(&out, "  %-19s %-12s %-12s %-38s %-28s %-13s %-13s %s\n", m.name,
                          Value(m, c.control), Value(m, c.treatment), AbsDelta(m, c), RelDelta(c),
                          absl::StrFormat("%.3g (%s)", r.p_value, TestName(m)), m.plan_target,
                          r.verdict.pass ? "PASS" : "FAIL");
  }
}

void AppendSafety(std::string& out, const Report& r) {
  const SafetyResult& s = r.safety;
  absl::StrAppendFormat(
      &out,
      "Sequential safety monitoring: one look per day on cumulative data, two-sided Lan-DeMets "
      "O'Brien-Fleming-type\nalpha spending (alpha %g per metric), information fraction t = "
      "impressions per arm / %s planned per arm (%s).\n",
      r.options.alpha, Count(static_cast<int64_t>(s.planned_n_per_arm)),
      s.planned_from_plan ? "the plan's power assumptions; set --planned-n-per-arm"
                          : "--planned-n-per-arm");
  absl::StrAppendFormat(&out, "  %-10s %6s %11s %8s", "date", "t", "alpha spent", "|z| >=");
  const std::vector<MetricSpec>& metrics = PlanMetrics();
  for (const MetricSpec& m : metrics) absl::StrAppendFormat(&out, " %7s", m.abbrev);
  out += "  crossed\n";
  for (const SafetyLook& look : s.looks) {
    absl::StrAppendFormat(&out, "  %-10s %6.3f", look.date, look.information_fraction);
    if (look.has_boundary) {
      absl::StrAppendFormat(&out, " %11.3g %8.3f", look.cumulative_alpha, look.boundary_z);
    } else {
      absl::StrAppendFormat(&out, " %11s %8s", "spent", "none");
    }
    for (double z : look.z) absl::StrAppendFormat(&out, " %+7.2f", z);
    std::vector<std::string> crossed;
    for (const std::string& k : look.harm) crossed.push_back(k + " HARM");
    for (const std::string& k : look.benefit) crossed.push_back(k + " better");
    if (crossed.empty()) crossed.push_back("-");
    absl::StrAppend(&out, "  ", absl::StrJoin(crossed, ", "), "\n");
  }
  if (s.stopped) {
    absl::StrAppend(&out, "  status: STOP - harm boundary crossed on ", s.first_harm_date, " by ",
                    absl::StrJoin(s.first_harm_metrics, ", "), "\n");
  } else {
    out += "  status: no harm boundary crossed\n";
  }
}

}  // namespace

std::string FormatReportText(const Report& r) {
  const AnalysisOptions& o = r.options;
  std::string out;
  absl::StrAppendFormat(
      &out, "Experiment analysis of %s: %d rows, %s..%s, segments: %s\n", o.source,
      static_cast<int>(r.rows), r.first_date, r.last_date,
      r.segment_columns.empty() ? "none" : absl::StrJoin(r.segment_columns, ", "));
  absl::StrAppendFormat(&out,
                        "control %s vs treatment %s; alpha %g two-sided; non-inferiority margin "
                        "%g%% relative\n\n",
                        o.control, o.treatment, o.alpha, 100.0 * o.ni_margin);
  absl::StrAppend(&out, "DECISION: ", r.decision, " - ", r.decision_detail, "\n\n");

  absl::StrAppendFormat(&out,
                        "Split (SRM): impressions %s %s, %s %s (expected %g/%g): chi2 %.4g, df "
                        "%g, p %.4g: %s (alarm if p < %g)\n\n",
                        o.control, Count(r.impressions.control), o.treatment,
                        Count(r.impressions.treatment), 100.0 * o.control_share,
                        100.0 * (1.0 - o.control_share), r.srm.chi_square, r.srm.df, r.srm.p_value,
                        r.srm.mismatch ? "MISMATCH" : "OK", kSrmThreshold);

  out += "Metrics (plan targets):\n";
  AppendMetricTable(out, r.metrics, o, "p (test)", 1.0 - o.alpha);
  for (const MetricResult& m : r.metrics) {
    absl::StrAppend(&out, "  - ", m.metric->name, ": ", m.verdict.pass ? "PASS" : "FAIL", ", ",
                    m.verdict.reason, "\n");
  }

  if (!r.segments.empty()) {
    absl::StrAppendFormat(&out,
                          "\nSegments: per metric, p-values Holm-adjusted over m = %d segment "
                          "values and CIs Bonferroni-widened to %.4g%%; verdicts use those.\n",
                          static_cast<int>(r.segment_family_size), 100.0 * r.segment_confidence);
    for (const SegmentResult& s : r.segments) {
      absl::StrAppendFormat(&out, "%s=%s: impressions %s / %s, SRM p %.3g (Holm %.3g)%s\n",
                            s.column, s.value, Count(s.impressions.control),
                            Count(s.impressions.treatment), s.srm.p_value, s.srm_p_holm,
                            s.srm_p_holm < kSrmThreshold ? " MISMATCH" : "");
      AppendMetricTable(out, s.metrics, o, "p (Holm)", r.segment_confidence);
    }
  }

  out += "\n";
  AppendSafety(out, r);

  out += "\nMethods:\n";
  for (const auto& [key, text] : MethodNotes(r)) absl::StrAppend(&out, "  ", key, ": ", text, "\n");
  return out;
}

}  // namespace assignd::analysis
