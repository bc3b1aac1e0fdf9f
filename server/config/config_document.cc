#include "server/config/config_document.h"

#include <array>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/config/segment_reader.h"
#include "server/config/yaml_fields.h"
#include "yaml-cpp/eventhandler.h"
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

// Records where each document's root node starts (where the document's "---" is, for an empty
// one) and ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override {
    marks.push_back(mark);
    at_root_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnMapEnd() override {}

 private:
  void Node(const YAML::Mark& mark) {
    if (at_root_ && !mark.is_null()) marks.back() = mark;
    at_root_ = false;
  }
  bool at_root_ = false;
};

struct SecondDocumentStart {
  YAML::Mark mark;
  bool same_line_as_first = false;  // so not a "---" line: a stray ','
};

// Where a second document starts, if the text has one. Never YAML::LoadAll: on a stray ','
// outside [ ] or { } yaml-cpp 0.7 yields empty documents forever without consuming it, so LoadAll
// allocates until the process dies (found by tests/fuzz/fuzz_config). Two documents are enough.
std::optional<SecondDocumentStart> SecondDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  for (int i = 0; i < 2 && parser.HandleNextDocument(starts); ++i) {
  }
  if (starts.marks.size() < 2) return std::nullopt;
  return SecondDocumentStart{starts.marks[1], starts.marks[1].line == starts.marks[0].line};
}

}  // namespace

ConfigDocument ReadConfigDocument(std::string_view yaml_text, ErrorList& errors) {
  // yaml-cpp reports problems by throwing, also from node accessors; none may leave this layer.
  try {
    const std::string text(yaml_text);
    if (const std::optional<SecondDocumentStart> second = SecondDocument(text)) {
      errors.Add(second->mark, second->same_line_as_first
                                   ? "expected a single YAML document, found another one here "
                                     "(a ',' outside [ ] or { }?)"
                                   : "expected a single YAML document, found another one here");
    }
    return ReadDocument(YAML::Load(text), errors);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
  } catch (const std::exception& e) {
    errors.Add(YAML::Mark::null_mark(), absl::StrCat("cannot read YAML: ", e.what()));
  }
  return {};
}

}  // namespace assignd::config
