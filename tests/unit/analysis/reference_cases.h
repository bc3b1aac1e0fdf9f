#pragma once

// Reads tests/data/analysis/reference.tsv, the expected values computed with SciPy by
// tests/data/analysis/make_reference.py, and compares with the tolerance the brief sets.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace assignd::analysis::testing {

struct ReferenceCase {
  std::string kind;
  std::string name;
  std::map<std::string, std::vector<double>> in;
  std::map<std::string, std::vector<double>> out;

  double In(const std::string& key) const { return in.at(key).at(0); }
  double Out(const std::string& key) const { return out.at(key).at(0); }
};

inline std::map<std::string, std::vector<double>> ParsePairs(absl::string_view text) {
  std::map<std::string, std::vector<double>> pairs;
  for (absl::string_view pair : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    const std::vector<absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::vector<double> values;
    for (absl::string_view v : absl::StrSplit(kv.at(1), ',')) {
      double d = 0;
      // Non-numeric inputs (none today) would be a broken file: fail loudly.
      if (!absl::SimpleAtod(v, &d)) ADD_FAILURE() << "not a number in reference.tsv: " << v;
      values.push_back(d);
    }
    pairs[std::string(kv.at(0))] = std::move(values);
  }
  return pairs;
}

// All cases of `kind`; fails the test if there are none (a renamed kind must not pass silently).
inline std::vector<ReferenceCase> ReferenceCases(const std::string& kind) {
  std::ifstream file(std::string(ASSIGND_TEST_DATA_DIR) + "/analysis/reference.tsv");
  EXPECT_TRUE(file.good()) << "cannot open reference.tsv";
  std::vector<ReferenceCase> cases;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() != 4 || f[0] != kind) continue;
    cases.push_back({f[0], f[1], ParsePairs(f[2]), ParsePairs(f[3])});
  }
  EXPECT_FALSE(cases.empty()) << "no reference cases of kind " << kind;
  return cases;
}

// |actual - expected| <= rel * |expected| + abs_floor. The floor only matters for expected values
// at or near 0, where a relative tolerance means nothing.
inline ::testing::AssertionResult Close(double actual, double expected, double rel = 1e-9,
                                        double abs_floor = 1e-14) {
  if (std::isnan(expected) && std::isnan(actual)) return ::testing::AssertionSuccess();
  if (std::isinf(expected) && actual == expected) return ::testing::AssertionSuccess();
  const double diff = std::fabs(actual - expected);
  if (diff <= rel * std::fabs(expected) + abs_floor) return ::testing::AssertionSuccess();
  std::ostringstream msg;
  msg.precision(17);
  msg << "actual " << actual << " vs expected " << expected << " (relative error "
      << diff / std::max(std::fabs(expected), 1e-300) << ", tolerance " << rel << ")";
  return ::testing::AssertionFailure() << msg.str();
}

}  // namespace assignd::analysis::testing
