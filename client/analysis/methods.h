#pragma once

#include <string>
#include <utility>
#include <vector>

#include "client/analysis/report.h"

// The methods behind a report, stated in words, so every output (table and JSON) says how its
// numbers were computed.
namespace assignd::analysis {

// (key, sentence) pairs in print order.
std::vector<std::pair<std::string, std::string>> MethodNotes(const Report& report);

}  // namespace assignd::analysis
