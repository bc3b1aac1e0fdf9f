#include "server/config/config_document.h"

#include <array>
#include <exception>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/config/segment_reader.h"
#include "server/config/yaml_fields.h"
#include "yaml-cpp/yaml.h"

namespace assignd::config {
namespace {

constexpr std::array<std::string_view, 2> kTopLevelKeys = {"experiments", "segments"};

ConfigDocument ReadDocument(const YAML::Node& root, ErrorList& errors) {
  ConfigDocument document;
  std::vector<ExperimentEntry>& entries = document.experiments;
  if (root.IsNull()) {
    errors.Add(YAML::Mark(), "the file is empty; expected a map with key 'experiments'");
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
  for (const YAML::Node& node : experiments->value) {
    entries.push_back(ReadExperiment(node, errors));
  }
  return document;
}

}  // namespace

ConfigDocument ReadConfigDocument(std::string_view yaml_text, ErrorList& errors) {
  // yaml-cpp reports problems by throwing, also from node accessors; none may leave this layer.
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(yaml_text));
    if (documents.size() > 1) {
      errors.Add(documents[1].Mark(), "expected a single YAML document, found another one here");
    }
    return ReadDocument(documents.empty() ? YAML::Node() : documents[0], errors);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
  } catch (const std::exception& e) {
    errors.Add(YAML::Mark::null_mark(), absl::StrCat("cannot read YAML: ", e.what()));
  }
  return {};
}

}  // namespace assignd::config
