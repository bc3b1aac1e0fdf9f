#include "server/config/apply_blend_overrides.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/config/number_text.h"
#include "server/core/absl_string_view.h"

namespace assignd::config {
namespace {

core::Experiment* FindExperiment(std::vector<core::Experiment>& experiments, std::string_view key) {
  for (core::Experiment& experiment : experiments) {
    if (experiment.key == key) return &experiment;
  }
  return nullptr;
}

core::Variant* FindVariant(core::Experiment& experiment, std::string_view name) {
  for (core::Variant& variant : experiment.variants) {
    if (variant.name == name) return &variant;
  }
  return nullptr;
}

}  // namespace

void ApplyBlendOverrides(const BlendOverrides& overrides,
                         std::vector<core::Experiment>& experiments, ErrorList& errors) {
  absl::flat_hash_set<std::pair<std::string, std::string>> applied;
  for (const BlendOverride& o : overrides) {
    const std::string target = absl::StrCat(o.experiment, "/", o.variant);
    const auto report = [&](std::string_view message) {
      errors.AddUnlocated(
          absl::StrCat(AsAbsl(kBlendOverridesEnv), ": ", Quoted(target), ": ", AsAbsl(message)));
    };
    core::Experiment* experiment = FindExperiment(experiments, o.experiment);
    if (experiment == nullptr) {
      report(absl::StrCat("no experiment ", Quoted(o.experiment), " in ", errors.path()));
      continue;
    }
    core::Variant* variant = FindVariant(*experiment, o.variant);
    if (variant == nullptr) {
      report(
          absl::StrCat("experiment ", Quoted(o.experiment), " has no variant ", Quoted(o.variant)));
      continue;
    }
    if (!applied.emplace(o.experiment, o.variant).second) {
      report("given more than once");
      continue;
    }
    bool valid = true;
    for (const auto& [name, value] :
         {std::pair<std::string_view, std::optional<double>>{"alpha", o.alpha},
          {"beta", o.beta},
          {"gamma", o.gamma}}) {
      if (value && (!std::isfinite(*value) || *value < 0)) {
        report(absl::StrCat(AsAbsl(name), " must be finite and >= 0, got ", FormatNumber(*value)));
        valid = false;
      }
    }
    if (!valid) continue;
    if (o.alpha) variant->blend.alpha = *o.alpha;
    if (o.beta) variant->blend.beta = *o.beta;
    if (o.gamma) variant->blend.gamma = *o.gamma;
  }
}

}  // namespace assignd::config
