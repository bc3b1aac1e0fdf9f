#pragma once

#include <vector>

#include "server/config/error_list.h"
#include "server/config/experiment_reader.h"

namespace assignd::config {

// Rules spanning experiments: keys are unique, and no namespace is served by two active
// experiments (inactive ones may share, which is how a successor is staged).
void CheckExperimentSet(const std::vector<ExperimentEntry>& entries, ErrorList& errors);

}  // namespace assignd::config
