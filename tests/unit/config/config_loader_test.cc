// What a valid file turns into (every field, defaults, versions) and how BLEND_WEIGHTS_OVERRIDES
// are applied. Rule violations are in config_validation_test.cc.
#include "server/config/config_loader.h"

#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/config_version.h"
#include "tests/unit/config/valid_config_yaml.h"

namespace assignd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr const char* kValid = testing::kValidConfigYaml;

BlendOverrides Overrides(std::string_view text) {
  absl::StatusOr<BlendOverrides> parsed = ParseBlendOverrides(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : BlendOverrides{};
}

std::vector<std::string> Errors(std::string_view yaml, const BlendOverrides& overrides) {
  const absl::StatusOr<core::Config> config = ParseConfig(yaml, "test.yaml", overrides);
  if (config.ok()) return {"<parsed OK>"};
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  return absl::StrSplit(std::string(config.status().message()), '\n');
}

TEST(ParseConfigTest, DefaultsForOptionalFields) {
  const absl::StatusOr<core::Config> config = ParseConfig(kValid, "dir/test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source_path, "dir/test.yaml");
  ASSERT_EQ(config->experiments.size(), 1u);
  const core::Experiment& e = config->experiments[0];
  EXPECT_EQ(e.key, "exp_a");
  EXPECT_EQ(e.namespaces, std::vector<std::string>{"default"});
  EXPECT_EQ(e.ramp_percent, 50);
  EXPECT_FALSE(e.kill_switch);
  EXPECT_TRUE(e.active);
  EXPECT_FALSE(e.allow_reassignment);
  EXPECT_EQ(e.seed_template, "{namespace}:{key}");
  EXPECT_EQ(e.fallback_index, 0);
  EXPECT_THAT(e.overrides, IsEmpty());
  ASSERT_EQ(e.variants.size(), 2u);
  EXPECT_EQ(e.variants[0].name, "control");
  EXPECT_EQ(e.variants[0].weight_percent, 50);
  EXPECT_EQ(e.variants[0].blend, (core::BlendWeights{0.6, 0.3, 0.1}));
  EXPECT_EQ(e.variants[1].name, "treatment");
  EXPECT_EQ(e.variants[1].weight_percent, 50);
  EXPECT_EQ(e.variants[1].blend, (core::BlendWeights{0.5, 0.35, 0.15}));
}

TEST(ParseConfigTest, EveryFieldIsRead) {
  const std::string yaml = R"(experiments:
  - key: exp_b
    namespaces: [web, mobile]
    ramp_percent: 0.5
    kill_switch: true
    active: false
    seed: "custom:{key}"
    allow_reassignment: true
    fallback_variant: c
    variants:
      - {name: a, weight: 20, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: b, weight: 30.5, blend: {alpha: 0, beta: 1e-3, gamma: 0}}
      - {name: c, weight: 49.5, blend: {alpha: 0, beta: 0, gamma: 2}}
    overrides: {u1: b, "user two": c}
)";
  const absl::StatusOr<core::Config> config = ParseConfig(yaml, "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->experiments.size(), 1u);
  const core::Experiment& e = config->experiments[0];
  EXPECT_EQ(e.namespaces, (std::vector<std::string>{"web", "mobile"}));
  EXPECT_EQ(e.ramp_percent, 0.5);
  EXPECT_TRUE(e.kill_switch);
  EXPECT_FALSE(e.active);
  EXPECT_EQ(e.seed_template, "custom:{key}");
  EXPECT_TRUE(e.allow_reassignment);
  EXPECT_EQ(e.fallback_index, 2);
  ASSERT_EQ(e.variants.size(), 3u);
  EXPECT_EQ(e.variants[1].weight_percent, 30.5);
  EXPECT_EQ(e.variants[1].blend, (core::BlendWeights{0, 0.001, 0}));
  EXPECT_EQ(e.variants[2].blend, (core::BlendWeights{0, 0, 2}));
  EXPECT_THAT(e.overrides, UnorderedElementsAre(Pair("u1", 1), Pair("user two", 2)));
}

TEST(ParseConfigTest, YamlSpellingsOfBoolsAndNumbers) {
  std::string yaml(kValid);
  yaml.replace(yaml.find("ramp_percent: 50"), 16,
               "ramp_percent: !!float 1.5e1\n    kill_switch: TRUE\n    active: False");
  const absl::StatusOr<core::Config> config = ParseConfig(yaml, "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->experiments[0].ramp_percent, 15);
  EXPECT_TRUE(config->experiments[0].kill_switch);
  EXPECT_FALSE(config->experiments[0].active);
}

TEST(ParseConfigTest, ExperimentsKeepFileOrder) {
  const std::string yaml = absl::StrCat(kValid, R"(  - key: exp_0
    namespaces: [other]
    ramp_percent: 1
    fallback_variant: x
    variants:
      - {name: x, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
      - {name: y, weight: 50, blend: {alpha: 1, beta: 0, gamma: 0}}
)");
  const absl::StatusOr<core::Config> config = ParseConfig(yaml, "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->experiments.size(), 2u);
  EXPECT_EQ(config->experiments[0].key, "exp_a");
  EXPECT_EQ(config->experiments[1].key, "exp_0");
}

// --- version ------------------------------------------------------------------------------------

TEST(ConfigVersionTest, Fnv1a64KnownVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325u);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cu);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8u);
  EXPECT_EQ(Fnv1a64("bar", Fnv1a64("foo")), Fnv1a64("foobar"));
}

TEST(ConfigVersionTest, HashesTextZeroByteAndCanonicalOverrides) {
  const BlendOverrides overrides = Overrides("exp_a/treatment:beta=0.4, alpha=0.5");
  std::string bytes(kValid);
  bytes.push_back('\0');
  bytes += "exp_a/treatment:alpha=0.5,beta=0.4";
  char expected[17];
  std::snprintf(expected, sizeof(expected), "%016llx",
                static_cast<unsigned long long>(Fnv1a64(bytes)));
  const absl::StatusOr<core::Config> config = ParseConfig(kValid, "test.yaml", overrides);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->version, expected);
  EXPECT_EQ(ConfigVersion(kValid, overrides), expected);
}

TEST(ConfigVersionTest, SixteenLowercaseHexDigitsEvenWithLeadingZeros) {
  const absl::StatusOr<core::Config> config = ParseConfig("experiments: []\n", "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->version, MatchesRegex("[0-9a-f]{16}"));
  // Found by search: this text's hash has a leading zero nibble, which must be kept.
  std::string text;
  for (int i = 0;; ++i) {
    text = absl::StrCat("# ", i, "\nexperiments: []\n");
    if ((Fnv1a64(std::string_view("\0", 1), Fnv1a64(text)) >> 60) == 0) break;
  }
  const std::string version = ConfigVersion(text, {});
  EXPECT_EQ(version.size(), 16u);
  EXPECT_EQ(version[0], '0');
}

TEST(ConfigVersionTest, StableForSameInputs) {
  const BlendOverrides overrides = Overrides("exp_a/control:gamma=0.2");
  const absl::StatusOr<core::Config> a = ParseConfig(kValid, "a.yaml", overrides);
  const absl::StatusOr<core::Config> b = ParseConfig(kValid, "elsewhere/b.yaml", overrides);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->version, b->version) << "the path is not part of the version";
}

TEST(ConfigVersionTest, ChangesWithTextOrOverrides) {
  const std::string plain = ConfigVersion(kValid, {});
  EXPECT_NE(ConfigVersion(absl::StrCat(kValid, "# comment\n"), {}), plain);
  const std::string with_alpha = ConfigVersion(kValid, Overrides("exp_a/control:alpha=0.7"));
  const std::string with_other_alpha = ConfigVersion(kValid, Overrides("exp_a/control:alpha=0.71"));
  EXPECT_NE(with_alpha, plain);
  EXPECT_NE(with_alpha, with_other_alpha);
}

TEST(ConfigVersionTest, OverrideSpellingAndOrderDoNotMatter) {
  EXPECT_EQ(
      ConfigVersion(kValid, Overrides("exp_a/control:alpha=0.7;exp_a/treatment:beta=1")),
      ConfigVersion(kValid, Overrides(" exp_a/treatment : beta=1.0 ; exp_a/control:alpha=.7")));
}

// --- BLEND_WEIGHTS_OVERRIDES ------------------------------------------------------------------

TEST(ApplyBlendOverridesTest, ReplacesOnlyTheNamedComponents) {
  const absl::StatusOr<core::Config> config =
      ParseConfig(kValid, "test.yaml", Overrides("exp_a/treatment:alpha=0.9,gamma=0"));
  ASSERT_TRUE(config.ok()) << config.status();
  const core::Experiment& e = config->experiments[0];
  EXPECT_EQ(e.variants[0].blend, (core::BlendWeights{0.6, 0.3, 0.1}));
  EXPECT_EQ(e.variants[1].blend, (core::BlendWeights{0.9, 0.35, 0}));
}

TEST(ApplyBlendOverridesTest, UnknownExperiment) {
  EXPECT_THAT(Errors(kValid, Overrides("exp_z/control:alpha=1")),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: 'exp_z/control': no experiment 'exp_z' in "
                          "test.yaml"));
}

TEST(ApplyBlendOverridesTest, UnknownVariant) {
  EXPECT_THAT(Errors(kValid, Overrides("exp_a/contrl:alpha=1")),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: 'exp_a/contrl': experiment 'exp_a' has no "
                          "variant 'contrl'"));
}

TEST(ApplyBlendOverridesTest, ResultMustStillBeValid) {
  // Overrides built in code bypass ParseBlendOverrides' checks.
  BlendOverride bad;
  bad.experiment = "exp_a";
  bad.variant = "control";
  bad.alpha = -1;
  bad.gamma = std::numeric_limits<double>::infinity();
  EXPECT_THAT(Errors(kValid, {bad}),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: 'exp_a/control': alpha must be finite and >= "
                          "0, got -1",
                          "BLEND_WEIGHTS_OVERRIDES: 'exp_a/control': gamma must be finite and >= "
                          "0, got inf"));
}

TEST(ApplyBlendOverridesTest, SamePairTwice) {
  BlendOverride o;
  o.experiment = "exp_a";
  o.variant = "control";
  o.alpha = 0.1;
  EXPECT_THAT(Errors(kValid, {o, o}),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: 'exp_a/control': given more than once"));
}

TEST(ApplyBlendOverridesTest, ReportedAfterFileErrors) {
  std::string yaml(kValid);
  yaml.replace(yaml.find("ramp_percent: 50"), 16, "ramp_percent: 500");
  EXPECT_THAT(Errors(yaml, Overrides("nope/control:alpha=1")),
              ElementsAre("test.yaml:4:19: ramp_percent must be within 0..100, got '500'",
                          "BLEND_WEIGHTS_OVERRIDES: 'nope/control': no experiment 'nope' in "
                          "test.yaml"));
}

TEST(ApplyBlendOverridesTest, MayTargetInactiveExperiments) {
  std::string yaml(kValid);
  yaml.replace(yaml.find("ramp_percent: 50"), 16, "ramp_percent: 50\n    active: false");
  const absl::StatusOr<core::Config> config =
      ParseConfig(yaml, "test.yaml", Overrides("exp_a/control:beta=0.25"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->experiments[0].variants[0].blend.beta, 0.25);
}

// --- robustness ---------------------------------------------------------------------------------

TEST(ParseConfigTest, HostileInputNeverThrows) {
  const std::vector<std::string> inputs = {
      std::string(100000, '['),
      std::string(5000, '{') + "a",
      "\t- tab indented",
      std::string("\0\x01\x02\xff\xfe", 5),
      "experiments: &a [*a]",
      "experiments: !!binary AAAA",
      "? [complex, key]\n: value\n",
  };
  for (const std::string& input : inputs) {
    absl::StatusOr<core::Config> config;
    EXPECT_NO_THROW(config = ParseConfig(input, "hostile.yaml")) << input.substr(0, 40);
    EXPECT_FALSE(config.ok()) << input.substr(0, 40);
  }
}

}  // namespace
}  // namespace assignd::config
