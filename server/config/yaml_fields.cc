#include "server/config/yaml_fields.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "server/config/key_suggestion.h"
#include "server/config/number_text.h"
#include "server/core/absl_string_view.h"

namespace assignd::config {
namespace {

constexpr std::string_view kPlainTag = "?";
constexpr std::string_view kIntTag = "tag:yaml.org,2002:int";
constexpr std::string_view kFloatTag = "tag:yaml.org,2002:float";
constexpr std::string_view kBoolTag = "tag:yaml.org,2002:bool";

std::string UnknownKeyMessage(std::string_view key, std::span<const std::string_view> known) {
  if (const std::optional<std::string_view> closest = ClosestKey(key, known)) {
    return absl::StrCat("unknown key ", Quoted(key), " (did you mean ", Quoted(*closest), "?)");
  }
  std::string expected;
  for (const std::string_view k : known)
    absl::StrAppend(&expected, expected.empty() ? "" : ", ", AsAbsl(k));
  return absl::StrCat("unknown key ", Quoted(key), " (expected one of: ", expected, ")");
}

}  // namespace

std::optional<MapFields> MapFields::Read(const yaml::Node& node, std::string_view what,
                                         std::span<const std::string_view> known,
                                         ErrorList& errors) {
  if (!node.IsMap()) {
    errors.Add(node.GetMark(), absl::StrCat(AsAbsl(what), " must be a map, got ", Describe(node)));
    return std::nullopt;
  }
  MapFields result;
  result.mark_ = node.GetMark();
  for (const yaml::Entry entry : node.MapEntries()) {
    const yaml::Node& key = entry.first;
    if (!key.IsScalar()) {
      errors.Add(key.GetMark(), absl::StrCat("keys must be strings, got ", Describe(key)));
      continue;
    }
    const std::string_view text = key.Scalar();
    const auto known_it = std::find(known.begin(), known.end(), text);
    if (known_it == known.end()) {
      errors.Add(key.GetMark(), UnknownKeyMessage(text, known));
      continue;
    }
    if (const Field* first = result.Find(text)) {
      errors.Add(key.GetMark(), absl::StrCat("duplicate key ", Quoted(text), " (first at line ",
                                             first->key_mark.line + 1, ")"));
      continue;
    }
    result.fields_.push_back({*known_it, entry.second, key.GetMark()});
  }
  return result;
}

const Field* MapFields::Find(std::string_view name) const {
  for (const Field& field : fields_) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

const Field* MapFields::Require(std::string_view name, ErrorList& errors) const {
  const Field* field = Find(name);
  if (field == nullptr) errors.Add(mark_, absl::StrCat("missing required key ", Quoted(name)));
  return field;
}

std::string Describe(const yaml::Node& node) {
  switch (node.Type()) {
    case yaml::NodeType::kSequence:
      return "a list";
    case yaml::NodeType::kMap:
      return "a map";
    case yaml::NodeType::kScalar:
      if (node.Tag() == kPlainTag) return Quoted(node.Scalar());
      return absl::StrCat("the string ", Quoted(node.Scalar()));
    case yaml::NodeType::kNull:
      break;
  }
  return "an empty value";
}

std::optional<std::string> ReadString(const Field& field, ErrorList& errors) {
  if (!field.value.IsScalar()) {
    errors.Add(field.mark(),
               absl::StrCat(AsAbsl(field.name), " must be a string, got ", Describe(field.value)));
    return std::nullopt;
  }
  return std::string(field.value.Scalar());
}

std::optional<double> ReadNumber(const Field& field, ErrorList& errors) {
  const yaml::Node& node = field.value;
  std::optional<double> value;
  if (node.IsScalar() &&
      (node.Tag() == kPlainTag || node.Tag() == kIntTag || node.Tag() == kFloatTag)) {
    value = ParseYamlNumber(node.Scalar());
  }
  if (!value) {
    errors.Add(field.mark(),
               absl::StrCat(AsAbsl(field.name), " must be a number, got ", Describe(node)));
    return std::nullopt;
  }
  if (!std::isfinite(*value)) {
    errors.Add(field.mark(),
               absl::StrCat(AsAbsl(field.name), " must be a finite number, got ", Describe(node)));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ReadBool(const Field& field, ErrorList& errors) {
  const yaml::Node& node = field.value;
  if (node.IsScalar() && (node.Tag() == kPlainTag || node.Tag() == kBoolTag)) {
    const std::string_view text = node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  errors.Add(field.mark(),
             absl::StrCat(AsAbsl(field.name), " must be true or false, got ", Describe(node)));
  return std::nullopt;
}

}  // namespace assignd::config
