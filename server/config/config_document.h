#pragma once

#include <string_view>
#include <vector>

#include "server/config/error_list.h"
#include "server/config/experiment_reader.h"

namespace assignd::config {

// Parses `yaml_text` as one YAML document `{experiments: [...]}` and reads every experiment
// (ReadExperiment), reporting syntax errors and all rule violations to `errors`. Never throws.
// An empty `experiments` list, or an empty value, gives no entries and no error.
std::vector<ExperimentEntry> ReadConfigDocument(std::string_view yaml_text, ErrorList& errors);

}  // namespace assignd::config
