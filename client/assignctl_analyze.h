#pragma once

#include <string>
#include <vector>

// `assignctl analyze ...`: experiment analysis, offline (no server needed). Takes the arguments
// after "analyze" and parses them itself, so flags can be spelled as the analysts' docs spell them
// (--baseline-rate or --baseline_rate, with "=value" or a separate value). Returns the exit code:
// 0 done, 1 bad input or analysis error, 2 usage error.
namespace assignd::client {

int RunAnalyze(const std::vector<std::string>& args);

}  // namespace assignd::client
