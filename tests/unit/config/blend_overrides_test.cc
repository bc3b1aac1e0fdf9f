#include "server/config/blend_overrides.h"

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace assignd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

// The error lines of parsing `text`, which must fail.
std::vector<std::string> Errors(std::string_view text) {
  const absl::StatusOr<BlendOverrides> parsed = ParseBlendOverrides(text);
  EXPECT_FALSE(parsed.ok()) << text;
  if (parsed.ok()) return {};
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return absl::StrSplit(std::string(parsed.status().message()), '\n');
}

TEST(ParseBlendOverridesTest, EmptyOrBlankMeansNone) {
  for (const std::string_view text : {"", " ", " \t\n "}) {
    const absl::StatusOr<BlendOverrides> parsed = ParseBlendOverrides(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_THAT(*parsed, IsEmpty());
  }
}

TEST(ParseBlendOverridesTest, HeaderExample) {
  const absl::StatusOr<BlendOverrides> parsed =
      ParseBlendOverrides("blend_weights_v2/challenger_a:alpha=0.5,beta=0.35,gamma=0.15");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  const BlendOverride& o = (*parsed)[0];
  EXPECT_EQ(o.experiment, "blend_weights_v2");
  EXPECT_EQ(o.variant, "challenger_a");
  EXPECT_THAT(o.alpha, Optional(0.5));
  EXPECT_THAT(o.beta, Optional(0.35));
  EXPECT_THAT(o.gamma, Optional(0.15));
}

TEST(ParseBlendOverridesTest, SeveralEntriesPartialNamesAndWhitespace) {
  const absl::StatusOr<BlendOverrides> parsed =
      ParseBlendOverrides("  exp_a / v1 : gamma = 1e-1 ;exp.b/v-2:beta=2 , alpha=0  ");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].experiment, "exp_a");
  EXPECT_EQ((*parsed)[0].variant, "v1");
  EXPECT_EQ((*parsed)[0].alpha, std::nullopt);
  EXPECT_EQ((*parsed)[0].beta, std::nullopt);
  EXPECT_THAT((*parsed)[0].gamma, Optional(0.1));
  EXPECT_EQ((*parsed)[1].experiment, "exp.b");
  EXPECT_EQ((*parsed)[1].variant, "v-2");
  EXPECT_THAT((*parsed)[1].alpha, Optional(0.0));
  EXPECT_THAT((*parsed)[1].beta, Optional(2.0));
  EXPECT_EQ((*parsed)[1].gamma, std::nullopt);
}

TEST(ParseBlendOverridesTest, MissingColon) {
  EXPECT_THAT(Errors("exp/var"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 0 in entry 'exp/var': expected "
                          "'<experiment>/<variant>:<name>=<value>[,...]'"));
}

TEST(ParseBlendOverridesTest, TargetNeedsExactlyOneSlash) {
  EXPECT_THAT(Errors("exp:alpha=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 0 in entry 'exp:alpha=1': expected "
                          "exactly one '/' between experiment and variant before ':'"));
  EXPECT_THAT(Errors("a/b/c:alpha=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 0 in entry 'a/b/c:alpha=1': expected "
                          "exactly one '/' between experiment and variant before ':'"));
}

TEST(ParseBlendOverridesTest, MissingExperimentOrVariant) {
  EXPECT_THAT(Errors(" /var:alpha=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 1 in entry '/var:alpha=1': missing "
                          "experiment name before '/'"));
  EXPECT_THAT(Errors("exp/ :alpha=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 4 in entry 'exp/ :alpha=1': missing "
                          "variant name after '/'"));
}

TEST(ParseBlendOverridesTest, MissingAssignments) {
  EXPECT_THAT(Errors("exp/var: "),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 8 in entry 'exp/var:': missing "
                          "'<name>=<value>' after ':'"));
  EXPECT_THAT(Errors("exp/var:alpha=1,"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 16 in entry 'exp/var:alpha=1,': "
                          "missing '<name>=<value>' (stray ','?)"));
  EXPECT_THAT(Errors("exp/var:alpha"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 8 in entry 'exp/var:alpha': expected "
                          "'<name>=<value>', got 'alpha'"));
}

TEST(ParseBlendOverridesTest, MissingNameOrValue) {
  EXPECT_THAT(Errors("exp/var:=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 8 in entry 'exp/var:=1': missing name "
                          "before '='"));
  EXPECT_THAT(Errors("exp/var:alpha= "),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 14 in entry 'exp/var:alpha=': missing "
                          "value for 'alpha'"));
}

TEST(ParseBlendOverridesTest, UnknownName) {
  EXPECT_THAT(Errors("exp/var:alpah=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 8 in entry 'exp/var:alpah=1': unknown "
                          "name 'alpah' (did you mean 'alpha'?)"));
  EXPECT_THAT(Errors("exp/var:weight=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 8 in entry 'exp/var:weight=1': unknown "
                          "name 'weight' (expected alpha, beta or gamma)"));
}

TEST(ParseBlendOverridesTest, DuplicateName) {
  EXPECT_THAT(Errors("exp/var:alpha=1,beta=1,alpha=2"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 23 in entry "
                          "'exp/var:alpha=1,beta=1,alpha=2': duplicate name 'alpha'"));
}

TEST(ParseBlendOverridesTest, ValueNotANumber) {
  EXPECT_THAT(Errors("exp/var:alpha=abc"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 14 in entry 'exp/var:alpha=abc': value "
                          "'abc' for 'alpha' is not a number"));
  EXPECT_THAT(Errors("exp/var:beta=0x1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 13 in entry 'exp/var:beta=0x1': value "
                          "'0x1' for 'beta' is not a number"));
  EXPECT_THAT(Errors("exp/var:beta=0.5.1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 13 in entry 'exp/var:beta=0.5.1': "
                          "value '0.5.1' for 'beta' is not a number"));
}

TEST(ParseBlendOverridesTest, ValueNotFinite) {
  for (const char* bad : {"inf", "-inf", "nan", "1e999"}) {
    const std::string text = absl::StrCat("exp/var:gamma=", bad);
    EXPECT_THAT(Errors(text),
                ElementsAre(absl::StrCat("BLEND_WEIGHTS_OVERRIDES: offset 14 in "
                                         "entry '",
                                         text, "': value '", bad, "' for 'gamma' must be finite")));
  }
}

TEST(ParseBlendOverridesTest, ValueNegative) {
  EXPECT_THAT(Errors("exp/var:alpha=-0.1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 14 in entry 'exp/var:alpha=-0.1': "
                          "value '-0.1' for 'alpha' must not be negative"));
}

TEST(ParseBlendOverridesTest, DuplicatePair) {
  EXPECT_THAT(Errors("a/b:alpha=1; c/d:beta=1; a/b:gamma=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 25 in entry 'a/b:gamma=1': duplicate "
                          "entry for 'a/b' (first at offset 0)"));
}

TEST(ParseBlendOverridesTest, EmptyEntry) {
  EXPECT_THAT(Errors("a/b:alpha=1;;c/d:beta=1"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 12 in entry '': empty entry (stray "
                          "';'?)"));
  EXPECT_THAT(Errors("a/b:alpha=1;"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 12 in entry '': empty entry (stray "
                          "';'?)"));
}

TEST(ParseBlendOverridesTest, AllProblemsAreReported) {
  EXPECT_THAT(Errors("a/b:alpha=x;c/d:beta=1,gama=2;e/f"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 10 in entry 'a/b:alpha=x': value 'x' "
                          "for 'alpha' is not a number",
                          "BLEND_WEIGHTS_OVERRIDES: offset 23 in entry 'c/d:beta=1,gama=2': "
                          "unknown name 'gama' (did you mean 'gamma'?)",
                          "BLEND_WEIGHTS_OVERRIDES: offset 30 in entry 'e/f': expected "
                          "'<experiment>/<variant>:<name>=<value>[,...]'"));
}

TEST(ParseBlendOverridesTest, EntryTextIsEscapedInMessages) {
  EXPECT_THAT(Errors("a/b:alpha=\n1x"),
              ElementsAre("BLEND_WEIGHTS_OVERRIDES: offset 11 in entry 'a/b:alpha=\\n1x': value "
                          "'1x' for 'alpha' is not a number"));
}

TEST(CanonicalBlendOverridesTest, EmptyIsEmpty) { EXPECT_EQ(CanonicalBlendOverrides({}), ""); }

TEST(CanonicalBlendOverridesTest, SortedFixedNameOrderShortestNumbers) {
  const absl::StatusOr<BlendOverrides> parsed =
      ParseBlendOverrides(" z/v : gamma=0.15, alpha=.5 ; a/w:beta=1e2;a/v:alpha=0.1");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(CanonicalBlendOverrides(*parsed),
            "a/v:alpha=0.1;a/w:beta=100;z/v:alpha=0.5,gamma=0.15");
}

TEST(CanonicalBlendOverridesTest, NegativeZeroIsZero) {
  const absl::StatusOr<BlendOverrides> parsed = ParseBlendOverrides("a/v:alpha=-0");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(CanonicalBlendOverrides(*parsed), "a/v:alpha=0");
}

TEST(CanonicalBlendOverridesTest, RoundTripsExactly) {
  BlendOverride o;
  o.experiment = "exp";
  o.variant = "v";
  o.alpha = 0.1 + 0.2;  // 0.30000000000000004: "%g" would lose it
  o.beta = 1e-300;
  o.gamma = 123456789.125;
  const std::string canonical = CanonicalBlendOverrides({o});
  EXPECT_EQ(canonical, "exp/v:alpha=0.30000000000000004,beta=1e-300,gamma=123456789.125");
  const absl::StatusOr<BlendOverrides> reparsed = ParseBlendOverrides(canonical);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  ASSERT_EQ(reparsed->size(), 1u);
  EXPECT_EQ((*reparsed)[0].alpha, o.alpha);
  EXPECT_EQ((*reparsed)[0].beta, o.beta);
  EXPECT_EQ((*reparsed)[0].gamma, o.gamma);
  EXPECT_EQ(CanonicalBlendOverrides(*reparsed), canonical);
}

}  // namespace
}  // namespace assignd::config
