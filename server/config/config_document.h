#pragma once

#include <string_view>
#include <vector>

#include "server/config/error_list.h"
#include "server/config/experiment_reader.h"
#include "server/core/experiment.h"

namespace assignd::config {

// What one experiments file holds, as read.
struct ConfigDocument {
  std::vector<ExperimentEntry> experiments;
  std::vector<core::Segment> segments;  // optional top-level `segments` (ReadSegments)
};

// Parses `yaml_text` as one YAML document `{experiments: [...], segments: [...]}` and reads every
// experiment (ReadExperiment) and segment, reporting syntax errors and all rule violations to
// `errors`. Never throws. An empty `experiments` list, or an empty value, gives no entries and no
// error.
ConfigDocument ReadConfigDocument(std::string_view yaml_text, ErrorList& errors);

}  // namespace assignd::config
