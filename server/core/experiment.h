#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

// Plain description of experiments, as the config layer produces it. No validation here: the
// config loader checks everything (with file:line:column) before building a Snapshot.
namespace assignd::core {

struct BlendWeights {
  double alpha = 0;
  double beta = 0;
  double gamma = 0;
  friend bool operator==(const BlendWeights&, const BlendWeights&) = default;
};

struct Variant {
  std::string name;
  double weight_percent = 0;  // share of enrolled users, the YAML weight (sums to 100)
  BlendWeights blend;
};

struct Experiment {
  std::string key;
  std::vector<std::string> namespaces;
  double ramp_percent = 0;  // coverage * 100
  bool kill_switch = false;
  bool active = true;  // inactive experiments are validated but serve nothing
  int fallback_index = 0;
  std::vector<Variant> variants;
  // Hash seed template; "{namespace}" and "{key}" are substituted per namespace.
  std::string seed_template = std::string(kDefaultSeedTemplate);
  absl::flat_hash_map<std::string, int> overrides;  // user id -> forced variant index
  bool allow_reassignment = false;

  static constexpr std::string_view kDefaultSeedTemplate = "{namespace}:{key}";
};

// A request attribute by which exposures are also counted, for segment cuts (device type, new vs
// returning, ...). Any value outside `values`, or a missing attribute, is counted as "other", so
// label cardinality is bounded by the config, never by request input.
struct Segment {
  std::string attribute;
  std::vector<std::string> values;

  static constexpr std::string_view kOtherValue = "other";
};

struct Config {
  std::vector<Experiment> experiments;
  std::string version;      // content hash of what was loaded
  std::string source_path;  // for messages and the admin RPC
  // Optional top-level `segments`, in file order. Last and defaulted, so positional initialisers
  // of the fields above stay valid.
  std::vector<Segment> segments = {};
};

// The seed for `experiment` on namespace `ns`: its template with placeholders filled in.
std::string SeedFor(const Experiment& experiment, std::string_view ns);

}  // namespace assignd::core
