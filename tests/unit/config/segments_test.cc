// The optional top-level `segments` list: what is read, and every rule with its line:column.
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/config_loader.h"
#include "tests/unit/config/valid_config_yaml.h"

namespace assignd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kExperiments = testing::kValidConfigYaml;

// kExperiments (lines 1..8) followed by `segments_yaml` from line 9 on.
std::vector<std::string> Errors(std::string_view segments_yaml) {
  const absl::StatusOr<core::Config> config =
      ParseConfig(std::string(kExperiments) + std::string(segments_yaml), "test.yaml");
  if (config.ok()) return {"<parsed OK>"};
  return absl::StrSplit(std::string(config.status().message()), '\n');
}

TEST(SegmentsTest, ReadsAttributesAndValuesInOrder) {
  const absl::StatusOr<core::Config> config = ParseConfig(absl::StrCat(kExperiments, R"(segments:
  - {attribute: device_type, values: [mobile, desktop, tablet]}
  - attribute: user_type
    values: [new, returning]
)"),
                                                          "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->segments.size(), 2u);
  EXPECT_EQ(config->segments[0].attribute, "device_type");
  EXPECT_THAT(config->segments[0].values, ElementsAre("mobile", "desktop", "tablet"));
  EXPECT_EQ(config->segments[1].attribute, "user_type");
  EXPECT_THAT(config->segments[1].values, ElementsAre("new", "returning"));
}

TEST(SegmentsTest, AbsentOrEmptyMeansNone) {
  for (const std::string_view yaml : {"", "segments:\n", "segments: []\n"}) {
    const absl::StatusOr<core::Config> config =
        ParseConfig(std::string(kExperiments) + std::string(yaml), "test.yaml");
    ASSERT_TRUE(config.ok()) << yaml << config.status();
    EXPECT_THAT(config->segments, IsEmpty());
  }
}

TEST(SegmentsTest, SegmentsChangeTheVersion) {
  const absl::StatusOr<core::Config> without = ParseConfig(kExperiments, "test.yaml");
  const absl::StatusOr<core::Config> with =
      ParseConfig(absl::StrCat(kExperiments, "segments: [{attribute: surface, values: [home]}]\n"),
                  "test.yaml");
  ASSERT_TRUE(without.ok() && with.ok());
  EXPECT_NE(without->version, with->version);
}

TEST(SegmentsTest, ShapeErrors) {
  EXPECT_THAT(Errors("segments: 5\n"),
              ElementsAre("test.yaml:9:11: segments must be a list, got '5'"));
  EXPECT_THAT(Errors("segments: [device_type]\n"),
              ElementsAre("test.yaml:9:12: segment must be a map, got 'device_type'"));
  EXPECT_THAT(Errors("segments: [{attribute: a, values: x}]\n"),
              ElementsAre("test.yaml:9:35: values must be a list, got 'x'"));
  EXPECT_THAT(Errors("segments: [{attribute: a, values: []}]\n"),
              ElementsAre("test.yaml:9:35: values must not be empty"));
}

TEST(SegmentsTest, MissingAndUnknownKeys) {
  EXPECT_THAT(Errors("segments: [{attribute: a}]\n"),
              ElementsAre("test.yaml:9:12: missing required key 'values'"));
  EXPECT_THAT(Errors("segments: [{attribut: a, values: [x]}]\n"),
              ElementsAre("test.yaml:9:12: missing required key 'attribute'",
                          "test.yaml:9:13: unknown key 'attribut' (did you mean 'attribute'?)"));
}

TEST(SegmentsTest, NamesAndValuesArePlainLabels) {
  EXPECT_THAT(Errors("segments: [{attribute: 'device type', values: [a]}]\n"),
              ElementsAre("test.yaml:9:24: attribute 'device type' must match "
                          "[A-Za-z0-9_.-]{1,64}"));
  EXPECT_THAT(Errors("segments: [{attribute: d, values: [ok, 'not ok']}]\n"),
              ElementsAre("test.yaml:9:40: segment value 'not ok' must match "
                          "[A-Za-z0-9_.-]{1,64}"));
  EXPECT_THAT(Errors("segments: [{attribute: d, values: [a, other]}]\n"),
              ElementsAre("test.yaml:9:39: segment value 'other' is reserved for values outside "
                          "the list"));
}

TEST(SegmentsTest, DuplicatesAreErrors) {
  EXPECT_THAT(Errors("segments: [{attribute: d, values: [a, b, a]}]\n"),
              ElementsAre("test.yaml:9:42: duplicate segment value 'a'"));
  EXPECT_THAT(
      Errors("segments:\n  - {attribute: d, values: [a]}\n  - {attribute: d, values: [b]}\n"),
      ElementsAre("test.yaml:11:17: duplicate segment attribute 'd' (first at line 10)"));
}

TEST(SegmentsTest, CardinalityIsBounded) {
  std::string many_values = "segments: [{attribute: d, values: [";
  for (int i = 0; i < 21; ++i) absl::StrAppend(&many_values, i == 0 ? "" : ", ", "v", i);
  absl::StrAppend(&many_values, "]}]\n");
  EXPECT_THAT(Errors(many_values),
              ElementsAre("test.yaml:9:35: values has 21 entries; at most 20 are allowed"));
  std::string many_segments = "segments:\n";
  for (int i = 0; i < 9; ++i)
    absl::StrAppend(&many_segments, "  - {attribute: a", i, ", values: [x]}\n");
  EXPECT_THAT(Errors(many_segments),
              ElementsAre("test.yaml:10:3: segments has 9 entries; at most 8 are allowed"));
}

}  // namespace
}  // namespace assignd::config
