#pragma once

// The smallest valid config, shared by the config tests. Its line and column layout is relied on
// by config_validation_test.cc (see the table there) and segments_test.cc (8 lines).
namespace assignd::config::testing {

constexpr char kValidConfigYaml[] = R"(experiments:
  - key: exp_a
    namespaces: [default]
    ramp_percent: 50
    fallback_variant: control
    variants:
      - {name: control, weight: 50, blend: {alpha: 0.6, beta: 0.3, gamma: 0.1}}
      - {name: treatment, weight: 50, blend: {alpha: 0.5, beta: 0.35, gamma: 0.15}}
)";

}  // namespace assignd::config::testing
