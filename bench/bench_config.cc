#include "bench/bench_config.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace assignd::bench {

std::string BenchNamespace(int index) {
  return index == 0 ? "default" : absl::StrFormat("ns_%05d", index);
}

std::string MakeExperimentsYaml(int count, double ramp_percent) {
  std::string yaml = "experiments:\n";
  for (int i = 0; i < count; ++i) {
    const std::string key = i == 0 ? "blend_weights_v2" : absl::StrFormat("exp_%05d", i);
    absl::StrAppend(&yaml, "  - key: ", key, "\n    namespaces: [", BenchNamespace(i), "]\n",
                    "    ramp_percent: ", ramp_percent, "\n", "    kill_switch: false\n",
                    "    fallback_variant: baseline\n", "    variants:\n",
                    "      - {name: baseline,     weight: 50, blend: {alpha: 0.60, beta: 0.30, "
                    "gamma: 0.10}}\n",
                    "      - {name: challenger_a, weight: 50, blend: {alpha: 0.50, beta: 0.35, "
                    "gamma: 0.15}}\n",
                    "    overrides: {qa-user-1: challenger_a}\n");
  }
  return yaml;
}

}  // namespace assignd::bench
