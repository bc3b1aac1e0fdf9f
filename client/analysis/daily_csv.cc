#include "client/analysis/daily_csv.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"

namespace assignd::analysis {
namespace {

enum Column {
  kDate,
  kVariant,
  kImpressions,
  kClicks,
  kAdds,
  kPurchases,
  kRevenueSum,
  kRevenueSumSq,
  kPersonalised,
  kOutOfStock,
  kUniqueCandidates,
  kColumnCount
};

constexpr const char* kColumnNames[kColumnCount] = {"date",
                                                    "variant",
                                                    "impressions",
                                                    "clicks",
                                                    "adds",
                                                    "purchases",
                                                    "revenue_sum",
                                                    "revenue_sumsq",
                                                    "personalised_recs",
                                                    "out_of_stock_recs",
                                                    "unique_candidates"};

// Where the current row's fields are, and how to word an error about one of them.
class RowContext {
 public:
  RowContext(const std::string& source, int row, const std::vector<std::string>& header)
      : source_(source), row_(row), header_(header) {}

  absl::Status Error(size_t field, absl::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ": row ", row_, ", column \"", header_[field], "\": ", message));
  }

 private:
  const std::string& source_;
  int row_;
  const std::vector<std::string>& header_;
};

absl::StatusOr<int64_t> ParseCount(const RowContext& ctx, size_t field, absl::string_view text) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    double as_double = 0;
    if (absl::SimpleAtod(text, &as_double) && std::isfinite(as_double)) {
      return ctx.Error(field, absl::StrCat("not a whole number: \"", text, "\""));
    }
    return ctx.Error(field, text.empty() ? std::string("empty value")
                                         : absl::StrCat("not a number: \"", text, "\""));
  }
  if (value < 0) return ctx.Error(field, absl::StrCat("negative count ", value));
  return value;
}

absl::StatusOr<double> ParseAmount(const RowContext& ctx, size_t field, absl::string_view text) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return ctx.Error(field, text.empty() ? std::string("empty value")
                                         : absl::StrCat("not a finite number: \"", text, "\""));
  }
  if (value < 0) return ctx.Error(field, absl::StrCat("negative amount ", text));
  return value;
}

std::vector<std::string> SplitFields(absl::string_view line) {
  std::vector<std::string> fields;
  for (absl::string_view f : absl::StrSplit(line, ',')) {
    fields.emplace_back(absl::StripAsciiWhitespace(f));
  }
  return fields;
}

struct Header {
  std::vector<std::string> names;
  size_t index[kColumnCount];
  std::vector<size_t> segment_fields;
};

absl::StatusOr<Header> ParseHeader(const std::string& source, absl::string_view line) {
  Header h;
  h.names = SplitFields(line);
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < h.names.size(); ++i) {
    if (h.names[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": row 1, column ", i + 1, ": empty column name"));
    }
    if (!seen.emplace(h.names[i], i).second) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": row 1, column \"", h.names[i],
                                                     "\": appears twice (columns ",
                                                     seen[h.names[i]] + 1, " and ", i + 1, ")"));
    }
  }
  std::vector<bool> known(h.names.size(), false);
  for (int c = 0; c < kColumnCount; ++c) {
    auto it = seen.find(kColumnNames[c]);
    if (it == seen.end()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": row 1, column \"", kColumnNames[c],
                                                     "\": missing column (the header has ",
                                                     absl::StrJoin(h.names, ","), ")"));
    }
    h.index[c] = it->second;
    known[it->second] = true;
  }
  for (size_t i = 0; i < h.names.size(); ++i) {
    if (!known[i]) h.segment_fields.push_back(i);
  }
  return h;
}

absl::StatusOr<DailyRow> ParseRow(const RowContext& ctx, const Header& h,
                                  const std::vector<std::string>& f,
                                  const std::vector<std::string>& variants) {
  DailyRow r;
  const auto at = [&](Column c) -> const std::string& { return f[h.index[c]]; };

  absl::CivilDay day;
  if (!absl::ParseCivilTime(at(kDate), &day) || absl::FormatCivilTime(day) != at(kDate)) {
    return ctx.Error(h.index[kDate], absl::StrCat("not a date (YYYY-MM-DD): \"", at(kDate), "\""));
  }
  r.date = at(kDate);

  r.variant = at(kVariant);
  if (std::find(variants.begin(), variants.end(), r.variant) == variants.end()) {
    return ctx.Error(h.index[kVariant],
                     absl::StrCat("unknown variant \"", r.variant, "\" (expected \"",
                                  absl::StrJoin(variants, "\" or \""),
                                  "\"; choose the arms with --control and --treatment)"));
  }
  for (size_t field : h.segment_fields) {
    if (f[field].empty()) return ctx.Error(field, "empty segment value");
    r.segments.push_back(f[field]);
  }

  struct CountField {
    Column column;
    int64_t* out;
  };
  for (const CountField& c : {CountField{kImpressions, &r.impressions},
                              {kClicks, &r.clicks},
                              {kAdds, &r.adds},
                              {kPurchases, &r.purchases},
                              {kPersonalised, &r.personalised_recs},
                              {kOutOfStock, &r.out_of_stock_recs},
                              {kUniqueCandidates, &r.unique_candidates}}) {
    absl::StatusOr<int64_t> v = ParseCount(ctx, h.index[c.column], at(c.column));
    if (!v.ok()) return v.status();
    *c.out = *v;
  }
  absl::StatusOr<double> revenue = ParseAmount(ctx, h.index[kRevenueSum], at(kRevenueSum));
  if (!revenue.ok()) return revenue.status();
  r.revenue_sum = *revenue;
  absl::StatusOr<double> revenue_sq = ParseAmount(ctx, h.index[kRevenueSumSq], at(kRevenueSumSq));
  if (!revenue_sq.ok()) return revenue_sq.status();
  r.revenue_sum_sq = *revenue_sq;

  if (r.impressions == 0) {
    return ctx.Error(h.index[kImpressions],
                     "zero impressions (rates are per impression; drop the row or fix the export)");
  }
  for (Column c : {kClicks, kAdds, kPersonalised, kOutOfStock}) {
    const int64_t v = c == kClicks         ? r.clicks
                      : c == kAdds         ? r.adds
                      : c == kPersonalised ? r.personalised_recs
                                           : r.out_of_stock_recs;
    if (v > r.impressions) {
      return ctx.Error(h.index[c], absl::StrCat(v, " exceeds impressions (", r.impressions, ")"));
    }
  }
  // Cauchy-Schwarz: sum of squares of n values >= (sum)^2 / n. The tolerance absorbs the rounding
  // of exported decimals.
  const double floor = r.revenue_sum * r.revenue_sum / static_cast<double>(r.impressions);
  if (r.revenue_sum_sq < floor * (1.0 - 1e-9)) {
    return ctx.Error(h.index[kRevenueSumSq],
                     absl::StrCat(at(kRevenueSumSq), " is below revenue_sum^2 / impressions = ",
                                  floor, ", impossible for per-impression revenue"));
  }
  return r;
}

}  // namespace

absl::StatusOr<DailyTable> ParseDailyCsv(const std::string& text, const std::string& source,
                                         const std::vector<std::string>& variants) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  std::optional<Header> header;
  DailyTable table;
  // Key: date, variant and segment values; value: the row that first had it.
  std::map<std::vector<std::string>, int> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int row = static_cast<int>(i) + 1;
    const absl::string_view line = absl::StripAsciiWhitespace(lines[i]);
    if (line.empty()) continue;
    if (!header) {
      if (row != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": row ", row, ": the header must be on row 1"));
      }
      absl::StatusOr<Header> h = ParseHeader(source, line);
      if (!h.ok()) return h.status();
      header = std::move(*h);
      for (size_t field : header->segment_fields) {
        table.segment_columns.push_back(header->names[field]);
      }
      continue;
    }
    if (line.find('"') != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": row ", row, ": quoted fields are not supported"));
    }
    std::vector<std::string> fields = SplitFields(line);
    const RowContext ctx(source, row, header->names);
    if (fields.size() != header->names.size()) {
      const size_t field = std::min(fields.size(), header->names.size() - 1);
      return ctx.Error(field, absl::StrCat("row has ", fields.size(), " fields, the header has ",
                                           header->names.size()));
    }
    absl::StatusOr<DailyRow> parsed = ParseRow(ctx, *header, fields, variants);
    if (!parsed.ok()) return parsed.status();
    parsed->row = row;

    std::vector<std::string> key = {parsed->date, parsed->variant};
    key.insert(key.end(), parsed->segments.begin(), parsed->segments.end());
    if (auto [it, inserted] = seen.emplace(std::move(key), row); !inserted) {
      return ctx.Error(
          header->index[kDate],
          absl::StrCat("duplicates row ", it->second, " (same date, variant and segment values)"));
    }
    table.rows.push_back(std::move(*parsed));
  }
  if (!header) return absl::InvalidArgumentError(absl::StrCat(source, ": empty file, no header"));
  if (table.rows.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no data rows after the header"));
  }
  for (const std::string& variant : variants) {
    bool present = false;
    for (const DailyRow& r : table.rows) present = present || r.variant == variant;
    if (!present) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": column \"variant\": no rows for variant \"", variant, "\""));
    }
  }
  return table;
}

absl::StatusOr<DailyTable> ReadDailyCsv(const std::string& path,
                                        const std::vector<std::string>& variants) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  return ParseDailyCsv(text, path == "-" ? std::string("stdin") : path, variants);
}

}  // namespace assignd::analysis
