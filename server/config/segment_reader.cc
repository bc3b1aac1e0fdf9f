#include "server/config/segment_reader.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/core/absl_string_view.h"
#include "server/core/assign.h"

namespace assignd::config {
namespace {

constexpr std::array<std::string_view, 2> kSegmentKeys = {"attribute", "values"};

// A name or value of the shape namespaces have: it becomes a Prometheus label value, so keep it
// plain.
std::optional<std::string> ReadName(const Field& field, ErrorList& errors) {
  std::optional<std::string> text = ReadString(field, errors);
  if (!text) return std::nullopt;
  if (const absl::Status valid = core::ValidateNamespace(*text); !valid.ok()) {
    errors.Add(field.mark(), absl::StrCat(AsAbsl(field.name), " ", Quoted(*text),
                                          " must match [A-Za-z0-9_.-]{1,64}"));
    return std::nullopt;
  }
  return text;
}

std::vector<std::string> ReadValues(const Field& field, ErrorList& errors) {
  std::vector<std::string> values;
  if (!field.value.IsSequence()) {
    errors.Add(field.mark(), absl::StrCat("values must be a list, got ", Describe(field.value)));
    return values;
  }
  if (field.value.size() == 0) {
    errors.Add(field.mark(), "values must not be empty");
    return values;
  }
  if (field.value.size() > kMaxSegmentValues) {
    errors.Add(field.mark(), absl::StrCat("values has ", field.value.size(), " entries; at most ",
                                          kMaxSegmentValues, " are allowed"));
    return values;
  }
  absl::flat_hash_map<std::string, int> first_line;
  for (const yaml::Node item : field.value.SequenceItems()) {
    const Field value_field{"segment value", item, item.GetMark()};
    std::optional<std::string> value = ReadName(value_field, errors);
    if (!value) continue;
    if (*value == core::Segment::kOtherValue) {
      errors.Add(value_field.mark(),
                 "segment value 'other' is reserved for values outside the list");
      continue;
    }
    const auto [seen, inserted] = first_line.try_emplace(*value, value_field.mark().line + 1);
    if (!inserted) {
      errors.Add(value_field.mark(), absl::StrCat("duplicate segment value ", Quoted(*value)));
      continue;
    }
    values.push_back(*std::move(value));
  }
  return values;
}

}  // namespace

std::vector<core::Segment> ReadSegments(const Field& field, ErrorList& errors) {
  std::vector<core::Segment> segments;
  if (field.value.IsNull()) return segments;
  if (!field.value.IsSequence()) {
    errors.Add(field.mark(), absl::StrCat("segments must be a list, got ", Describe(field.value)));
    return segments;
  }
  if (field.value.size() > kMaxSegments) {
    errors.Add(field.mark(), absl::StrCat("segments has ", field.value.size(), " entries; at most ",
                                          kMaxSegments, " are allowed"));
    return segments;
  }
  absl::flat_hash_map<std::string, int> first_line;
  for (const yaml::Node node : field.value.SequenceItems()) {
    const std::optional<MapFields> map = MapFields::Read(node, "segment", kSegmentKeys, errors);
    if (!map) continue;
    core::Segment segment;
    if (const Field* attribute = map->Require("attribute", errors)) {
      if (std::optional<std::string> name = ReadName(*attribute, errors)) {
        const auto [seen, inserted] = first_line.try_emplace(*name, attribute->mark().line + 1);
        if (inserted) {
          segment.attribute = *std::move(name);
        } else {
          errors.Add(attribute->mark(), absl::StrCat("duplicate segment attribute ", Quoted(*name),
                                                     " (first at line ", seen->second, ")"));
        }
      }
    }
    if (const Field* values = map->Require("values", errors)) {
      segment.values = ReadValues(*values, errors);
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

}  // namespace assignd::config
