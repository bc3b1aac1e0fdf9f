#include "client/assignctl_analyze.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/analysis/analysis.h"
#include "client/analysis/daily_csv.h"
#include "client/analysis/power.h"
#include "client/analysis/report_json.h"
#include "client/analysis/report_text.h"

namespace assignd::client {
namespace {

namespace an = ::assignd::analysis;

constexpr char kUsage[] =
    "usage:\n"
    "  assignctl analyze power --baseline-rate P --relative-lift L [--alpha 0.05] [--power 0.8]\n"
    "      sample size per arm of a two-sided two-proportion z-test\n"
    "  assignctl analyze power --baseline-rate P --n N [--alpha 0.05] [--power 0.8]\n"
    "      smallest relative lift detectable with N units per arm\n"
    "  assignctl analyze run --input daily.csv [--json] [--control baseline]\n"
    "      [--treatment challenger_a] [--planned-n-per-arm N] [--alpha 0.05] [--ni-margin 0.01]\n"
    "      [--control-share 0.5]\n"
    "      the plan's metrics, SRM, segments and daily safety monitoring over daily aggregates\n"
    "Flags may use '-' or '_' and '--flag=value' or '--flag value'. Exit: 0 done, 1 error, 2 "
    "usage.";

int Usage(const std::string& problem) {
  std::cerr << "assignctl analyze: " << problem << "\n" << kUsage << "\n";
  return 2;
}

int Fail(const absl::Status& status) {
  std::cerr << "assignctl analyze: " << status.message() << "\n";
  return 1;
}

// Parsed --name[=value] flags: names normalised to dashes; boolean flags have no value.
class Flags {
 public:
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args,
                                     const std::set<std::string>& valued,
                                     const std::set<std::string>& boolean) {
    Flags f;
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg.rfind("--", 0) != 0) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
      }
      std::string name = arg.substr(2);
      std::optional<std::string> value;
      if (const size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      std::replace(name.begin(), name.end(), '_', '-');
      if (boolean.count(name)) {
        if (value && *value != "true" && *value != "false") {
          return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
        }
        f.values_[name] = value.value_or("true");
        continue;
      }
      if (!valued.count(name)) {
        return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
      }
      if (!value) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
        }
        value = args[++i];
      }
      f.values_[name] = *value;
    }
    return f;
  }

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string String(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  bool Bool(const std::string& name) const { return String(name, "false") == "true"; }
  absl::StatusOr<double> Number(const std::string& name, double fallback) const {
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    double v = 0;
    if (!absl::SimpleAtod(it->second, &v) || !std::isfinite(v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, ": not a number: \"", it->second, "\""));
    }
    return v;
  }

 private:
  std::map<std::string, std::string> values_;
};

int RunPower(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(args, {"baseline-rate", "relative-lift", "alpha", "power", "n"}, {});
  if (!flags.ok()) return Usage(std::string(flags.status().message()));
  if (!flags->Has("baseline-rate")) return Usage("power needs --baseline-rate");
  if (flags->Has("relative-lift") == flags->Has("n")) {
    return Usage("power needs exactly one of --relative-lift (gives n) and --n (gives the lift)");
  }
  absl::StatusOr<double> rate = flags->Number("baseline-rate", 0);
  absl::StatusOr<double> lift = flags->Number("relative-lift", 0);
  absl::StatusOr<double> alpha = flags->Number("alpha", 0.05);
  absl::StatusOr<double> power = flags->Number("power", 0.8);
  absl::StatusOr<double> n = flags->Number("n", 0);
  for (const auto* v : {&rate, &lift, &alpha, &power, &n}) {
    if (!v->ok()) return Usage(std::string(v->status().message()));
  }
  const an::ProportionPowerInputs in{*rate, *lift, *alpha};
  const std::string method =
      "two-sided two-sample z-test for proportions, normal approximation without continuity "
      "correction:\n  n = (z_{1-a/2} sqrt(2 pbar (1-pbar)) + z_{power} sqrt(p1 (1-p1) + p2 "
      "(1-p2)))^2 / (p2 - p1)^2, p2 = p1 (1 + lift)";
  if (flags->Has("relative-lift")) {
    absl::StatusOr<double> exact = an::SampleSizePerArm(in, *power);
    if (!exact.ok()) return Fail(exact.status());
    const double per_arm = std::ceil(*exact);
    std::cout << absl::StrFormat(
        "baseline rate %g, relative lift %+g%% (treatment rate %g), alpha %g two-sided, power %g\n"
        "sample size per arm: %.0f (exact %.2f); both arms: %.0f\n%s\n",
        *rate, 100.0 * *lift, *rate * (1.0 + *lift), *alpha, *power, per_arm, *exact, 2.0 * per_arm,
        method);
    return 0;
  }
  absl::StatusOr<double> detectable = an::DetectableRelativeLift(in, *n, *power);
  if (!detectable.ok()) return Fail(detectable.status());
  std::cout << absl::StrFormat(
      "baseline rate %g, n per arm %.0f, alpha %g two-sided, power %g\n"
      "detectable relative lift: %+.4f%% (treatment rate %.6g)\n%s\n",
      *rate, *n, *alpha, *power, 100.0 * *detectable, *rate * (1.0 + *detectable), method);
  return 0;
}

int RunReport(const std::vector<std::string>& args) {
  absl::StatusOr<Flags> flags = Flags::Parse(
      args,
      {"input", "control", "treatment", "planned-n-per-arm", "alpha", "ni-margin", "control-share"},
      {"json"});
  if (!flags.ok()) return Usage(std::string(flags.status().message()));
  if (!flags->Has("input")) return Usage("run needs --input daily.csv");
  an::AnalysisOptions options;
  options.source = flags->String("input", "");
  options.control = flags->String("control", options.control);
  options.treatment = flags->String("treatment", options.treatment);
  for (auto [name, field] : {std::pair{"planned-n-per-arm", &options.planned_n_per_arm},
                             {"alpha", &options.alpha},
                             {"ni-margin", &options.ni_margin},
                             {"control-share", &options.control_share}}) {
    absl::StatusOr<double> v = flags->Number(name, *field);
    if (!v.ok()) return Usage(std::string(v.status().message()));
    *field = *v;
  }
  if (flags->Has("planned-n-per-arm") && !(options.planned_n_per_arm > 0)) {
    return Usage("--planned-n-per-arm must be positive");
  }
  absl::StatusOr<an::DailyTable> table =
      an::ReadDailyCsv(options.source, {options.control, options.treatment});
  if (!table.ok()) return Fail(table.status());
  absl::StatusOr<an::Report> report = an::Analyze(*table, options);
  if (!report.ok()) return Fail(report.status());
  std::cout << (flags->Bool("json") ? an::FormatReportJson(*report)
                                    : an::FormatReportText(*report));
  return 0;
}

}  // namespace

int RunAnalyze(const std::vector<std::string>& args) {
  if (args.empty()) return Usage("missing subcommand (power or run)");
  const std::string& sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "power") return RunPower(rest);
  if (sub == "run") return RunReport(rest);
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kUsage << "\n";
    return 0;
  }
  return Usage(absl::StrCat("unknown subcommand '", sub, "'"));
}

}  // namespace assignd::client
