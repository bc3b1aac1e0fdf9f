#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

// BLEND_WEIGHTS_OVERRIDES: per-variant alpha/beta/gamma applied on top of the YAML at every load,
// so a deployment can seed challenger weights without editing the file.
//
// Format: entries separated by ';', each "<experiment>/<variant>:<name>=<value>[,<name>=<value>]"
// with <name> one of alpha, beta, gamma; whitespace around tokens is ignored; an empty string means
// no overrides. Example:
//   BLEND_WEIGHTS_OVERRIDES="blend_weights_v2/challenger_a:alpha=0.5,beta=0.35,gamma=0.15"
namespace assignd::config {

struct BlendOverride {
  std::string experiment;
  std::string variant;
  std::optional<double> alpha;
  std::optional<double> beta;
  std::optional<double> gamma;
};

using BlendOverrides = std::vector<BlendOverride>;

inline constexpr std::string_view kBlendOverridesEnv = "BLEND_WEIGHTS_OVERRIDES";

// Parses the format above. A malformed value is InvalidArgument naming the entry and the
// character offset, never silently ignored: non-finite or negative numbers, unknown names,
// duplicate names within an entry, duplicate experiment/variant pairs, missing parts.
absl::StatusOr<BlendOverrides> ParseBlendOverrides(std::string_view text);

// Canonical text of parsed overrides (part of the config version hash).
std::string CanonicalBlendOverrides(const BlendOverrides& overrides);

}  // namespace assignd::config
