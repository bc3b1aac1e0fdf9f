#pragma once

#include <vector>

#include "server/config/error_list.h"
#include "server/config/yaml_tree.h"
#include "server/core/experiment.h"

namespace assignd::config {

// One item of `experiments` as read, plus the positions that rules spanning several experiments
// (duplicate keys, shared namespaces) point at.
struct ExperimentEntry {
  core::Experiment experiment;
  bool has_key = false;  // experiment.key is valid (it is kept even when not, for messages)
  yaml::Mark key_mark;
  std::vector<yaml::Mark> namespace_marks;  // parallel to experiment.namespaces
};

// Reads one experiment and checks every rule that concerns it alone, reporting all problems to
// `errors`. Fields that fail keep their defaults so that the remaining rules still run; the entry
// is only meaningful if `errors` stayed empty, except that names (key, variant names) are kept
// whenever they were readable, for cross-references.
ExperimentEntry ReadExperiment(const yaml::Node& node, ErrorList& errors);

}  // namespace assignd::config
