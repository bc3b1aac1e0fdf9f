#include "client/analysis/report_json.h"

#include "client/analysis/json_writer.h"
#include "client/analysis/methods.h"

namespace assignd::analysis {
namespace {

const char* RuleName(TargetRule rule) {
  switch (rule) {
    case TargetRule::kRelativeLiftAtLeast:
      return "relative_lift_at_least";
    case TargetRule::kNotBelowBaseline:
      return "non_inferiority";
    case TargetRule::kNotAboveBaseline:
      return "non_superiority";
  }
  return "";
}

void Interval(JsonWriter& w, const char* key, const ::assignd::analysis::Interval& ci) {
  w.Key(key).BeginArray().Number(ci.low).Number(ci.high).EndArray();
}

void Arms(JsonWriter& w, const AnalysisOptions& o, const ArmCounts& counts) {
  w.Key("impressions").BeginObject();
  w.Field(o.control, counts.control).Field(o.treatment, counts.treatment);
  w.EndObject();
}

// `adjusted`: segment rows, whose decision p-value is Holm-adjusted.
void Metric(JsonWriter& w, const MetricResult& r, bool adjusted) {
  const MetricSpec& m = *r.metric;
  w.BeginObject();
  w.Field("key", m.key).Field("name", m.name).Field("plan_target", m.plan_target);
  w.Field("test", m.test == TestKind::kProportionZ ? "two_proportion_z" : "welch_t");
  w.Field("rule", RuleName(m.rule));
  if (m.rule == TargetRule::kRelativeLiftAtLeast) w.Field("target_relative_lift", m.target);
  w.Field("valid", r.valid);
  if (!r.valid) {
    w.Field("error", r.error);
  } else {
    const Comparison& c = r.comparison;
    w.Field("control", c.control).Field("treatment", c.treatment);
    w.Field("abs_delta", c.abs_delta);
    Interval(w, "abs_ci", c.abs_ci);
    w.Field("rel_delta", c.rel_delta);
    Interval(w, "rel_ci", c.rel_ci);
    w.Field("confidence", c.confidence);
    w.Field("statistic", c.statistic);
    w.Key("df");
    if (m.test == TestKind::kWelchT) {
      w.Number(c.df);
    } else {
      w.Null();
    }
    w.Field("p_value", c.p_value);
    if (adjusted) w.Field("p_holm", r.p_value);
    if (m.rule == TargetRule::kRelativeLiftAtLeast) {
      w.Field("ci_above_target", r.verdict.ci_above_target);
    }
  }
  w.Field("pass", r.verdict.pass).Field("reason", r.verdict.reason);
  w.EndObject();
}

void Safety(JsonWriter& w, const SafetyResult& s) {
  w.Key("safety").BeginObject();
  w.Field("planned_n_per_arm", s.planned_n_per_arm);
  w.Field("planned_from_plan", s.planned_from_plan);
  w.Field("stopped", s.stopped);
  w.Key("first_harm_date");
  if (s.stopped) {
    w.String(s.first_harm_date);
  } else {
    w.Null();
  }
  w.Key("looks").BeginArray();
  for (const SafetyLook& look : s.looks) {
    w.BeginObject();
    w.Field("date", look.date).Field("information_fraction", look.information_fraction);
    w.Key("cumulative_alpha");
    look.has_boundary ? w.Number(look.cumulative_alpha) : w.Null();
    w.Key("boundary_z");
    look.has_boundary ? w.Number(look.boundary_z) : w.Null();
    w.Key("z").BeginObject();
    for (size_t i = 0; i < look.z.size(); ++i) w.Field(PlanMetrics()[i].key, look.z[i]);
    w.EndObject();
    w.Key("harm").BeginArray();
    for (const std::string& k : look.harm) w.String(k);
    w.EndArray();
    w.Key("benefit").BeginArray();
    for (const std::string& k : look.benefit) w.String(k);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string FormatReportJson(const Report& r) {
  const AnalysisOptions& o = r.options;
  JsonWriter w;
  w.BeginObject();
  w.Field("source", o.source).Field("rows", static_cast<int64_t>(r.rows));
  w.Field("first_date", r.first_date).Field("last_date", r.last_date);
  w.Key("segment_columns").BeginArray();
  for (const std::string& c : r.segment_columns) w.String(c);
  w.EndArray();
  w.Field("control", o.control).Field("treatment", o.treatment);
  w.Field("alpha", o.alpha).Field("non_inferiority_margin", o.ni_margin);
  w.Field("decision", r.decision).Field("decision_detail", r.decision_detail);

  w.Key("srm").BeginObject();
  Arms(w, o, r.impressions);
  w.Field("expected_control_share", o.control_share);
  w.Field("chi_square", r.srm.chi_square).Field("df", r.srm.df).Field("p_value", r.srm.p_value);
  w.Field("threshold", kSrmThreshold).Field("mismatch", r.srm.mismatch);
  w.EndObject();

  w.Key("metrics").BeginArray();
  for (const MetricResult& m : r.metrics) Metric(w, m, false);
  w.EndArray();

  w.Key("segments").BeginObject();
  w.Field("correction", "holm");
  w.Field("family", "per metric, over all segment values");
  w.Field("family_size", static_cast<int64_t>(r.segment_family_size));
  w.Field("confidence", r.segment_confidence);
  w.Key("results").BeginArray();
  for (const SegmentResult& s : r.segments) {
    w.BeginObject();
    w.Field("column", s.column).Field("value", s.value);
    Arms(w, o, s.impressions);
    w.Key("srm").BeginObject();
    w.Field("chi_square", s.srm.chi_square).Field("p_value", s.srm.p_value);
    w.Field("p_holm", s.srm_p_holm);
    w.EndObject();
    w.Key("metrics").BeginArray();
    for (const MetricResult& m : s.metrics) Metric(w, m, true);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  Safety(w, r.safety);

  w.Key("methods").BeginObject();
  for (const auto& [key, text] : MethodNotes(r)) w.Field(key, text);
  w.EndObject();
  w.EndObject();
  return w.str() + "\n";
}

}  // namespace assignd::analysis
