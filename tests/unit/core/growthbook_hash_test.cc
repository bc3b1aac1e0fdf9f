// Unit tests of the GrowthBook hash and bucket ranges: UTF-16 semantics, the streaming FNV state,
// invalid UTF-8, and the floating-point traps from the hashing notes (values from the JS SDK).

#include "server/core/growthbook_hash.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/core/bucket_ranges.h"

namespace assignd::core {
namespace {

uint32_t Fnv(std::initializer_list<uint32_t> units) {
  uint32_t h = kFnvOffset;
  for (const uint32_t u : units) h = (h ^ u) * kFnvPrime;
  return h;
}

TEST(GrowthBookHashTest, Fnv1aOfAsciiIsByteFnv) {
  EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, ""), kFnvOffset);
  EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, "a"), 0xE40C292Cu);  // the published FNV-1a 32 of "a"
  EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, "foobar"), 0xBF9CF968u);
}

TEST(GrowthBookHashTest, NonAsciiIsHashedAsUtf16CodeUnits) {
  // é is U+00E9: one unit. 😀 is U+1F600: the surrogate pair D83D DE00. € is U+20AC.
  EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, "\xC3\xA9"), Fnv({0xE9}));
  EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, "\xE2\x82\xAC"), Fnv({0x20AC}));
  EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, "\xF0\x9F\x98\x80"), Fnv({0xD83D, 0xDE00}));
  EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, "a\xF4\x8F\xBF\xBFz"), Fnv({'a', 0xDBFF, 0xDFFF, 'z'}));
}

TEST(GrowthBookHashTest, StateContinuesTheStream) {
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"blend_weights_v2", "user-1"}, {"", "x"}, {"s\xC3\xBCrface", "\xF0\x9F\x98\x80-1"}}) {
    const std::optional<uint32_t> state = Fnv1a32Utf16(kFnvOffset, a);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(Fnv1a32Utf16(*state, b), Fnv1a32Utf16(kFnvOffset, a + b)) << a << " + " << b;
    EXPECT_EQ(HashV2FromSeedState(*state, b), GrowthBookHash(a, b, 2));
  }
}

TEST(GrowthBookHashTest, KnownValuesFromTheJsSdk) {
  // seed blend_weights_v2, hash v2, from @growthbook/growthbook 1.8.0 (and the hashing notes).
  const std::vector<std::pair<std::string, double>> expected = {
      {"user-0", 0.6788},
      {"user-1", 0.4946},
      {"user-2", 0.5618},
      {"user-3", 0.9621},
      {"user-4", 0.436},
      {"user-8", 0.1426},
      {"user-9", 0.5109},
      {"user-121", 0.0043},
      {"user-116", 0.5037},
      {"user-17202", 0.57},
      {"user-5178", 0.109},
      {"us\xC3\xA9r-1", 0.7648},          // usér-1: JS 0.7648 (Go SDK: 0.5736)
      {"user-\xF0\x9F\x98\x80", 0.3456},  // user-😀: JS 0.3456 (Go 0.9846, Python 0.0017)
  };
  for (const auto& [id, n] : expected) {
    EXPECT_EQ(GrowthBookHash("blend_weights_v2", id, 2), n) << id;
  }
  EXPECT_EQ(GrowthBookHash("", "\xF0\x9F\x98\x80", 2), 0.4971);
  EXPECT_EQ(GrowthBookHash("", "\xC3\xA9", 1), 0.94);
  EXPECT_EQ(GrowthBookHash("x", "\xF4\x8F\xBF\xBF", 2), 0.4903);
  EXPECT_EQ(GrowthBookHash("", "\xEF\xBF\xBD", 2), 0.3671);  // U+FFFD
}

TEST(GrowthBookHashTest, UnknownVersionsGiveNothing) {
  EXPECT_EQ(GrowthBookHash("abc", "def", 99), std::nullopt);
  EXPECT_EQ(GrowthBookHash("abc", "def", 0), std::nullopt);
  EXPECT_EQ(GrowthBookHash("abc", "def", 3), std::nullopt);
}

TEST(GrowthBookHashTest, InvalidUtf8IsRejected) {
  const std::vector<std::string> bad = {
      "\xFF",                  // never valid
      "\x80",                  // lone continuation byte
      "\xC0\x80",              // overlong NUL
      "\xE0\x80\xAF",          // overlong '/'
      "\xED\xA0\x80",          // UTF-16 surrogate D800 encoded
      "\xF4\x90\x80\x80",      // U+110000, above the last code point
      "\xE2\x82",              // truncated
      "ok\xC3",                // truncated at the end
      "\xC3(",                 // continuation byte missing
      "\xF8\x88\x80\x80\x80",  // 5-byte form
  };
  for (const std::string& s : bad) {
    EXPECT_FALSE(IsValidUtf8(s)) << testing::PrintToString(s);
    EXPECT_EQ(Fnv1a32Utf16(kFnvOffset, s), std::nullopt);
    EXPECT_EQ(GrowthBookHash("seed", s, 2), std::nullopt);
    EXPECT_EQ(GrowthBookHash("seed", s, 1), std::nullopt);
    EXPECT_EQ(GrowthBookHash(s, "user", 2), std::nullopt);
    EXPECT_EQ(HashV2FromSeedState(kFnvOffset, s), std::nullopt);
  }
  for (const std::string s :
       {"", "plain", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",
        "\xEF\xBF\xBF", "\xED\x9F\xBF" /* U+D7FF */, "\xEE\x80\x80" /* U+E000 */}) {
    EXPECT_TRUE(IsValidUtf8(s)) << testing::PrintToString(s);
  }
}

TEST(GrowthBookHashTest, HashesAreOnTheirGrids) {
  for (int i = 0; i < 2000; ++i) {
    const std::string id = "user-" + std::to_string(i);
    const double v2 = *GrowthBookHash("seed", id, 2);
    const double v1 = *GrowthBookHash("seed", id, 1);
    ASSERT_GE(v2, 0.0);
    ASSERT_LT(v2, 1.0);
    ASSERT_GE(v1, 0.0);
    ASSERT_LT(v1, 1.0);
    EXPECT_EQ(v2, static_cast<double>(static_cast<int>(v2 * 10000 + 0.5)) / 10000.0);
    EXPECT_EQ(v1, static_cast<double>(static_cast<int>(v1 * 1000 + 0.5)) / 1000.0);
  }
}

// The floating-point traps of the hashing notes: range ends are plain rounded IEEE doubles, with
// a separate multiply and add (no FMA) and no rounding to basis points.
TEST(BucketRangesTest, RangeEndsMatchJsDoublesExactly) {
  const std::vector<double> even = {0.5, 0.5};
  const std::vector<BucketRange> r14 = BucketRanges(2, 0.14, even);
  ASSERT_EQ(r14.size(), 2u);
  EXPECT_EQ(r14[0].start, 0.0);
  EXPECT_EQ(r14[0].end, 0.07);
  EXPECT_EQ(r14[1].start, 0.5);
  EXPECT_EQ(r14[1].end, 0.5700000000000001);  // not 0.57
  // user-17202 hashes to exactly 0.57 with seed blend_weights_v2, and is in variation 1.
  EXPECT_EQ(ChooseVariation(*GrowthBookHash("blend_weights_v2", "user-17202", 2), r14), 1);

  const std::vector<double> uneven = {0.1, 0.9};
  const std::vector<BucketRange> r01 = BucketRanges(2, 0.01, uneven);
  ASSERT_EQ(r01.size(), 2u);
  EXPECT_EQ(r01[0].end, 0.001);
  EXPECT_EQ(r01[1].start, 0.1);
  EXPECT_EQ(r01[1].end, 0.10900000000000001);  // 0.109 with a fused multiply-add
  // user-5178 hashes to exactly 0.109 and is in variation 1.
  EXPECT_EQ(ChooseVariation(*GrowthBookHash("blend_weights_v2", "user-5178", 2), r01), 1);
}

TEST(BucketRangesTest, InvalidWeightsFallBackToEqual) {
  const std::vector<double> short_weights = {1.0};
  const std::vector<double> low = {0.4, 0.4};
  const std::vector<double> high = {0.6, 0.6};
  for (const std::vector<double>& w : {short_weights, low, high}) {
    const std::vector<BucketRange> r = BucketRanges(2, 1.0, w);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].end, 0.5);
    EXPECT_EQ(r[1].start, 0.5);
    EXPECT_EQ(r[1].end, 1.0);
  }
  // Close to 1 is kept as it is, not renormalised: [0.9999, 1) is left unassigned.
  const std::vector<double> almost = {0.4999, 0.5};
  const std::vector<BucketRange> r = BucketRanges(2, 1.0, almost);
  EXPECT_EQ(r[0].end, 0.4999);
  EXPECT_EQ(r[1].end, 0.9999);
  EXPECT_EQ(ChooseVariation(0.9999, r), -1);
}

TEST(BucketRangesTest, CoverageIsClampedAndZeroWidthRangesNeverMatch) {
  const std::vector<BucketRange> zero = BucketRanges(2, -0.2, std::nullopt);
  ASSERT_EQ(zero.size(), 2u);
  EXPECT_EQ(zero[1].start, 0.5);
  EXPECT_EQ(zero[1].end, 0.5);
  EXPECT_EQ(ChooseVariation(0.5, zero), -1);
  EXPECT_EQ(ChooseVariation(0.0, zero), -1);
  const std::vector<BucketRange> full = BucketRanges(2, 1.5, std::nullopt);
  EXPECT_EQ(full[1].end, 1.0);
  EXPECT_TRUE(BucketRanges(0, 1.0, std::nullopt).empty());
}

}  // namespace
}  // namespace assignd::core
