#pragma once

#include <stdio.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/integration/server_process.h"

// Configs and file operations shared by the hot-reload integration tests.
namespace assignd::testing {

// blend_weights_v2 on `default`, with the knobs the reload tests turn. `ramp_percent` is on
// line 4, column 19 (as in the config unit tests).
struct BlendConfig {
  double ramp = 50;
  bool kill_switch = false;
  bool allow_reassignment = false;
  double baseline_weight = 50;
  double baseline_alpha = 0.60;
  std::string seed = "{namespace}:{key}";
};

inline std::string BlendYaml(const BlendConfig& c) {
  return absl::StrCat(
      "experiments:\n"
      "  - key: blend_weights_v2\n"
      "    namespaces: [default]\n"
      "    ramp_percent: ",
      c.ramp, "\n", "    kill_switch: ", c.kill_switch ? "true" : "false", "\n",
      "    allow_reassignment: ", c.allow_reassignment ? "true" : "false", "\n",
      "    fallback_variant: baseline\n"
      "    seed: \"",
      c.seed, "\"\n",
      "    variants:\n"
      "      - {name: baseline,     weight: ",
      c.baseline_weight, ", blend: {alpha: ", c.baseline_alpha, ", beta: 0.30, gamma: 0.10}}\n",
      "      - {name: challenger_a, weight: ", 100 - c.baseline_weight,
      ", blend: {alpha: 0.50, beta: 0.35, gamma: 0.15}}\n");
}

// Writes `content` to a temporary name in the same directory and renames it over `path`, as
// editors and deploy tools do: a reader sees the old file or the new one, never a mix.
inline void RenameOver(const std::string& path, const std::string& content) {
  static std::atomic<int> counter{0};
  const std::string tmp = absl::StrCat(path, ".tmp-", counter.fetch_add(1));
  WriteFile(tmp, content);
  ::rename(tmp.c_str(), path.c_str());
}

}  // namespace assignd::testing
