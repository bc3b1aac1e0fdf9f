#pragma once

#include <string>

// Synthetic experiment files for benchmarks: experiment 0 is the sample's blend_weights_v2 on
// namespace "default" (with its QA override); experiments 1..n-1 are copies of it, each alone on
// its own namespace, so every namespace has exactly one route and the same bucketing work.
namespace assignd::bench {

// Namespace served by experiment `index` of MakeExperimentsYaml.
std::string BenchNamespace(int index);

// YAML for `count` experiments (count >= 1), all at `ramp_percent`, 50/50 baseline/challenger_a.
std::string MakeExperimentsYaml(int count, double ramp_percent);

}  // namespace assignd::bench
