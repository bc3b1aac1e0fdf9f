// `assignctl analyze` through the built binary: the issue's spelling of the flags, outputs and
// exit codes. No server is involved.
#include <stdio.h>
#include <sys/wait.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using ::testing::HasSubstr;

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Result RunAssignctl(const std::string& args) {
  const std::string command = std::string(ASSIGND_BIN_DIR) + "/assignctl " + args + " 2>&1";
  Result r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Sample() { return std::string(ASSIGND_TEST_DATA_DIR) + "/analysis/daily_sample.csv"; }

TEST(AnalyzePower, TheIssuesExample) {
  const Result r = RunAssignctl(
      "analyze power --baseline-rate 0.05 --relative-lift 0.03 --alpha 0.05 --power 0.8");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("sample size per arm: 336102 (exact 336101.37)"));
  EXPECT_THAT(r.output, HasSubstr("both arms: 672204"));
  EXPECT_THAT(r.output, HasSubstr("without continuity correction"));
}

TEST(AnalyzePower, InverseAndFlagSpellings) {
  const Result r =
      RunAssignctl("analyze power --baseline_rate=0.05 --n=336102");  // defaults: 0.05, 0.8
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("detectable relative lift: +3.0000%"));
}

TEST(AnalyzePower, UsageErrorsExitTwo) {
  Result r = RunAssignctl("analyze power --relative-lift 0.03");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("power needs --baseline-rate"));
  r = RunAssignctl("analyze power --baseline-rate 0.05 --relative-lift 0.03 --n 5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("exactly one of"));
  r = RunAssignctl("analyze power --baseline-rate abc --relative-lift 0.03");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("--baseline-rate: not a number"));
  r = RunAssignctl("analyze power --baseline-rate 0.05 --relative-lift 0.03 --colour red");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown flag --colour"));
  r = RunAssignctl("analyze power --baseline-rate 0.05 --relative-lift 0.03 --power 1.5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("power must be in (0, 1)"));
  EXPECT_EQ(RunAssignctl("analyze").exit_code, 2);
  EXPECT_EQ(RunAssignctl("analyze frobnicate").exit_code, 2);
  EXPECT_EQ(RunAssignctl("analyze help").exit_code, 0);
}

TEST(AnalyzeRun, TableForPeople) {
  const Result r = RunAssignctl("analyze run --input " + Sample());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("DECISION: FAIL - 2 of 6 targets not met"));
  EXPECT_THAT(r.output,
              HasSubstr("Split (SRM): impressions baseline 348,176, challenger_a 348,964"));
  EXPECT_THAT(r.output, HasSubstr("CTR                 5.0256%      5.2452%"));
  EXPECT_THAT(r.output, HasSubstr("Holm-adjusted over m = 7 segment values"));
  EXPECT_THAT(r.output, HasSubstr("user_type=new"));
  EXPECT_THAT(r.output, HasSubstr("Lan-DeMets O'Brien-Fleming-type"));
  EXPECT_THAT(r.output, HasSubstr("336,102 planned per arm"));
  EXPECT_THAT(r.output, HasSubstr("status: no harm boundary crossed"));
  EXPECT_THAT(r.output, HasSubstr("delta method (not Fieller)"));
}

TEST(AnalyzeRun, JsonIsValidAndCarriesTheNumbers) {
  // python3 is a test dependency (scripts/install-deps.sh); its json module is the validator.
  const Result r =
      RunAssignctl("analyze run --json --input " + Sample() +
                   " | python3 -c 'import json,sys; d=json.load(sys.stdin); "
                   "m=d[\"metrics\"][0]; print(d[\"decision\"], m[\"key\"], m[\"pass\"], "
                   "round(m[\"rel_delta\"], 6), d[\"segments\"][\"correction\"], "
                   "len(d[\"safety\"][\"looks\"]), d[\"srm\"][\"mismatch\"])'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "FAIL ctr True 0.0437 holm 14 False\n");
}

TEST(AnalyzeRun, OptionsChangeTheAnalysis) {
  const Result r = RunAssignctl("analyze run --input " + Sample() +
                                " --ni-margin 0.02 --planned-n-per-arm 1000000 --control=baseline "
                                "--treatment=challenger_a");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("non-inferiority margin 2% relative"));
  EXPECT_THAT(r.output, HasSubstr("1,000,000 planned per arm (--planned-n-per-arm)"));
  EXPECT_THAT(r.output, HasSubstr("interim: information fraction 0.35"));
}

TEST(AnalyzeRun, BadInputNamesRowAndColumn) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/bad_daily.csv";
  FILE* f = fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(
      "date,variant,impressions,clicks,adds,purchases,revenue_sum,revenue_sumsq,"
      "personalised_recs,out_of_stock_recs,unique_candidates\n"
      "2024-06-03,baseline,1000,50,10,3,120,5000,620,20,180\n"
      "2024-06-03,challenger_b,1000,50,10,3,120,5000,620,20,180\n",
      f);
  fclose(f);
  Result r = RunAssignctl("analyze run --input " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr(path + ": row 3, column \"variant\": unknown variant"));
  // The same file is fine when challenger_b is the treatment... apart from a missing arm.
  r = RunAssignctl("analyze run --input " + path + " --treatment challenger_b");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunAssignctl("analyze run --input /nonexistent.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("cannot open /nonexistent.csv"));
  EXPECT_EQ(RunAssignctl("analyze run").exit_code, 2);
}

}  // namespace
