#pragma once

#include <string>

#include "client/analysis/report.h"

// The report as aligned plain-text tables for people.
namespace assignd::analysis {

std::string FormatReportText(const Report& report);

}  // namespace assignd::analysis
