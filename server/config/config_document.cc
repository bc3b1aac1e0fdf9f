#include "server/config/config_document.h"

#include <array>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/config/segment_reader.h"
#include "server/config/yaml_fields.h"
#include "server/config/yaml_tree.h"

namespace assignd::config {
namespace {

constexpr std::array<std::string_view, 2> kTopLevelKeys = {"experiments", "segments"};

ConfigDocument ReadDocument(const yaml::Node& root, ErrorList& errors) {
  ConfigDocument document;
  std::vector<ExperimentEntry>& entries = document.experiments;
  if (root.IsNull()) {
    errors.Add(yaml::Mark{0, 0, 0}, "the file is empty; expected a map with key 'experiments'");
    return document;
  }
  const std::optional<MapFields> top =
      MapFields::Read(root, "the top level", kTopLevelKeys, errors);
  if (!top) return document;
  if (const Field* segments = top->Find("segments")) {
    document.segments = ReadSegments(*segments, errors);
  }
  const Field* experiments = top->Require("experiments", errors);
  if (experiments == nullptr || experiments->value.IsNull()) return document;
  if (!experiments->value.IsSequence()) {
    errors.Add(experiments->mark(),
               absl::StrCat("experiments must be a list, got ", Describe(experiments->value)));
    return document;
  }
  entries.reserve(experiments->value.size());
  for (const yaml::Node node : experiments->value.SequenceItems()) {
    entries.push_back(ReadExperiment(node, errors));
  }
  return document;
}

}  // namespace

ConfigDocument ReadConfigDocument(std::string_view yaml_text, ErrorList& errors) {
  const std::optional<yaml::Tree> tree = yaml::Tree::Parse(yaml_text, errors);
  if (!tree) return {};
  return ReadDocument(tree->root(), errors);
}

}  // namespace assignd::config
