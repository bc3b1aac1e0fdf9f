#pragma once

// Test-only reader for the TSV files in tests/data (written by tests/vectors/*.mjs): "#" lines
// are comments, the first other line names the columns, fields are tab-separated with "\\",
// "\t", "\n" and "\r" backslash-escaped. Numbers are parsed with std::from_chars, which rounds
// correctly, so a number written by JavaScript's String(x) reads back as the same double.

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gtest/gtest.h"
#include "server/core/bucket_ranges.h"

namespace assignd::test {

// Splits `text` at every `sep` ("" gives one empty part). With max_parts > 0, the last part keeps
// the rest of the text. (Not absl::StrSplit: Debian's Abseil has its own string_view type.)
inline std::vector<std::string_view> Split(std::string_view text, char sep, size_t max_parts = 0) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = text.find(sep);
    if (at == std::string_view::npos || (max_parts > 0 && parts.size() + 1 == max_parts)) {
      parts.push_back(text);
      return parts;
    }
    parts.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
}

inline std::string DataPath(std::string_view file_name) {
  return std::string(ASSIGND_TEST_DATA_DIR) + "/" + std::string(file_name);
}

class TsvTable {
 public:
  class Row {
   public:
    Row(const TsvTable* table, const std::vector<std::string>* fields)
        : table_(table), fields_(fields) {}
    // The field in column `name`; fails the test (and returns "") for an unknown column.
    const std::string& operator[](std::string_view name) const {
      static const std::string kEmpty;
      for (size_t i = 0; i < table_->columns_.size(); ++i) {
        if (table_->columns_[i] == name) return (*fields_)[i];
      }
      ADD_FAILURE() << "no column " << name;
      return kEmpty;
    }

   private:
    const TsvTable* table_;
    const std::vector<std::string>* fields_;
  };

  // Reads tests/data/<file_name>. On any problem the test fails and the table is empty.
  static TsvTable Read(std::string_view file_name) {
    TsvTable table;
    std::ifstream in(DataPath(file_name), std::ios::binary);
    if (!in) {
      ADD_FAILURE() << "cannot open " << DataPath(file_name);
      return table;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> fields;
      for (std::string_view raw : Split(line, '\t')) fields.push_back(Unescape(raw));
      if (table.columns_.empty()) {
        table.columns_ = std::move(fields);
        continue;
      }
      if (fields.size() != table.columns_.size()) {
        ADD_FAILURE() << file_name << ": row with " << fields.size() << " fields, expected "
                      << table.columns_.size() << ": " << line;
        return TsvTable();
      }
      table.rows_.push_back(std::move(fields));
    }
    return table;
  }

  size_t size() const { return rows_.size(); }
  Row row(size_t i) const { return Row(this, &rows_[i]); }
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  static std::string Unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '\\' || i + 1 == raw.size()) {
        out.push_back(raw[i]);
        continue;
      }
      const char c = raw[++i];
      out.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c);
    }
    return out;
  }

  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// The whole of `text` as a double (or int), failing the test if it is not a number.
inline double ParseDouble(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  EXPECT_TRUE(ec == std::errc() && end == text.data() + text.size()) << "not a number: " << text;
  return value;
}

inline int ParseInt(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  EXPECT_TRUE(ec == std::errc() && end == text.data() + text.size()) << "not an int: " << text;
  return value;
}

// "0.1,0.9" -> {0.1, 0.9}; "" -> {}.
inline std::vector<double> ParseDoubleList(std::string_view text) {
  std::vector<double> values;
  if (text.empty()) return values;
  for (std::string_view item : Split(text, ',')) values.push_back(ParseDouble(item));
  return values;
}

// "0:0.5,0.5:1" -> {{0, 0.5}, {0.5, 1}}; "" -> {}.
inline std::vector<core::BucketRange> ParseRanges(std::string_view text) {
  std::vector<core::BucketRange> ranges;
  if (text.empty()) return ranges;
  for (std::string_view item : Split(text, ',')) {
    const std::vector<std::string_view> ends = Split(item, ':');
    EXPECT_EQ(ends.size(), 2u) << "bad range: " << item;
    if (ends.size() != 2) continue;
    ranges.push_back({ParseDouble(ends[0]), ParseDouble(ends[1])});
  }
  return ranges;
}

// Moves the decimal point of a plain decimal string two places right, as writing a fraction as a
// percent does: "0.3334" -> "33.34", "0.01" -> "001", "1" -> "100". Exact: no arithmetic.
inline std::string FractionToPercentText(std::string_view fraction) {
  const size_t dot = fraction.find('.');
  std::string whole(fraction.substr(0, dot));
  std::string frac = dot == std::string_view::npos ? "" : std::string(fraction.substr(dot + 1));
  while (frac.size() < 2) frac.push_back('0');
  std::string text = whole + frac.substr(0, 2);
  if (frac.size() > 2) text += "." + frac.substr(2);
  return text;
}

}  // namespace assignd::test
