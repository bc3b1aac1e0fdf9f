#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/analysis/comparison.h"
#include "client/analysis/metrics.h"
#include "client/analysis/srm.h"
#include "client/analysis/verdict.h"

// What `assignctl analyze run` computes: plain data, filled by analysis.h, printed by
// report_text.h and report_json.h.
namespace assignd::analysis {

struct AnalysisOptions {
  std::string source;  // shown in the report
  std::string control = "baseline";
  std::string treatment = "challenger_a";
  double alpha = 0.05;           // two-sided; CIs are at 1 - alpha
  double ni_margin = 0.01;       // relative non-inferiority margin for ">= / <= baseline"
  double control_share = 0.5;    // designed share of the control arm, for SRM
  double planned_n_per_arm = 0;  // impressions; 0 = from the plan's power assumptions
};

// The plan's power assumptions (baseline CTR 5%, +3% relative, alpha 0.05, power 0.8), which give
// the default planned n per arm.
inline constexpr double kPlanBaselineRate = 0.05;
inline constexpr double kPlanRelativeLift = 0.03;
inline constexpr double kPlanAlpha = 0.05;
inline constexpr double kPlanPower = 0.8;

struct MetricResult {
  const MetricSpec* metric = nullptr;
  bool valid = false;  // false: the test could not run (see `error`)
  std::string error;
  Comparison comparison;
  double p_value = 1;  // the p-value decided with: raw overall, Holm-adjusted for segments
  Verdict verdict;
};

struct ArmCounts {
  int64_t control = 0;
  int64_t treatment = 0;
};

struct SegmentResult {
  std::string column;
  std::string value;
  ArmCounts impressions;
  SrmResult srm;
  double srm_p_holm = 1;
  std::vector<MetricResult> metrics;  // PlanMetrics() order
};

struct SafetyLook {
  std::string date;
  double information_fraction = 0;  // cumulative n per arm / planned, not capped
  bool has_boundary = false;        // false after the look that reached t = 1
  double cumulative_alpha = 0;
  double boundary_z = 0;
  std::vector<double> z;             // per metric (PlanMetrics() order), NaN if not testable
  std::vector<std::string> harm;     // keys of metrics past the boundary in the harmful direction
  std::vector<std::string> benefit;  // ... in the good direction (informational)
};

struct SafetyResult {
  double planned_n_per_arm = 0;
  bool planned_from_plan = false;
  std::vector<SafetyLook> looks;
  bool stopped = false;  // a harm boundary was crossed at some look
  std::string first_harm_date;
  std::vector<std::string> first_harm_metrics;
};

struct Report {
  AnalysisOptions options;
  std::vector<std::string> segment_columns;
  size_t rows = 0;
  std::string first_date;
  std::string last_date;
  ArmCounts impressions;
  SrmResult srm;
  std::vector<MetricResult> metrics;
  size_t segment_family_size = 0;  // m of Holm and Bonferroni, per metric
  double segment_confidence = 0;   // 1 - alpha / m
  std::vector<SegmentResult> segments;
  SafetyResult safety;
  std::string decision;  // PASS / FAIL / INVALID (SRM) / STOP (safety)
  std::string decision_detail;
};

}  // namespace assignd::analysis
