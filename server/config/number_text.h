#pragma once

#include <optional>
#include <string>
#include <string_view>

// Number <-> text helpers shared by the YAML reader, the overrides parser and messages.
namespace assignd::config {

// Shortest text that parses back to exactly `value` ("0.1", "1e+300", "inf"). Used wherever the
// text feeds the config version, so it must never lose precision the way "%g" does.
std::string FormatNumber(double value);

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?: plain decimal notation, no hex, no
// "inf"/"nan" (abseil's SimpleAtod alone accepts all of those).
bool IsDecimalNumber(std::string_view text);

// A YAML 1.2 core-schema number: decimal int/float ("50", "-0.5", "1e3", ".5") or
// .inf/-.inf/.nan in any of the spec's spellings. Hex, octal, "1_000" and anything else is
// nullopt, so a stray string never turns into a weight.
std::optional<double> ParseYamlNumber(std::string_view text);

}  // namespace assignd::config
