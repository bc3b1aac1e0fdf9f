// The two command-line tools as ops use them: `assignd --check` and `assignctl` against a real
// server.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_configs.h"

namespace assignd::testing {
namespace {

using ::testing::HasSubstr;

std::string Assignd() { return BinDir() + "/assignd"; }
std::string Assignctl() { return BinDir() + "/assignctl"; }

TEST(CheckCommand, AcceptsTheSampleConfig) {
  const std::string path = std::string(ASSIGND_SOURCE_DIR) + "/config/experiments.yaml";
  const CommandResult r = RunCommand(Assignd() + " --check --config=" + path);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(": OK, version "));
}

TEST(CheckCommand, ReportsFileLineColumnAndFails) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/broken.yaml";
  WriteFile(path, R"(experiments:
  - key: blend_weights_v2
    namespaces: [default]
    ramp_percent: 1
    fallback_variant: baseline
    variants:
      - {name: baseline,     weight: 60, blend: {alpha: 0.6, beta: 0.3, gamma: 0.1}}
      - {name: challenger_a, weight: 50, blend: {alpha: 0.5, beta: 0.35, gamma: 0.15}}
)");
  const CommandResult r = RunCommand(Assignd() + " --check --config=" + path);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(path + ":6:"));  // the variants list
  EXPECT_THAT(r.output, HasSubstr("100"));
  EXPECT_THAT(r.output, HasSubstr("INVALID"));
}

TEST(CheckCommand, MissingFileAndBadFlagsFail) {
  EXPECT_NE(RunCommand(Assignd() + " --check --config=/nonexistent/x.yaml").exit_code, 0);
  EXPECT_NE(RunCommand(Assignd() + " --check").exit_code, 0);
  EXPECT_NE(RunCommand(Assignd() + " --config=x --poll_interval=soon").exit_code, 0);
  const CommandResult bad_address =
      RunCommand(Assignd() + " --config=" + ASSIGND_SOURCE_DIR +
                 "/config/experiments.yaml --grpc_address=nohostport");
  EXPECT_NE(bad_address.exit_code, 0);
  EXPECT_THAT(bad_address.output, HasSubstr("--grpc_address"));
}

class AssignctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/experiments.yaml", TwoExperimentConfig(100));
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start({dir_ + "/experiments.yaml", {}, {}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  CommandResult Ctl(const std::string& args) {
    return RunCommand(absl::StrCat(Assignctl(), " --target=", server_->grpc_target(), " ", args));
  }
  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(AssignctlTest, AssignPrintsVariantAndWeights) {
  const CommandResult r = Ctl("assign --namespace=default qa-user-1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("challenger_a"));
  EXPECT_THAT(r.output, HasSubstr("FORCED_OVERRIDE"));
  EXPECT_THAT(r.output, HasSubstr("alpha=0.5 beta=0.35 gamma=0.15"));
}

TEST_F(AssignctlTest, JsonOutputAndErrors) {
  const CommandResult r = Ctl("--json assign --namespace=pdp user-7");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"experiment\":\"pdp_weights\""));
  const CommandResult missing = Ctl("assign --namespace=nowhere user-7");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr("NOT_FOUND"));
  EXPECT_EQ(Ctl("frobnicate").exit_code, 2);
}

TEST_F(AssignctlTest, BatchFromFile) {
  WriteFile(dir_ + "/users.txt", "user-1\nuser-2\n\nuser-3\n");
  const CommandResult r = Ctl("batch --namespace=default --file=" + dir_ + "/users.txt");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("user-1 "));
  EXPECT_THAT(r.output, HasSubstr("user-3 "));
}

TEST_F(AssignctlTest, ListStatusHealth) {
  const CommandResult list = Ctl("list");
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("blend_weights_v2: namespaces=[default] ramp=100%"));
  EXPECT_THAT(list.output, HasSubstr("kill_switch=off"));
  const CommandResult status = Ctl("status");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("last_reload     ok"));
  const CommandResult health = Ctl("health");
  EXPECT_EQ(health.exit_code, 0) << health.output;
  EXPECT_THAT(health.output, HasSubstr("SERVING"));
}

TEST(AssignctlNoServer, UnreachableServerFailsClearly) {
  const CommandResult r = RunCommand(Assignctl() + " --target=127.0.0.1:1 --timeout=300ms health");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace assignd::testing
