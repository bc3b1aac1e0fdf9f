// GrowthBook's own SDK test suite (tests/data/growthbook-cases.json, specVersion 0.8.0), run
// against the core engine: every case of the hash, getBucketRange, chooseVariation,
// getEqualWeights and inNamespace sections, and the `run` cases that need no condition engine,
// URL handling or prerequisite features. The sections are read from the TSV files that
// tests/vectors/cases_to_tsv.mjs writes from the JSON.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/core/bucket_ranges.h"
#include "server/core/growthbook_hash.h"
#include "tests/unit/core/tsv_test_util.h"

namespace assignd::core {
namespace {

using ::assignd::test::ParseDouble;
using ::assignd::test::ParseDoubleList;
using ::assignd::test::ParseInt;
using ::assignd::test::ParseRanges;
using ::assignd::test::Split;
using ::assignd::test::TsvTable;

// The JS suite compares ranges and weights after Math.floor(x * 1e8) / 1e8.
double Round8(double x) { return std::floor(x * 1e8) / 1e8; }

// GrowthBook's inNamespace: always hash v1 of hashValue + "__" + nsId.
bool InNamespace(std::string_view hash_value, std::string_view ns_id, double start, double end) {
  const std::optional<double> n = GrowthBookHash("__" + std::string(ns_id), hash_value, 1);
  return n.has_value() && *n >= start && *n < end;
}

TEST(GrowthBookCasesTest, Hash) {
  const TsvTable table = TsvTable::Read("growthbook-cases-hash.tsv");
  ASSERT_EQ(table.size(), 15u);
  int null_cases = 0;
  for (size_t i = 0; i < table.size(); ++i) {
    const TsvTable::Row row = table.row(i);
    SCOPED_TRACE(absl::StrCat("hash[", i, "] seed=\"", row["seed"], "\" value=\"", row["value"],
                              "\" version=", row["version"]));
    const int version = ParseInt(row["version"]);
    const std::optional<double> n = GrowthBookHash(row["seed"], row["value"], version);
    if (row["expected"] == "null") {
      ++null_cases;
      EXPECT_FALSE(n.has_value());
      continue;
    }
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, ParseDouble(row["expected"]));  // exact, as the JS suite compares
    if (version == 2) {
      // The request path: seed state precomputed, then only the value hashed on top.
      const std::optional<uint32_t> state = Fnv1a32Utf16(kFnvOffset, row["seed"]);
      ASSERT_TRUE(state.has_value());
      EXPECT_EQ(HashV2FromSeedState(*state, row["value"]), n);
    }
  }
  EXPECT_EQ(null_cases, 1);  // version 99
}

TEST(GrowthBookCasesTest, GetBucketRange) {
  const TsvTable table = TsvTable::Read("growthbook-cases-getBucketRange.tsv");
  ASSERT_EQ(table.size(), 13u);
  for (size_t i = 0; i < table.size(); ++i) {
    const TsvTable::Row row = table.row(i);
    SCOPED_TRACE(absl::StrCat("getBucketRange[", i, "] ", row["name"]));
    std::optional<std::vector<double>> weights;
    if (row["weights"] != "null") weights = ParseDoubleList(row["weights"]);
    const std::vector<BucketRange> got =
        BucketRanges(ParseInt(row["num_variations"]), ParseDouble(row["coverage"]),
                     weights ? std::optional<std::span<const double>>(*weights) : std::nullopt);
    const std::vector<BucketRange> expected = ParseRanges(row["expected"]);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t r = 0; r < got.size(); ++r) {
      EXPECT_EQ(Round8(got[r].start), Round8(expected[r].start)) << "range " << r;
      EXPECT_EQ(Round8(got[r].end), Round8(expected[r].end)) << "range " << r;
    }
  }
}

TEST(GrowthBookCasesTest, ChooseVariation) {
  const TsvTable table = TsvTable::Read("growthbook-cases-chooseVariation.tsv");
  ASSERT_EQ(table.size(), 13u);
  for (size_t i = 0; i < table.size(); ++i) {
    const TsvTable::Row row = table.row(i);
    SCOPED_TRACE(absl::StrCat("chooseVariation[", i, "] ", row["name"]));
    const std::vector<BucketRange> ranges = ParseRanges(row["ranges"]);
    EXPECT_EQ(ChooseVariation(ParseDouble(row["n"]), ranges), ParseInt(row["expected"]));
  }
}

TEST(GrowthBookCasesTest, GetEqualWeights) {
  const TsvTable table = TsvTable::Read("growthbook-cases-getEqualWeights.tsv");
  ASSERT_EQ(table.size(), 6u);
  for (size_t i = 0; i < table.size(); ++i) {
    const TsvTable::Row row = table.row(i);
    SCOPED_TRACE(absl::StrCat("getEqualWeights[", i, "] n=", row["n"]));
    const std::vector<double> got = EqualWeights(ParseInt(row["n"]));
    const std::vector<double> expected = ParseDoubleList(row["expected"]);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t w = 0; w < got.size(); ++w) EXPECT_EQ(Round8(got[w]), Round8(expected[w]));
  }
}

TEST(GrowthBookCasesTest, InNamespace) {
  const TsvTable table = TsvTable::Read("growthbook-cases-inNamespace.tsv");
  ASSERT_EQ(table.size(), 16u);
  for (size_t i = 0; i < table.size(); ++i) {
    const TsvTable::Row row = table.row(i);
    SCOPED_TRACE(absl::StrCat("inNamespace[", i, "] ", row["name"]));
    EXPECT_EQ(
        InNamespace(row["id"], row["ns_id"], ParseDouble(row["start"]), ParseDouble(row["end"])),
        row["expected"] == "true");
  }
}

// ---- run ----

// A context attribute as cases_to_tsv.mjs writes it: type s (string), n (number, as JS prints
// it), b (boolean) or z (null).
struct Attribute {
  char type = 'z';
  std::string text;
};

// JavaScript truthiness of an attribute value: GrowthBook excludes users whose hash value is falsy.
bool Truthy(const std::optional<Attribute>& a) {
  if (!a) return false;  // undefined
  switch (a->type) {
    case 's':
      return !a->text.empty();
    case 'n':
      return a->text != "0" && a->text != "-0" && a->text != "NaN";
    case 'b':
      return a->text == "true";
    default:
      return false;  // null
  }
}

struct Filter {
  std::string seed;
  std::optional<int> hash_version;
  std::string attribute;  // empty: "id"
  std::vector<BucketRange> ranges;
};

// One `run` case: the context and experiment fields the reference run below understands.
struct RunCase {
  std::optional<bool> enabled;
  bool qa_mode = false;
  std::map<std::string, Attribute, std::less<>> attributes;
  std::optional<int> forced_variation;  // context.forcedVariations[key]
  std::string key;
  std::string seed;
  std::optional<int> hash_version;
  std::string hash_attribute;
  std::vector<std::string> variations;  // each as JSON
  std::optional<bool> active;
  std::string status;
  std::optional<double> coverage;
  std::optional<std::vector<double>> weights;
  std::optional<int> force;
  struct Namespace {
    std::string id;
    double start = 0;
    double end = 0;
  };
  std::optional<Namespace> ns;
  std::vector<Filter> filters;
  std::optional<std::vector<BucketRange>> ranges;

  std::optional<Attribute> Lookup(std::string_view name) const {
    const auto it = attributes.find(name);
    if (it == attributes.end()) return std::nullopt;
    return it->second;
  }
};

std::optional<bool> ParseOptionalBool(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return text == "true";
}

RunCase ParseRunCase(const TsvTable::Row& row) {
  RunCase c;
  c.enabled = ParseOptionalBool(row["enabled"]);
  c.qa_mode = row["qa_mode"] == "true";
  if (!row["attributes"].empty()) {
    for (std::string_view item : Split(row["attributes"], ';')) {
      const std::vector<std::string_view> parts = Split(item, ':', 3);
      EXPECT_EQ(parts.size(), 3u) << "bad attribute " << item;
      if (parts.size() != 3 || parts[1].size() != 1) continue;
      c.attributes[std::string(parts[0])] = Attribute{parts[1][0], std::string(parts[2])};
    }
  }
  if (!row["forced_variation"].empty()) c.forced_variation = ParseInt(row["forced_variation"]);
  c.key = row["key"];
  c.seed = row["seed"];
  if (!row["hash_version"].empty()) c.hash_version = ParseInt(row["hash_version"]);
  c.hash_attribute = row["hash_attribute"];
  for (std::string_view v : Split(row["variations"], ';')) c.variations.emplace_back(v);
  c.active = ParseOptionalBool(row["active"]);
  c.status = row["status"];
  if (!row["coverage"].empty()) c.coverage = ParseDouble(row["coverage"]);
  if (!row["weights"].empty()) c.weights = ParseDoubleList(row["weights"]);
  if (!row["force"].empty()) c.force = ParseInt(row["force"]);
  if (!row["namespace"].empty()) {
    const std::vector<std::string_view> parts = Split(row["namespace"], ',');
    EXPECT_EQ(parts.size(), 3u);
    if (parts.size() == 3) {
      c.ns =
          RunCase::Namespace{std::string(parts[0]), ParseDouble(parts[1]), ParseDouble(parts[2])};
    }
  }
  if (!row["filters"].empty()) {
    for (std::string_view item : Split(row["filters"], '|')) {
      const std::vector<std::string_view> parts = Split(item, ';');
      EXPECT_EQ(parts.size(), 4u) << "bad filter " << item;
      if (parts.size() != 4) continue;
      Filter f;
      f.seed = std::string(parts[0]);
      if (!parts[1].empty()) f.hash_version = ParseInt(parts[1]);
      f.attribute = std::string(parts[2]);
      f.ranges = ParseRanges(parts[3]);
      c.filters.push_back(std::move(f));
    }
  }
  if (!row["ranges"].empty()) c.ranges = ParseRanges(row["ranges"]);
  return c;
}

struct RunResult {
  int variation = 0;  // index into variations
  bool in_experiment = false;
  bool hash_used = false;
};

// getExperimentResult: an index outside the variations gives variation 0, not in the experiment.
RunResult Result(const RunCase& c, int index, bool hash_used) {
  if (index < 0 || index >= static_cast<int>(c.variations.size())) return {0, false, hash_used};
  return {index, true, hash_used};
}

bool IsFilteredOut(const RunCase& c) {
  for (const Filter& f : c.filters) {
    const std::optional<Attribute> value = c.Lookup(f.attribute.empty() ? "id" : f.attribute);
    if (!Truthy(value)) return true;
    const std::optional<double> n = GrowthBookHash(f.seed, value->text, f.hash_version.value_or(2));
    if (!n) return true;
    if (ChooseVariation(*n, f.ranges) < 0) return true;  // in no range
  }
  return false;
}

// Test-side reference of GrowthBook's run(experiment), in the order of the hashing notes §5,
// over the engine's GrowthBookHash / BucketRanges / ChooseVariation.
RunResult ReferenceRun(const RunCase& c) {
  const RunResult exclude = Result(c, -1, false);
  if (c.variations.size() < 2) return exclude;                           // 1
  if (c.enabled == false) return exclude;                                // 2
  if (c.forced_variation) return Result(c, *c.forced_variation, false);  // 4
  if (c.status == "draft" || c.active == false) return exclude;          // 5
  const std::optional<Attribute> hash_value =                            // 6
      c.Lookup(c.hash_attribute.empty() ? "id" : c.hash_attribute);
  if (!Truthy(hash_value)) return exclude;
  if (!c.filters.empty()) {  // 7
    if (IsFilteredOut(c)) return exclude;
  } else if (c.ns && !InNamespace(hash_value->text, c.ns->id, c.ns->start, c.ns->end)) {
    return exclude;
  }
  const std::optional<double> n =  // 9
      GrowthBookHash(c.seed.empty() ? c.key : c.seed, hash_value->text, c.hash_version.value_or(1));
  if (!n) return exclude;
  const int num_variations = static_cast<int>(c.variations.size());
  const std::vector<BucketRange> ranges =
      c.ranges ? *c.ranges
               : BucketRanges(
                     num_variations, c.coverage.value_or(1.0),
                     c.weights ? std::optional<std::span<const double>>(*c.weights) : std::nullopt);
  const int assigned = ChooseVariation(*n, ranges);
  if (assigned < 0) return exclude;                // 10
  if (c.force) return Result(c, *c.force, false);  // 11
  if (c.qa_mode) return exclude;                   // 12
  if (c.status == "stopped") return exclude;       // 12.5
  return Result(c, assigned, true);                // 13
}

TEST(GrowthBookCasesTest, Run) {
  const TsvTable table = TsvTable::Read("growthbook-cases-run.tsv");
  ASSERT_EQ(table.size(), 73u);
  int ran = 0;
  std::vector<int> skipped;
  for (size_t i = 0; i < table.size(); ++i) {
    const TsvTable::Row row = table.row(i);
    ASSERT_EQ(ParseInt(row["index"]), static_cast<int>(i));
    if (!row["skip_reason"].empty()) {
      std::cout << "[ SKIPPED  ] run[" << i << "] " << row["name"] << ": " << row["skip_reason"]
                << "\n";
      skipped.push_back(static_cast<int>(i));
      continue;
    }
    SCOPED_TRACE(absl::StrCat("run[", i, "] ", row["name"]));
    ++ran;
    const RunCase c = ParseRunCase(row);
    const RunResult got = ReferenceRun(c);
    ASSERT_LT(got.variation, static_cast<int>(c.variations.size()));
    EXPECT_EQ(c.variations[got.variation], row["expected_value"]);  // both JSON.stringify'd
    EXPECT_EQ(got.in_experiment, row["in_experiment"] == "true");
    EXPECT_EQ(got.hash_used, row["hash_used"] == "true");
  }
  // Skipped: conditions (45, 46, 72), query-string forcing (49, 52), prerequisites (70, 71).
  EXPECT_EQ(ran, 66);
  EXPECT_EQ(skipped, (std::vector<int>{45, 46, 49, 52, 70, 71, 72}));
}

// Config percents become the fraction a GrowthBook user would write as a decimal literal.
TEST(PercentToFractionTest, ShiftsDecimalDigitsInsteadOfDividing) {
  EXPECT_EQ(PercentToFraction(33.34), 0.3334);
  EXPECT_NE(33.34 / 100.0, 0.3334);  // why the function exists
  EXPECT_EQ(PercentToFraction(50), 0.5);
  EXPECT_EQ(PercentToFraction(1), 0.01);
  EXPECT_EQ(PercentToFraction(0.14), 0.0014);
  EXPECT_EQ(PercentToFraction(100), 1.0);
  EXPECT_EQ(PercentToFraction(0), 0.0);
  EXPECT_EQ(PercentToFraction(12.5), 0.125);
  // Every two-decimal percent maps to the double nearest its decimal fraction.
  for (int hundredths = 0; hundredths < 10000; ++hundredths) {
    char percent_text[16];
    char fraction_text[16];
    std::snprintf(percent_text, sizeof(percent_text), "%d.%02d", hundredths / 100,
                  hundredths % 100);
    std::snprintf(fraction_text, sizeof(fraction_text), "0.%04d", hundredths);
    ASSERT_EQ(PercentToFraction(std::stod(percent_text)), std::stod(fraction_text)) << percent_text;
  }
}

}  // namespace
}  // namespace assignd::core
