#pragma once

#include <vector>

#include "server/config/blend_overrides.h"
#include "server/config/error_list.h"
#include "server/core/experiment.h"

namespace assignd::config {

// Applies BLEND_WEIGHTS_OVERRIDES to `experiments`. Every entry must name an experiment and one of
// its variants, once, and the resulting alpha/beta/gamma must be finite and >= 0 (overrides built
// in code skip ParseBlendOverrides' checks). Problems are reported without a file position,
// prefixed "BLEND_WEIGHTS_OVERRIDES: "; entries with problems are not applied.
void ApplyBlendOverrides(const BlendOverrides& overrides,
                         std::vector<core::Experiment>& experiments, ErrorList& errors);

}  // namespace assignd::config
