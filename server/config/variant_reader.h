#pragma once

#include <optional>
#include <vector>

#include "server/config/error_list.h"
#include "server/config/yaml_fields.h"
#include "server/core/experiment.h"

namespace assignd::config {

inline constexpr int kMinVariants = 2;
// Allowed slack when checking that variant weights sum to 100.
inline constexpr double kWeightSumTolerance = 1e-9;

// Reads an experiment's `variants` list and checks it: at least kMinVariants, each a map of
// name (non-empty, unique), weight (finite, >= 0) and blend; weights summing to 100.
// Returns nullopt when the field is not a list at all; otherwise the variants read, where a
// variant with an invalid part keeps defaults for it (its name stays, for cross-references).
std::optional<std::vector<core::Variant>> ReadVariants(const Field& field, ErrorList& errors);

// Reads a `blend: {alpha, beta, gamma}` map; each component required, finite and >= 0.
// Returns nullopt if anything is wrong.
std::optional<core::BlendWeights> ReadBlend(const Field& field, ErrorList& errors);

}  // namespace assignd::config
