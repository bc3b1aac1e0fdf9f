// One test per validation rule of the experiments file: each asserts the whole message, so the
// line:column (1-based) and the wording are both pinned, and that no other error cascades from it.
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/config_loader.h"
#include "tests/unit/config/valid_config_yaml.h"

namespace assignd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Lines and columns used below:
//   2: "  - key: exp_a"                      key 5, value 10
//   3: "    namespaces: [default]"           key 5, list 17, item 18
//   4: "    ramp_percent: 50"                key 5, value 19
//   5: "    fallback_variant: control"       value 23
//   6: "    variants:"                       key 5; items at 7:7 and 8:7 ('-'), 7:9 and 8:9 ('{')
//   7: name value 16, weight key 25, weight value 33, blend key 37, blend map 44, alpha key 45,
//      alpha value 52, beta value 63, gamma value 75
constexpr const char* kValid = testing::kValidConfigYaml;

// kValid with `from` (which must occur exactly once) replaced by `to`.
std::string With(std::string_view from, std::string_view to) {
  const std::string base(kValid);
  EXPECT_EQ(base.find(from), base.rfind(from)) << from;
  EXPECT_NE(base.find(from), std::string::npos) << from;
  return absl::StrReplaceAll(base, {{std::string(from), std::string(to)}});
}

// The error lines of parsing `yaml`, or a single "<parsed OK>" when it parsed.
std::vector<std::string> Errors(std::string_view yaml, const BlendOverrides& overrides = {}) {
  const absl::StatusOr<core::Config> config = ParseConfig(yaml, "test.yaml", overrides);
  if (config.ok()) return {"<parsed OK>"};
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  return absl::StrSplit(std::string(config.status().message()), '\n');
}

TEST(ConfigValidationTest, BaseConfigIsValid) {
  EXPECT_THAT(Errors(kValid), ElementsAre("<parsed OK>"));
}

// --- document structure ---------------------------------------------------------------------

TEST(ConfigValidationTest, SyntaxErrorHasPosition) {
  EXPECT_THAT(Errors("experiments: [\n  - key: x\n"),
              ElementsAre("test.yaml:2:3: did not find expected node content (while parsing a "
                          "flow node that starts at line 2, column 3)"));
  EXPECT_THAT(Errors("experiments: [{key: x}\n"),
              ElementsAre("test.yaml:2:1: did not find expected ',' or ']' (while parsing a flow "
                          "sequence that starts at line 1, column 14)"));
  EXPECT_THAT(Errors("experiments:\n  - key: a: b\n"),
              ElementsAre("test.yaml:2:11: mapping values are not allowed in this context"));
}

TEST(ConfigValidationTest, UndefinedAliasIsAnError) {
  EXPECT_THAT(Errors("experiments: *nowhere\n"),
              ElementsAre("test.yaml:1:14: the referenced anchor is not defined"));
}

TEST(ConfigValidationTest, EmptyFileIsAnError) {
  EXPECT_THAT(Errors(""), ElementsAre("test.yaml:1:1: the file is empty; expected a map with "
                                      "key 'experiments'"));
  EXPECT_THAT(Errors("# only a comment\n"),
              ElementsAre("test.yaml:1:1: the file is empty; expected a map with key "
                          "'experiments'"));
}

TEST(ConfigValidationTest, TopLevelMustBeAMap) {
  EXPECT_THAT(Errors("- a\n- b\n"),
              ElementsAre("test.yaml:1:1: the top level must be a map, got a list"));
}

TEST(ConfigValidationTest, ExperimentsKeyIsRequired) {
  EXPECT_THAT(Errors("experiment: []\n"),
              ElementsAre("test.yaml:1:1: unknown key 'experiment' (did you mean 'experiments'?)",
                          "test.yaml:1:1: missing required key 'experiments'"));
}

TEST(ConfigValidationTest, ExperimentsMustBeAList) {
  EXPECT_THAT(Errors("experiments: 5\n"),
              ElementsAre("test.yaml:1:14: experiments must be a list, got '5'"));
  EXPECT_THAT(Errors("experiments: {a: 1}\n"),
              ElementsAre("test.yaml:1:14: experiments must be a list, got a map"));
}

TEST(ConfigValidationTest, EmptyExperimentListIsValid) {
  for (const std::string_view yaml : {"experiments: []\n", "experiments:\n"}) {
    const absl::StatusOr<core::Config> config = ParseConfig(yaml, "test.yaml");
    ASSERT_TRUE(config.ok()) << yaml << config.status();
    EXPECT_THAT(config->experiments, IsEmpty());
  }
}

TEST(ConfigValidationTest, SecondDocumentIsAnError) {
  EXPECT_THAT(
      Errors(absl::StrCat(kValid, "---\nexperiments: []\n")),
      ElementsAre("test.yaml:9:1: expected a single YAML document, found another one here"));
}

// yaml-cpp 0.7's LoadAll never returned on a stray ',' (it yielded empty documents forever and
// allocated until the process died); found by tests/fuzz/fuzz_config. Kept as a regression test.
TEST(ConfigValidationTest, StrayCommaIsAnErrorNotAHang) {
  EXPECT_THAT(Errors(","), ElementsAre("test.yaml:1:1: did not find expected node content (while "
                                       "parsing a block node that starts at line 1, column 1)"));
  EXPECT_THAT(Errors("[a],"), ElementsAre("test.yaml:1:4: did not find expected <document start>"));
  EXPECT_THAT(Errors(absl::StrCat(kValid, ",\n")),
              ElementsAre(::testing::StartsWith("test.yaml:9:1: ")));
}

TEST(ConfigValidationTest, DeepNestingIsRefusedQuickly) {
  EXPECT_THAT(Errors(absl::StrCat("experiments: ", std::string(100000, '['))),
              ElementsAre("test.yaml:1:77: lists and maps nested more than 64 levels deep"));
}

TEST(ConfigValidationTest, ExperimentMustBeAMap) {
  EXPECT_THAT(Errors("experiments:\n  - just_a_string\n"),
              ElementsAre("test.yaml:2:5: experiment must be a map, got 'just_a_string'"));
}

// --- unknown and repeated keys --------------------------------------------------------------

TEST(ConfigValidationTest, UnknownExperimentKeySuggestsClosest) {
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_precent: 50")),
              ElementsAre("test.yaml:2:5: missing required key 'ramp_percent'",
                          "test.yaml:4:5: unknown key 'ramp_precent' (did you mean "
                          "'ramp_percent'?)"));
}

TEST(ConfigValidationTest, UnknownKeyFarFromAnyListsTheKnownOnes) {
  EXPECT_THAT(Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    colour: red\n")),
              ElementsAre("test.yaml:5:5: unknown key 'colour' (expected one of: key, namespaces, "
                          "ramp_percent, kill_switch, active, seed, fallback_variant, variants, "
                          "allow_reassignment, overrides)"));
}

TEST(ConfigValidationTest, UnknownKeySuggestionIgnoresCase) {
  EXPECT_THAT(
      Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    Kill_Switch: true\n")),
      ElementsAre("test.yaml:5:5: unknown key 'Kill_Switch' (did you mean 'kill_switch'?)"));
}

TEST(ConfigValidationTest, UnknownVariantAndBlendKeys) {
  EXPECT_THAT(Errors(With("{name: control, weight: 50, blend: {alpha: 0.6,",
                          "{name: control, wieght: 50, blend: {alhpa: 0.6,")),
              ElementsAre("test.yaml:7:9: missing required key 'weight'",
                          "test.yaml:7:25: unknown key 'wieght' (did you mean 'weight'?)",
                          "test.yaml:7:44: missing required key 'alpha'",
                          "test.yaml:7:45: unknown key 'alhpa' (did you mean 'alpha'?)"));
}

TEST(ConfigValidationTest, UnknownTopLevelKey) {
  EXPECT_THAT(Errors(absl::StrCat(kValid, "experimets_extra: 1\n")),
              ElementsAre("test.yaml:9:1: unknown key 'experimets_extra' (expected one of: "
                          "experiments, segments)"));
}

TEST(ConfigValidationTest, RepeatedKeyIsAnError) {
  EXPECT_THAT(
      Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    ramp_percent: 60\n")),
      ElementsAre("test.yaml:5:5: duplicate key 'ramp_percent' (first at line 4)"));
}

TEST(ConfigValidationTest, NonStringKeyIsAnError) {
  EXPECT_THAT(Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    [a, b]: 1\n")),
              ElementsAre("test.yaml:5:5: keys must be strings, got a list"));
}

TEST(ConfigValidationTest, UserTextInMessagesIsEscaped) {
  // A key with a newline must not split its error over two lines.
  EXPECT_THAT(
      Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    \"bad\\nkey\": 1\n")),
      ElementsAre("test.yaml:5:5: unknown key 'bad\\nkey' (expected one of: key, "
                  "namespaces, ramp_percent, kill_switch, active, seed, fallback_variant, "
                  "variants, allow_reassignment, overrides)"));
}

// --- wrong types ------------------------------------------------------------------------------

TEST(ConfigValidationTest, QuotedNumberIsNotANumber) {
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: \"abc\"")),
              ElementsAre("test.yaml:4:19: ramp_percent must be a number, got the string 'abc'"));
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: \"50\"")),
              ElementsAre("test.yaml:4:19: ramp_percent must be a number, got the string '50'"));
}

TEST(ConfigValidationTest, PlainWordIsNotANumber) {
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: abc")),
              ElementsAre("test.yaml:4:19: ramp_percent must be a number, got 'abc'"));
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: 0x10")),
              ElementsAre("test.yaml:4:19: ramp_percent must be a number, got '0x10'"));
}

TEST(ConfigValidationTest, EmptyValuePointsAtItsKey) {
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent:")),
              ElementsAre("test.yaml:4:5: ramp_percent must be a number, got an empty value"));
}

TEST(ConfigValidationTest, BoolMustBeTrueOrFalse) {
  EXPECT_THAT(
      Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    kill_switch: maybe\n")),
      ElementsAre("test.yaml:5:18: kill_switch must be true or false, got 'maybe'"));
  EXPECT_THAT(Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    active: yes\n")),
              ElementsAre("test.yaml:5:13: active must be true or false, got 'yes'"));
  EXPECT_THAT(
      Errors(With("    ramp_percent: 50\n", "    ramp_percent: 50\n    allow_reassignment: 1\n")),
      ElementsAre("test.yaml:5:25: allow_reassignment must be true or false, got '1'"));
}

TEST(ConfigValidationTest, StringFieldMustBeAScalar) {
  EXPECT_THAT(Errors(With("key: exp_a", "key: [exp_a]")),
              ElementsAre("test.yaml:2:10: key must be a string, got a list"));
}

TEST(ConfigValidationTest, VariantsAndBlendMustHaveTheirShapes) {
  EXPECT_THAT(Errors(With("fallback_variant: control", "fallback_variant: {a: 1}")),
              ElementsAre("test.yaml:5:23: fallback_variant must be a string, got a map"));
  EXPECT_THAT(Errors(With("blend: {alpha: 0.6, beta: 0.3, gamma: 0.1}", "blend: 5")),
              ElementsAre("test.yaml:7:44: blend must be a map, got '5'"));
  EXPECT_THAT(Errors(With("weight: 50, blend: {alpha: 0.6", "weight: \"50\", blend: {alpha: 0.6")),
              ElementsAre("test.yaml:7:33: weight must be a number, got the string '50'"));
}

// --- key --------------------------------------------------------------------------------------

TEST(ConfigValidationTest, KeyIsRequired) {
  EXPECT_THAT(Errors(With("key: exp_a\n    namespaces", "namespaces")),
              ElementsAre("test.yaml:2:5: missing required key 'key'"));
}

TEST(ConfigValidationTest, KeyMustNotBeEmpty) {
  EXPECT_THAT(Errors(With("key: exp_a", "key: \"\"")),
              ElementsAre("test.yaml:2:10: key must not be empty"));
}

TEST(ConfigValidationTest, KeyCharacters) {
  EXPECT_THAT(Errors(With("key: exp_a", "key: exp a/b")),
              ElementsAre("test.yaml:2:10: key 'exp a/b' may contain only letters, digits, '_', "
                          "'.' and '-'"));
  EXPECT_THAT(Errors(With("key: exp_a", "key: Exp-1.v_2")), ElementsAre("<parsed OK>"));
}

TEST(ConfigValidationTest, DuplicateExperimentKeys) {
  const std::string yaml = absl::StrCat(kValid, R"(  - key: exp_a
    namespaces: [other]
    ramp_percent: 50
    fallback_variant: x
    variants:
      - {name: x, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: y, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
)");
  EXPECT_THAT(Errors(yaml),
              ElementsAre("test.yaml:9:10: duplicate experiment key 'exp_a' (first at line 2)"));
}

// --- namespaces -------------------------------------------------------------------------------

TEST(ConfigValidationTest, NamespacesRequiredAndNonEmpty) {
  EXPECT_THAT(Errors(With("    namespaces: [default]\n", "")),
              ElementsAre("test.yaml:2:5: missing required key 'namespaces'"));
  EXPECT_THAT(Errors(With("namespaces: [default]", "namespaces: []")),
              ElementsAre("test.yaml:3:17: namespaces must not be empty"));
  EXPECT_THAT(Errors(With("namespaces: [default]", "namespaces: default")),
              ElementsAre("test.yaml:3:17: namespaces must be a list, got 'default'"));
}

TEST(ConfigValidationTest, NamespaceMustBeValid) {
  EXPECT_THAT(Errors(With("namespaces: [default]", "namespaces: [default, \"bad ns\"]")),
              ElementsAre("test.yaml:3:27: invalid namespace 'bad ns': namespace may contain "
                          "only letters, digits, '_', '.' and '-'"));
  EXPECT_THAT(Errors(With("namespaces: [default]",
                          absl::StrCat("namespaces: [", std::string(65, 'n'), "]"))),
              ElementsAre(absl::StrCat("test.yaml:3:18: invalid namespace '", std::string(65, 'n'),
                                       "': namespace is 65 bytes; the limit is 64")));
  EXPECT_THAT(Errors(With("namespaces: [default]", "namespaces: [[a]]")),
              ElementsAre("test.yaml:3:18: namespace must be a string, got a list"));
}

TEST(ConfigValidationTest, NamespaceTwiceInOneExperiment) {
  EXPECT_THAT(Errors(With("namespaces: [default]", "namespaces: [default, default]")),
              ElementsAre("test.yaml:3:27: duplicate namespace 'default'"));
}

TEST(ConfigValidationTest, TwoActiveExperimentsCannotShareANamespace) {
  const std::string second = R"(  - key: exp_b
    namespaces: [mobile, default]
    ramp_percent: 10
    fallback_variant: x
    variants:
      - {name: x, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: y, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
)";
  EXPECT_THAT(Errors(absl::StrCat(kValid, second)),
              ElementsAre("test.yaml:10:26: active experiments 'exp_a' (line 3) and 'exp_b' both "
                          "serve namespace 'default'"));
  // Killed experiments still serve (their fallback), so they conflict too.
  EXPECT_THAT(Errors(absl::StrCat(kValid, absl::StrReplaceAll(second, {{"ramp_percent: 10",
                                                                        "kill_switch: true\n"
                                                                        "    ramp_percent: 10"}}))),
              ElementsAre("test.yaml:10:26: active experiments 'exp_a' (line 3) and 'exp_b' both "
                          "serve namespace 'default'"));
}

TEST(ConfigValidationTest, InactiveExperimentMayShareANamespace) {
  const std::string second = R"(  - key: exp_b
    active: false
    namespaces: [default]
    ramp_percent: 10
    fallback_variant: x
    variants:
      - {name: x, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: y, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
)";
  const absl::StatusOr<core::Config> config =
      ParseConfig(absl::StrCat(kValid, second), "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->experiments.size(), 2u);
  EXPECT_FALSE(config->experiments[1].active);
  EXPECT_EQ(config->experiments[1].namespaces, std::vector<std::string>{"default"});
}

// --- ramp -------------------------------------------------------------------------------------

TEST(ConfigValidationTest, RampIsRequired) {
  EXPECT_THAT(Errors(With("    ramp_percent: 50\n", "")),
              ElementsAre("test.yaml:2:5: missing required key 'ramp_percent'"));
}

TEST(ConfigValidationTest, RampWithin0To100) {
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: 150")),
              ElementsAre("test.yaml:4:19: ramp_percent must be within 0..100, got '150'"));
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: -1")),
              ElementsAre("test.yaml:4:19: ramp_percent must be within 0..100, got '-1'"));
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: 100.0000001")),
              ElementsAre("test.yaml:4:19: ramp_percent must be within 0..100, got "
                          "'100.0000001'"));
  for (const char* ok : {"0", "100", "0.5", "1e1", ".5"}) {
    const absl::StatusOr<core::Config> config =
        ParseConfig(With("ramp_percent: 50", absl::StrCat("ramp_percent: ", ok)), "test.yaml");
    ASSERT_TRUE(config.ok()) << ok << ": " << config.status();
  }
}

TEST(ConfigValidationTest, RampMustBeFinite) {
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: .nan")),
              ElementsAre("test.yaml:4:19: ramp_percent must be a finite number, got '.nan'"));
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: -.inf")),
              ElementsAre("test.yaml:4:19: ramp_percent must be a finite number, got '-.inf'"));
  EXPECT_THAT(Errors(With("ramp_percent: 50", "ramp_percent: 1e999")),
              ElementsAre("test.yaml:4:19: ramp_percent must be a finite number, got '1e999'"));
}

// --- variants ---------------------------------------------------------------------------------

TEST(ConfigValidationTest, VariantsRequired) {
  EXPECT_THAT(Errors("experiments:\n  - {key: a, namespaces: [n], ramp_percent: 1, "
                     "fallback_variant: x}\n"),
              ElementsAre("test.yaml:2:5: missing required key 'variants'"));
}

TEST(ConfigValidationTest, AtLeastTwoVariants) {
  EXPECT_THAT(Errors(With("      - {name: treatment, weight: 50, blend: {alpha: 0.5, beta: 0.35, "
                          "gamma: 0.15}}\n",
                          "")),
              ElementsAre("test.yaml:6:5: an experiment needs at least 2 variants, got 1",
                          "test.yaml:6:5: variant weights must sum to 100, got 50"));
  EXPECT_THAT(Errors("experiments:\n  - {key: a, namespaces: [n], ramp_percent: 1, "
                     "fallback_variant: x, variants: []}\n"),
              ElementsAre("test.yaml:2:69: an experiment needs at least 2 variants, got 0"));
}

TEST(ConfigValidationTest, VariantsMustBeAList) {
  EXPECT_THAT(Errors("experiments:\n  - {key: a, namespaces: [n], ramp_percent: 1, "
                     "fallback_variant: x, variants: {x: 1}}\n"),
              ElementsAre("test.yaml:2:79: variants must be a list, got a map"));
}

TEST(ConfigValidationTest, VariantMustBeAMap) {
  EXPECT_THAT(Errors(With("      - {name: treatment", "      - oops\n      - {name: treatment")),
              ElementsAre("test.yaml:8:9: variant must be a map, got 'oops'"));
}

TEST(ConfigValidationTest, VariantNameRequiredNonEmptyUnique) {
  EXPECT_THAT(Errors(With("{name: treatment, ", "{")),
              ElementsAre("test.yaml:8:9: missing required key 'name'"));
  EXPECT_THAT(Errors(With("name: treatment", "name: \"\"")),
              ElementsAre("test.yaml:8:16: variant name must not be empty"));
  EXPECT_THAT(Errors(With("name: treatment", "name: control")),
              ElementsAre("test.yaml:8:16: duplicate variant name 'control' (first at line 7)"));
}

TEST(ConfigValidationTest, WeightRequiredFiniteNonNegative) {
  EXPECT_THAT(Errors(With("{name: control, weight: 50, ", "{name: control, ")),
              ElementsAre("test.yaml:7:9: missing required key 'weight'"));
  EXPECT_THAT(Errors(With("control, weight: 50", "control, weight: -10")),
              ElementsAre("test.yaml:7:33: weight must not be negative, got '-10'"));
  EXPECT_THAT(Errors(With("control, weight: 50", "control, weight: .inf")),
              ElementsAre("test.yaml:7:33: weight must be a finite number, got '.inf'"));
}

TEST(ConfigValidationTest, WeightsMustSumTo100) {
  EXPECT_THAT(Errors(With("control, weight: 50", "control, weight: 40")),
              ElementsAre("test.yaml:6:5: variant weights must sum to 100, got 90"));
  EXPECT_THAT(Errors(With("control, weight: 50", "control, weight: 50.000001")),
              ElementsAre("test.yaml:6:5: variant weights must sum to 100, got 100.000001"));
  // Within the 1e-9 tolerance: thirds written out as decimals.
  const std::string thirds = R"(experiments:
  - key: thirds
    namespaces: [default]
    ramp_percent: 100
    fallback_variant: a
    variants:
      - {name: a, weight: 33.3333333333333, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: b, weight: 33.3333333333333, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: c, weight: 33.3333333333334, blend: {alpha: 1, beta: 0, gamma: 0}}
)";
  EXPECT_THAT(Errors(thirds), ElementsAre("<parsed OK>"));
}

TEST(ConfigValidationTest, ZeroWeightVariantIsAllowed) {
  const std::string yaml =
      absl::StrReplaceAll(kValid, {{"control, weight: 50", "control, weight: 0"},
                                   {"treatment, weight: 50", "treatment, weight: 100"}});
  EXPECT_THAT(Errors(yaml), ElementsAre("<parsed OK>"));
}

TEST(ConfigValidationTest, BlendComponentsRequiredFiniteNonNegative) {
  EXPECT_THAT(Errors(With("beta: 0.3, gamma: 0.1}", "beta: 0.3}")),
              ElementsAre("test.yaml:7:44: missing required key 'gamma'"));
  EXPECT_THAT(Errors(With("alpha: 0.6", "alpha: -0.1")),
              ElementsAre("test.yaml:7:52: alpha must not be negative, got '-0.1'"));
  EXPECT_THAT(Errors(With("beta: 0.3,", "beta: .inf,")),
              ElementsAre("test.yaml:7:63: beta must be a finite number, got '.inf'"));
  EXPECT_THAT(Errors(With("gamma: 0.1}", "gamma: x}")),
              ElementsAre("test.yaml:7:75: gamma must be a number, got 'x'"));
}

// --- fallback_variant -------------------------------------------------------------------------

TEST(ConfigValidationTest, FallbackVariantRequired) {
  EXPECT_THAT(Errors(With("    fallback_variant: control\n", "")),
              ElementsAre("test.yaml:2:5: missing required key 'fallback_variant'"));
}

TEST(ConfigValidationTest, FallbackVariantMustExist) {
  EXPECT_THAT(Errors(With("fallback_variant: control", "fallback_variant: contro")),
              ElementsAre("test.yaml:5:23: fallback_variant names unknown variant 'contro' "
                          "(variants: 'control', 'treatment')"));
}

// --- overrides --------------------------------------------------------------------------------

std::string WithOverrides(const std::string& overrides) {
  return absl::StrCat(kValid, "    overrides: ", overrides, "\n");
}

TEST(ConfigValidationTest, OverrideMustNameAVariant) {
  EXPECT_THAT(Errors(WithOverrides("{qa-1: treatment, qa-2: nope}")),
              ElementsAre("test.yaml:9:40: override for user 'qa-2' names unknown variant 'nope' "
                          "(variants: 'control', 'treatment')"));
}

TEST(ConfigValidationTest, OverrideUserIdMustBeValid) {
  EXPECT_THAT(Errors(WithOverrides("{\"\": treatment}")),
              ElementsAre("test.yaml:9:17: invalid override user id '': user_id is empty"));
  EXPECT_THAT(
      Errors(WithOverrides(absl::StrCat("{", std::string(257, 'u'), ": treatment}"))),
      ElementsAre(absl::StrCat("test.yaml:9:17: invalid override user id '", std::string(80, 'u'),
                               "...': user_id is 257 bytes; the limit is 256")));
  // A YAML file must be UTF-8: the parser refuses the byte itself.
  EXPECT_THAT(Errors(WithOverrides("{\"bad\xff\": treatment}")),
              ElementsAre("test.yaml:9:21: invalid leading UTF-8 octet"));
}

TEST(ConfigValidationTest, OverrideShapes) {
  EXPECT_THAT(Errors(WithOverrides("[qa-1]")),
              ElementsAre("test.yaml:9:16: overrides must be a map of user id to variant, got a "
                          "list"));
  EXPECT_THAT(Errors(WithOverrides("{qa-1: [treatment]}")),
              ElementsAre("test.yaml:9:23: override variant must be a string, got a list"));
  EXPECT_THAT(Errors(WithOverrides("{qa-1: treatment, qa-1: control}")),
              ElementsAre("test.yaml:9:34: duplicate override for user 'qa-1' (first at line 9)"));
  // Every entry commented out leaves an empty value: no overrides, not an error.
  EXPECT_THAT(Errors(WithOverrides("\n      # qa-1: treatment")), ElementsAre("<parsed OK>"));
}

// --- seed -------------------------------------------------------------------------------------

TEST(ConfigValidationTest, SeedMustBeNonEmptyUtf8) {
  const std::string with_seed =
      With("    ramp_percent: 50\n", "    ramp_percent: 50\n    seed: S\n");
  EXPECT_THAT(Errors(absl::StrReplaceAll(with_seed, {{"seed: S", "seed: \"\""}})),
              ElementsAre("test.yaml:5:11: seed must not be empty"));
  EXPECT_THAT(Errors(absl::StrReplaceAll(with_seed, {{"seed: S", "seed: \"x\xc3\x28\""}})),
              ElementsAre("test.yaml:5:14: invalid trailing UTF-8 octet"));
  EXPECT_THAT(Errors(absl::StrReplaceAll(with_seed, {{"seed: S", "seed: [a]"}})),
              ElementsAre("test.yaml:5:11: seed must be a string, got a list"));
}

// --- collecting -------------------------------------------------------------------------------

TEST(ConfigValidationTest, AllErrorsAreReportedInFileOrder) {
  std::string yaml = With("ramp_percent: 50", "ramp_percent: 500");
  yaml = absl::StrReplaceAll(yaml, {{"key: exp_a", "key: \"exp a\""},
                                    {"fallback_variant: control", "fallback_variant: nope"},
                                    {"gamma: 0.15", "gamma: -1"}});
  EXPECT_THAT(Errors(yaml),
              ElementsAre("test.yaml:2:10: key 'exp a' may contain only letters, digits, '_', '.' "
                          "and '-'",
                          "test.yaml:4:19: ramp_percent must be within 0..100, got '500'",
                          "test.yaml:5:23: fallback_variant names unknown variant 'nope' "
                          "(variants: 'control', 'treatment')",
                          "test.yaml:8:78: gamma must not be negative, got '-1'"));
}

TEST(ConfigValidationTest, ErrorsInSeveralExperimentsAreAllReported) {
  const std::string second = R"(  - key: exp_b
    namespaces: [other]
    ramp_percent: 101
    fallback_variant: x
    variants:
      - {name: x, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: y, weight: 40, blend: {alpha: 1, beta: 0, gamma: 0}}
)";
  EXPECT_THAT(Errors(absl::StrCat(With("ramp_percent: 50", "ramp_percent: -5"), second)),
              ElementsAre("test.yaml:4:19: ramp_percent must be within 0..100, got '-5'",
                          "test.yaml:11:19: ramp_percent must be within 0..100, got '101'",
                          "test.yaml:13:5: variant weights must sum to 100, got 90"));
}

}  // namespace
}  // namespace assignd::config
