#pragma once

#include <optional>
#include <span>
#include <string_view>

// "did you mean" for mistyped YAML keys: a typo must fail loudly, and the fix should be obvious.
namespace assignd::config {

// Edit distance counting insertions, deletions, substitutions and swaps of adjacent characters
// (optimal string alignment), so "ramp_precent" is one edit from "ramp_percent".
int EditDistance(std::string_view a, std::string_view b);

// The entry of `known` nearest to `unknown` (ignoring ASCII case), if it is close enough to be a
// plausible typo: at most 1 edit for names up to 5 characters, then one more per 3 characters,
// capped at 3. Ties go to the earlier entry of `known`.
std::optional<std::string_view> ClosestKey(std::string_view unknown,
                                           std::span<const std::string_view> known);

}  // namespace assignd::config
