// The libyaml-built yaml::Tree against yaml-cpp as the reference: the config readers were written
// and tested against yaml-cpp's view of a document (node kinds, scalar text, plain vs quoted,
// null, positions), so the tree must show every document the same way.
#include "server/config/yaml_tree.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace assignd::config::yaml {
namespace {

using ::testing::ElementsAre;

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(ASSIGND_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string At(const Mark& mark) { return absl::StrCat(mark.line + 1, ":", mark.column + 1); }
std::string At(const YAML::Mark& mark) { return absl::StrCat(mark.line + 1, ":", mark.column + 1); }

// Both trees printed the same way: one line per node, with its position, kind, tag and text.
void Print(const Node& node, const std::string& indent, std::string& out) {
  switch (node.Type()) {
    case NodeType::kNull:
      absl::StrAppend(&out, indent, "null\n");
      return;
    case NodeType::kScalar:
      absl::StrAppend(&out, indent, At(node.GetMark()), " scalar ", std::string(node.Tag()), " [",
                      std::string(node.Scalar()), "]\n");
      return;
    case NodeType::kSequence:
      absl::StrAppend(&out, indent, At(node.GetMark()), " list of ", node.size(), "\n");
      for (const Node item : node.SequenceItems()) Print(item, indent + "  ", out);
      return;
    case NodeType::kMap:
      absl::StrAppend(&out, indent, At(node.GetMark()), " map of ", node.size(), "\n");
      for (const Entry entry : node.MapEntries()) {
        Print(entry.first, indent + "  ? ", out);
        Print(entry.second, indent + "  : ", out);
      }
      return;
  }
}

void Print(const YAML::Node& node, const std::string& indent, std::string& out) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      absl::StrAppend(&out, indent, "null\n");
      return;
    case YAML::NodeType::Scalar:
      absl::StrAppend(&out, indent, At(node.Mark()), " scalar ", node.Tag(), " [", node.Scalar(),
                      "]\n");
      return;
    case YAML::NodeType::Sequence:
      absl::StrAppend(&out, indent, At(node.Mark()), " list of ", node.size(), "\n");
      for (const YAML::Node& item : node) Print(item, indent + "  ", out);
      return;
    case YAML::NodeType::Map:
      absl::StrAppend(&out, indent, At(node.Mark()), " map of ", node.size(), "\n");
      for (const auto& entry : node) {
        Print(entry.first, indent + "  ? ", out);
        Print(entry.second, indent + "  : ", out);
      }
      return;
  }
}

std::string PrintOurs(std::string_view text) {
  ErrorList errors("t.yaml");
  const std::optional<Tree> tree = Tree::Parse(text, errors);
  if (!tree) return errors.ToStatus().ToString();
  std::string out;
  Print(tree->root(), "", out);
  return out;
}

std::string PrintYamlCpp(const std::string& text) {
  std::string out;
  Print(YAML::Load(text), "", out);
  return out;
}

class YamlTreeMatchesYamlCppTest : public ::testing::TestWithParam<std::string> {};

TEST_P(YamlTreeMatchesYamlCppTest, SameNodesTextTagsAndPositions) {
  const std::string text = GetParam();
  EXPECT_EQ(PrintOurs(text), PrintYamlCpp(text)) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Snippets, YamlTreeMatchesYamlCppTest,
    ::testing::Values(
        "a: 1\nb: [x, 'y', \"z\"]\nc: {d: e}\n",
        // null in all its spellings, and quoted lookalikes that are strings
        "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: 'null'\ng: \"~\"\nh: ''\n",
        // plain scalars that look like other types stay text with the plain tag
        "a: yes\nb: 50\nc: 0x1F\nd: .inf\ne: 1e3\nf: true\n",
        // explicit tags
        "a: !!str 50\nb: !!int 7\nc: !!float 1.5\nd: !!bool true\ne: !custom x\nf: ! 5\n",
        // block scalars, folding, escapes, multi-line plain scalars, unicode
        "lit: |\n  line 1\n  line 2\nfold: >\n  a\n  b\n\n  c\nesc: \"\\x41\\u00e9\\t\\n\"\n"
        "multi: one\n  two\n  three\nuni: \"h\xc3\xa9llo\"\n",
        // anchors and aliases resolve to the anchored node
        "base: &b {alpha: 1, beta: 2}\nuse: *b\nlist: [&s scalar, *s]\n",
        // keys that are not plain strings
        "? [complex, key]\n: value\n1: one\n'quoted': q\n",
        // nested block structure as in the config, with comments and an explicit document
        "--- # start\nexperiments:\n  # the one\n  - key: exp_a  # trailing\n    namespaces:\n"
        "      - default\n    variants:\n      - name: control\n        weight: 50\n...\n",
        // duplicate keys are kept (the readers report them)
        "a: 1\na: 2\n",
        // an empty list item and empty flow collections
        "- \n- []\n- {}\n-\n"),
    [](const ::testing::TestParamInfo<std::string>& param) {
      return absl::StrCat("snippet", param.index);
    });

INSTANTIATE_TEST_SUITE_P(Files, YamlTreeMatchesYamlCppTest,
                         ::testing::Values(ReadSource("config/experiments.yaml"),
                                           ReadSource("tests/data/config/valid_full.yaml"),
                                           ReadSource("tests/data/config/many_errors.yaml")),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return absl::StrCat("file", param.index);
                         });

TEST(YamlTreeTest, EmptyTextHasANullRoot) {
  for (const std::string_view text : {"", "# only a comment\n", "---\n"}) {
    ErrorList errors("t.yaml");
    const std::optional<Tree> tree = Tree::Parse(text, errors);
    ASSERT_TRUE(tree.has_value()) << text;
    EXPECT_TRUE(tree->root().IsNull()) << text;
    EXPECT_TRUE(errors.empty()) << text;
  }
}

std::vector<std::string> ParseErrors(std::string_view text) {
  ErrorList errors("t.yaml");
  EXPECT_FALSE(Tree::Parse(text, errors).has_value()) << text;
  return absl::StrSplit(std::string(errors.ToStatus().message()), '\n');
}

TEST(YamlTreeTest, ErrorsHavePositions) {
  EXPECT_THAT(ParseErrors("a: [1, 2\nb: 3\n"),
              ElementsAre("t.yaml:2:2: did not find expected ',' or ']' (while parsing a flow "
                          "sequence that starts at line 1, column 4)"));
  EXPECT_THAT(ParseErrors("a: *missing\n"),
              ElementsAre("t.yaml:1:4: the referenced anchor is not defined"));
  EXPECT_THAT(ParseErrors("a: 1\n---\nb: 2\n"),
              ElementsAre("t.yaml:2:1: expected a single YAML document, found another one here"));
  EXPECT_THAT(ParseErrors("a:\n\t- b\n"),
              ElementsAre("t.yaml:2:1: found character that cannot start any token (a tab: YAML "
                          "indents with spaces only) (while scanning for the next token that "
                          "starts at line 2, column 1)"));
  EXPECT_THAT(ParseErrors("a: \"x\x01\"\n"),
              ElementsAre("t.yaml:1:6: control characters are not allowed"));
}

TEST(YamlTreeTest, NestingIsBounded) {
  EXPECT_THAT(ParseErrors(std::string(65, '[')),
              ElementsAre("t.yaml:1:65: lists and maps nested more than 64 levels deep"));
  ErrorList errors("t.yaml");
  EXPECT_TRUE(Tree::Parse(std::string(64, '[') + std::string(64, ']'), errors).has_value());
}

}  // namespace
}  // namespace assignd::config::yaml
