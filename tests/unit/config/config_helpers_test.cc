// The small helpers behind the loader's messages and number handling.
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/key_suggestion.h"
#include "server/config/number_text.h"

namespace assignd::config {
namespace {

using ::testing::Optional;

constexpr std::string_view kKeys[] = {"key",      "namespaces",       "ramp_percent",
                                      "variants", "fallback_variant", "kill_switch"};

TEST(EditDistanceTest, CountsEditsAndAdjacentSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("ramp_precent", "ramp_percent"), 1);
  EXPECT_EQ(EditDistance("ab", "ba"), 1);
  EXPECT_EQ(EditDistance("abc", "abc"), 0);
}

TEST(ClosestKeyTest, SuggestsPlausibleTypos) {
  EXPECT_THAT(ClosestKey("ramp_precent", kKeys), Optional(std::string_view("ramp_percent")));
  EXPECT_THAT(ClosestKey("namespace", kKeys), Optional(std::string_view("namespaces")));
  EXPECT_THAT(ClosestKey("kill-switch", kKeys), Optional(std::string_view("kill_switch")));
  EXPECT_THAT(ClosestKey("KEY", kKeys), Optional(std::string_view("key")));
  EXPECT_THAT(ClosestKey("fallback", kKeys), std::nullopt);
  EXPECT_THAT(ClosestKey("colour", kKeys), std::nullopt);
  // Short names allow a single edit only: "kez" is, "kzz" is not, a typo of "key".
  EXPECT_THAT(ClosestKey("kez", kKeys), Optional(std::string_view("key")));
  EXPECT_THAT(ClosestKey("kzz", kKeys), std::nullopt);
}

TEST(FormatNumberTest, ShortestRoundTrip) {
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(100), "100");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatNumber(99.999999999), "99.999999999");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::infinity()), "inf");
}

TEST(ParseYamlNumberTest, AcceptsCoreSchemaNumbers) {
  EXPECT_THAT(ParseYamlNumber("50"), Optional(50.0));
  EXPECT_THAT(ParseYamlNumber("-0.5"), Optional(-0.5));
  EXPECT_THAT(ParseYamlNumber("+2"), Optional(2.0));
  EXPECT_THAT(ParseYamlNumber(".5"), Optional(0.5));
  EXPECT_THAT(ParseYamlNumber("5."), Optional(5.0));
  EXPECT_THAT(ParseYamlNumber("1e2"), Optional(100.0));
  EXPECT_THAT(ParseYamlNumber("1.5E-1"), Optional(0.15));
  EXPECT_THAT(ParseYamlNumber(".inf"), Optional(std::numeric_limits<double>::infinity()));
  EXPECT_THAT(ParseYamlNumber("-.Inf"), Optional(-std::numeric_limits<double>::infinity()));
  EXPECT_THAT(ParseYamlNumber("1e999"), Optional(std::numeric_limits<double>::infinity()));
  const std::optional<double> nan = ParseYamlNumber(".NaN");
  ASSERT_TRUE(nan.has_value());
  EXPECT_TRUE(std::isnan(*nan));
}

TEST(ParseYamlNumberTest, RejectsEverythingElse) {
  for (const std::string_view text :
       {"", "abc", ".", "-", "e5", "1e", "1e+", "0x10", "0o17", "1_000", "1,5", " 1", "1 ", "inf",
        "nan", "+-1", "--1", "1.2.3", "-.nan"}) {
    EXPECT_EQ(ParseYamlNumber(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace assignd::config
