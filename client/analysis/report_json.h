#pragma once

#include <string>

#include "client/analysis/report.h"

// The report as JSON for machines: every number at full precision, NaN/inf as null.
namespace assignd::analysis {

std::string FormatReportJson(const Report& report);

}  // namespace assignd::analysis
