// The daily-aggregates reader: valid input, and every bad input named by row and column.
#include "client/analysis/daily_csv.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace assignd::analysis {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kVariants = {"baseline", "challenger_a"};

constexpr char kHeader[] =
    "date,variant,user_type,impressions,clicks,adds,purchases,revenue_sum,revenue_sumsq,"
    "personalised_recs,out_of_stock_recs,unique_candidates\n";
constexpr char kRow2[] = "2024-06-03,baseline,new,1000,50,10,3,120.5,5000.25,620,20,180\n";
constexpr char kRow3[] = "2024-06-03,challenger_a,new,1010,55,11,2,80,3200,640,19,185\n";

absl::StatusOr<DailyTable> Parse(const std::string& text) {
  return ParseDailyCsv(text, "daily.csv", kVariants);
}

// The message of parsing the valid file with row 3 replaced by `row3`.
std::string ErrorWithRow3(const std::string& row3) {
  absl::StatusOr<DailyTable> t = Parse(absl::StrCat(kHeader, kRow2, row3, "\n"));
  EXPECT_FALSE(t.ok()) << "accepted: " << row3;
  return std::string(t.status().message());
}

TEST(DailyCsv, ParsesRowsAndSegmentColumns) {
  absl::StatusOr<DailyTable> t = Parse(absl::StrCat(kHeader, kRow2, "\r\n", kRow3));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->segment_columns, std::vector<std::string>{"user_type"});
  ASSERT_EQ(t->rows.size(), 2u);
  const DailyRow& r = t->rows[0];
  EXPECT_EQ(r.row, 2);
  EXPECT_EQ(r.date, "2024-06-03");
  EXPECT_EQ(r.variant, "baseline");
  EXPECT_EQ(r.segments, std::vector<std::string>{"new"});
  EXPECT_EQ(r.impressions, 1000);
  EXPECT_EQ(r.clicks, 50);
  EXPECT_EQ(r.adds, 10);
  EXPECT_EQ(r.purchases, 3);
  EXPECT_DOUBLE_EQ(r.revenue_sum, 120.5);
  EXPECT_DOUBLE_EQ(r.revenue_sum_sq, 5000.25);
  EXPECT_EQ(r.personalised_recs, 620);
  EXPECT_EQ(r.out_of_stock_recs, 20);
  EXPECT_EQ(r.unique_candidates, 180);
  EXPECT_EQ(t->rows[1].row, 4);  // the blank line 3 is skipped but still counted
}

TEST(DailyCsv, ColumnsInAnyOrderAndNoSegments) {
  const std::string text =
      "variant,date,clicks,impressions,adds,purchases,revenue_sum,revenue_sumsq,"
      "personalised_recs,out_of_stock_recs,unique_candidates\n"
      "baseline,2024-06-03,5,100,1,0,0,0,60,2,18\n"
      "challenger_a,2024-06-03,6,100,1,0,0,0,61,2,19\n";
  absl::StatusOr<DailyTable> t = Parse(text);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->segment_columns.empty());
  EXPECT_EQ(t->rows[0].clicks, 5);
  EXPECT_EQ(t->rows[0].impressions, 100);
}

TEST(DailyCsv, MissingColumnNamesIt) {
  const std::string header = absl::StrReplaceAll(kHeader, {{",adds,", ","}});
  absl::StatusOr<DailyTable> t = Parse(header + "x\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("daily.csv: row 1, column \"adds\": missing column"));
}

TEST(DailyCsv, DuplicateAndEmptyHeaderColumns) {
  EXPECT_THAT(Parse(absl::StrCat("date,", kHeader)).status().message(),
              HasSubstr("row 1, column \"date\": appears twice (columns 1 and 2)"));
  EXPECT_THAT(Parse(absl::StrCat(",", kHeader)).status().message(),
              HasSubstr("row 1, column 1: empty column name"));
}

TEST(DailyCsv, NegativeCountNamesRowAndColumn) {
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,-5,11,2,80,3200,640,19,185"),
              HasSubstr("daily.csv: row 3, column \"clicks\": negative count -5"));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55,11,2,80,3200,640,19,-1"),
              HasSubstr("row 3, column \"unique_candidates\": negative count -1"));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55,11,2,-80,3200,640,19,185"),
              HasSubstr("row 3, column \"revenue_sum\": negative amount -80"));
}

TEST(DailyCsv, ZeroImpressionsNamesRowAndColumn) {
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,0,0,0,0,0,0,0,0,0"),
              HasSubstr("row 3, column \"impressions\": zero impressions"));
}

TEST(DailyCsv, UnknownVariantNamesRowColumnAndTheExpectedOnes) {
  const std::string message =
      ErrorWithRow3("2024-06-03,challenger_b,new,1010,55,11,2,80,3200,640,19,185");
  EXPECT_THAT(message, HasSubstr("row 3, column \"variant\": unknown variant \"challenger_b\""));
  EXPECT_THAT(message, HasSubstr("\"baseline\" or \"challenger_a\""));
}

TEST(DailyCsv, NonNumericValues) {
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,lots,55,11,2,80,3200,640,19,185"),
              HasSubstr("row 3, column \"impressions\": not a number: \"lots\""));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55.5,11,2,80,3200,640,19,185"),
              HasSubstr("row 3, column \"clicks\": not a whole number: \"55.5\""));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55,11,2,80,nan,640,19,185"),
              HasSubstr("row 3, column \"revenue_sumsq\": not a finite number"));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55,,2,80,3200,640,19,185"),
              HasSubstr("row 3, column \"adds\": empty value"));
}

TEST(DailyCsv, ImpossibleCombinations) {
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,2000,11,2,80,3200,640,19,185"),
              HasSubstr("row 3, column \"clicks\": 2000 exceeds impressions (1010)"));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55,11,2,80,3200,640,1011,185"),
              HasSubstr("row 3, column \"out_of_stock_recs\": 1011 exceeds impressions"));
  // 80^2 / 1010 = 6.34 > 5: no real per-impression revenue has these sums.
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55,11,2,80,5,640,19,185"),
              HasSubstr("row 3, column \"revenue_sumsq\""));
}

TEST(DailyCsv, DatesFieldCountsAndDuplicates) {
  EXPECT_THAT(ErrorWithRow3("2024-06-31,challenger_a,new,1010,55,11,2,80,3200,640,19,185"),
              HasSubstr("row 3, column \"date\": not a date (YYYY-MM-DD): \"2024-06-31\""));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,new,1010,55,11"),
              HasSubstr("row 3, column \"purchases\": row has 6 fields, the header has 12"));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,baseline,new,1,0,0,0,0,0,0,0,0"),
              HasSubstr("row 3, column \"date\": duplicates row 2"));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,challenger_a,,1010,55,11,2,80,3200,640,19,185"),
              HasSubstr("row 3, column \"user_type\": empty segment value"));
  EXPECT_THAT(ErrorWithRow3("2024-06-03,\"challenger_a\",new,1010,55,11,2,80,3200,640,19,185"),
              HasSubstr("row 3: quoted fields are not supported"));
}

TEST(DailyCsv, WholeFileProblems) {
  EXPECT_THAT(Parse("").status().message(), HasSubstr("empty file"));
  EXPECT_THAT(Parse(kHeader).status().message(), HasSubstr("no data rows"));
  EXPECT_THAT(Parse(absl::StrCat(kHeader, kRow2)).status().message(),
              HasSubstr("column \"variant\": no rows for variant \"challenger_a\""));
  EXPECT_EQ(ReadDailyCsv("/nonexistent/daily.csv", kVariants).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace assignd::analysis
