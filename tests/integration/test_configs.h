#pragma once

#include <string>

#include "absl/strings/str_cat.h"

// YAML configs shared by the integration tests.
namespace assignd::testing {

// blend_weights_v2 on `default` at `ramp` percent, plus a second experiment on `pdp`.
inline std::string TwoExperimentConfig(double ramp, bool kill_switch = false) {
  return absl::StrCat(R"(experiments:
  - key: blend_weights_v2
    namespaces: [default]
    ramp_percent: )",
                      ramp, R"(
    kill_switch: )",
                      kill_switch ? "true" : "false", R"(
    fallback_variant: baseline
    variants:
      - {name: baseline,     weight: 50, blend: {alpha: 0.60, beta: 0.30, gamma: 0.10}}
      - {name: challenger_a, weight: 50, blend: {alpha: 0.50, beta: 0.35, gamma: 0.15}}
    overrides: {qa-user-1: challenger_a}
  - key: pdp_weights
    namespaces: [pdp]
    ramp_percent: 100
    fallback_variant: control
    variants:
      - {name: control, weight: 30, blend: {alpha: 0.7, beta: 0.2, gamma: 0.1}}
      - {name: treat,   weight: 70, blend: {alpha: 0.4, beta: 0.4, gamma: 0.2}}
)");
}

}  // namespace assignd::testing
