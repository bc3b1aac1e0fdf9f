#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/error_list.h"
#include "server/config/yaml_tree.h"

// Strict, typed access to YAML nodes: "yes" is not a bool and a quoted "50" not a number; problems
// are reported to an ErrorList (the functions return nullopt), never thrown.
namespace assignd::config {

// One `name: value` of a YAML map, or one list item (then `name` labels it in messages).
struct Field {
  std::string_view name;
  yaml::Node value;
  yaml::Mark key_mark;

  // Where problems with the value point: the value, or its key when the value is empty (an empty
  // value's own mark is wherever the parser noticed it, often the next line).
  const yaml::Mark& mark() const { return value.IsNull() ? key_mark : value.GetMark(); }
};

// The fields of one YAML map whose keys come from a fixed set.
class MapFields {
 public:
  // Reads `node` as a map with keys from `known` (whose strings must outlive the result).
  // Reports to `errors`: a non-map (as "<what> must be a map"), keys that are not strings, unknown
  // keys (suggesting the closest known one) and repeated keys (the first one wins).
  // Returns nullopt only when `node` is not a map.
  static std::optional<MapFields> Read(const yaml::Node& node, std::string_view what,
                                       std::span<const std::string_view> known, ErrorList& errors);

  // The field called `name`, or nullptr when absent.
  const Field* Find(std::string_view name) const;
  // Like Find, but an absent field is reported as "missing required key '<name>'" at the map.
  const Field* Require(std::string_view name, ErrorList& errors) const;

  const yaml::Mark& mark() const { return mark_; }

 private:
  yaml::Mark mark_;
  std::vector<Field> fields_;
};

// How a node looks, for "got ..." in messages: "an empty value", "a list", "a map",
// "'abc'" for a plain scalar, "the string '50'" for a quoted one.
std::string Describe(const yaml::Node& node);

// A scalar's text (plain or quoted; may be empty). Anything else is an error.
std::optional<std::string> ReadString(const Field& field, ErrorList& errors);
// A finite number written as a plain YAML number (see ParseYamlNumber); quoted strings, non-numbers
// and .inf/.nan/overflow are errors.
std::optional<double> ReadNumber(const Field& field, ErrorList& errors);
// true/True/TRUE/false/False/FALSE; YAML 1.1's yes/no/on/off are errors rather than guesses.
std::optional<bool> ReadBool(const Field& field, ErrorList& errors);

}  // namespace assignd::config
