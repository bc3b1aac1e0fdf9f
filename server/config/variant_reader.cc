#include "server/config/variant_reader.h"

#include <array>
#include <cmath>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/config/number_text.h"
#include "server/core/absl_string_view.h"

namespace assignd::config {
namespace {

constexpr std::array<std::string_view, 3> kVariantKeys = {"name", "weight", "blend"};
constexpr std::array<std::string_view, 3> kBlendKeys = {"alpha", "beta", "gamma"};

// A required number that must also be >= 0; nullopt (already reported) otherwise.
std::optional<double> ReadNonNegative(const MapFields& map, std::string_view name,
                                      ErrorList& errors) {
  const Field* field = map.Require(name, errors);
  if (field == nullptr) return std::nullopt;
  const std::optional<double> value = ReadNumber(*field, errors);
  if (!value) return std::nullopt;
  if (*value < 0) {
    errors.Add(field->mark(),
               absl::StrCat(AsAbsl(name), " must not be negative, got ", Describe(field->value)));
    return std::nullopt;
  }
  return value;
}

struct VariantRead {
  core::Variant variant;
  yaml::Mark name_mark;
  bool has_name = false;
  bool has_weight = false;
};

VariantRead ReadVariant(const yaml::Node& node, ErrorList& errors) {
  VariantRead result;
  const std::optional<MapFields> map = MapFields::Read(node, "variant", kVariantKeys, errors);
  if (!map) return result;
  if (const Field* name = map->Require("name", errors)) {
    if (std::optional<std::string> text = ReadString(*name, errors)) {
      if (text->empty()) {
        errors.Add(name->mark(), "variant name must not be empty");
      } else {
        result.variant.name = *std::move(text);
        result.name_mark = name->mark();
        result.has_name = true;
      }
    }
  }
  if (const std::optional<double> weight = ReadNonNegative(*map, "weight", errors)) {
    result.variant.weight_percent = *weight;
    result.has_weight = true;
  }
  if (const Field* blend = map->Require("blend", errors)) {
    if (const std::optional<core::BlendWeights> weights = ReadBlend(*blend, errors)) {
      result.variant.blend = *weights;
    }
  }
  return result;
}

}  // namespace

std::optional<core::BlendWeights> ReadBlend(const Field& field, ErrorList& errors) {
  const std::optional<MapFields> map = MapFields::Read(field.value, "blend", kBlendKeys, errors);
  if (!map) return std::nullopt;
  const std::optional<double> alpha = ReadNonNegative(*map, "alpha", errors);
  const std::optional<double> beta = ReadNonNegative(*map, "beta", errors);
  const std::optional<double> gamma = ReadNonNegative(*map, "gamma", errors);
  if (!alpha || !beta || !gamma) return std::nullopt;
  return core::BlendWeights{.alpha = *alpha, .beta = *beta, .gamma = *gamma};
}

std::optional<std::vector<core::Variant>> ReadVariants(const Field& field, ErrorList& errors) {
  if (!field.value.IsSequence()) {
    errors.Add(field.mark(), absl::StrCat("variants must be a list, got ", Describe(field.value)));
    return std::nullopt;
  }
  if (static_cast<int>(field.value.size()) < kMinVariants) {
    errors.Add(field.key_mark, absl::StrCat("an experiment needs at least ", kMinVariants,
                                            " variants, got ", field.value.size()));
  }
  std::vector<core::Variant> variants;
  absl::flat_hash_map<std::string, int> first_line;  // variant name -> 1-based line
  double weight_sum = 0;
  bool all_weights_read = true;
  for (const yaml::Node node : field.value.SequenceItems()) {
    VariantRead read = ReadVariant(node, errors);
    all_weights_read = all_weights_read && read.has_weight;
    weight_sum += read.variant.weight_percent;
    if (read.has_name) {
      const auto [it, inserted] =
          first_line.try_emplace(read.variant.name, read.name_mark.line + 1);
      if (!inserted) {
        errors.Add(read.name_mark,
                   absl::StrCat("duplicate variant name ", Quoted(read.variant.name),
                                " (first at line ", it->second, ")"));
      }
    }
    variants.push_back(std::move(read.variant));
  }
  if (all_weights_read && !variants.empty() && std::abs(weight_sum - 100) > kWeightSumTolerance) {
    errors.Add(field.key_mark,
               absl::StrCat("variant weights must sum to 100, got ", FormatNumber(weight_sum)));
  }
  return variants;
}

}  // namespace assignd::config
