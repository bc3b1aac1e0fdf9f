// Faults against the real binary: the config file deleted, unreadable, truncated mid-write or
// replaced by a directory. The server keeps serving the last good config and reports the fault in
// metrics (assignd_config_reloads_total{result="failure"}), GetConfigStatus and its log. And a
// SIGKILLed server restarted on the same port is serving again within a second (to the same
// client channel, which reconnects by itself).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/assign_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_configs.h"

namespace assignd::testing {
namespace {

using ::testing::HasSubstr;
namespace pb = ::assignment::v1;

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    path_ = dir_ + "/experiments.yaml";
    good_ = TwoExperimentConfig(50);
    WriteFile(path_, good_);
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start({path_, {"--poll_interval=100ms"}, {}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(
        {.target = server_->grpc_target(), .timeout = absl::Seconds(5)});
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
    absl::StatusOr<pb::GetConfigStatusResponse> status = client_->GetConfigStatus();
    ASSERT_TRUE(status.ok()) << status.status();
    version_ = status->config_version();
    baseline_ = client_->Assign("user-42", "default").value_or(pb::AssignResponse());
    ASSERT_EQ(baseline_.config_version(), version_);
  }

  double Failures() {
    absl::StatusOr<std::string> metrics = HttpGet(server_->metrics_port(), "/metrics");
    if (!metrics.ok()) return -1;
    return MetricValue(*metrics, "assignd_config_reloads_total", {{"result", "failure"}})
        .value_or(0);
  }

  // After the fault: a reload (SIGHUP; the poll may beat it) is refused, reported in metrics,
  // status and log, and requests keep getting the last good config's answers.
  void ExpectRefusedAndStillServing(const std::string& error_part) {
    server_->Signal(SIGHUP);
    absl::StatusOr<pb::GetConfigStatusResponse> status;
    for (int i = 0; i < 500; ++i) {
      status = client_->GetConfigStatus();
      // Waits for this fault's error: a previous fault's may still be the last one reported.
      if (status.ok() && !status->last_reload_ok() &&
          status->last_reload_error().find(error_part) != std::string::npos && Failures() >= 1) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_FALSE(status->last_reload_ok());
    EXPECT_THAT(status->last_reload_error(), HasSubstr(error_part));
    EXPECT_EQ(status->config_version(), version_);
    EXPECT_GE(Failures(), 1.0);
    EXPECT_THAT(server_->Log(), HasSubstr("refused, still serving the last good config"));
    for (int i = 0; i < 50; ++i) {
      absl::StatusOr<pb::AssignResponse> a = client_->Assign("user-42", "default");
      ASSERT_TRUE(a.ok()) << a.status();
      EXPECT_EQ(a->variant(), baseline_.variant());
      EXPECT_EQ(a->config_version(), version_);
    }
  }

  // Putting the good file back is picked up again.
  void ExpectRecovers() {
    std::filesystem::remove_all(path_);
    WriteFile(path_, TwoExperimentConfig(60));
    server_->Signal(SIGHUP);
    absl::StatusOr<pb::GetConfigStatusResponse> status;
    for (int i = 0; i < 500; ++i) {
      status = client_->GetConfigStatus();
      if (status.ok() && status->last_reload_ok() && status->config_version() != version_) break;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_TRUE(status.ok());
    EXPECT_TRUE(status->last_reload_ok()) << status->last_reload_error();
    EXPECT_NE(status->config_version(), version_);
  }

  std::string dir_;
  std::string path_;
  std::string good_;
  std::string version_;
  pb::AssignResponse baseline_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<client::AssignClient> client_;
};

TEST_F(FaultTest, DeletedFileKeepsLastGoodConfig) {
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  ExpectRefusedAndStillServing(path_);
  ExpectRecovers();
}

TEST_F(FaultTest, UnreadableFileKeepsLastGoodConfig) {
  if (geteuid() != 0) {
    ASSERT_EQ(chmod(path_.c_str(), 0), 0);
    ExpectRefusedAndStillServing(path_);
  } else {
    // Root reads a mode-000 file anyway; a symlink loop is unreadable even for root (ELOOP).
    ASSERT_EQ(std::remove(path_.c_str()), 0);
    ASSERT_EQ(symlink("experiments.yaml", path_.c_str()), 0);
    ExpectRefusedAndStillServing(path_);
  }
  ExpectRecovers();
}

TEST_F(FaultTest, TruncatedMidWriteKeepsLastGoodConfig) {
  // A writer that died halfway: the first half of the file, cut inside a line.
  WriteFile(path_, good_.substr(0, good_.size() / 2));
  ExpectRefusedAndStillServing(path_ + ":");
  WriteFile(path_, "");
  ExpectRefusedAndStillServing(path_);
  ExpectRecovers();
}

TEST_F(FaultTest, YamlThatOnceExhaustedMemoryIsRefused) {
  // A stray ',' made yaml-cpp's LoadAll allocate without bound (found by fuzz_config), and
  // deep nesting makes libyaml's scanner quadratic.
  WriteFile(path_, ",");
  ExpectRefusedAndStillServing(path_ + ":1:1: did not find expected node content");
  WriteFile(path_, std::string(1 << 20, '['));
  ExpectRefusedAndStillServing(path_ + ":1:65: lists and maps nested more than 64 levels deep");
  ExpectRecovers();
}

TEST_F(FaultTest, ReplacedByADirectoryKeepsLastGoodConfig) {
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  ASSERT_EQ(mkdir(path_.c_str(), 0755), 0);
  ExpectRefusedAndStillServing(path_);
  ExpectRecovers();
}

TEST_F(FaultTest, SigkillThenRestartServesWithinASecond) {
  const int port = server_->grpc_port();
  server_->Kill();
  const absl::Time restart = absl::Now();
  absl::StatusOr<std::unique_ptr<ServerProcess>> again =
      ServerProcess::Start({path_, {absl::StrCat("--grpc_address=127.0.0.1:", port)}, {}});
  ASSERT_TRUE(again.ok()) << again.status();
  // Clients in this process share gRPC's subchannel pool, so the first call may still see the
  // killed server's closed socket: poll, as a caller with a retry would.
  absl::StatusOr<pb::AssignResponse> a;
  while (absl::Now() - restart < absl::Seconds(5)) {
    a = client_->Assign("user-42", "default");
    if (a.ok()) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  const absl::Duration took = absl::Now() - restart;
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->variant(), baseline_.variant());
  EXPECT_EQ(a->config_version(), version_);  // same file, same version: nothing was lost
  std::printf("restart after SIGKILL: serving on port %d again after %s\n", port,
              absl::FormatDuration(took).c_str());
  EXPECT_LT(took, absl::Seconds(1));
  EXPECT_EQ((*again)->Stop(), 0);
}

// Disk full for the exposure log (/dev/full fails every write with ENOSPC): requests never wait
// on the log, every answer is still served, and each exposure the log could not take is counted.
TEST(ExposureLogFaultTest, DiskFullKeepsServingAndCountsDrops) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/experiments.yaml", TwoExperimentConfig(100));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({dir + "/experiments.yaml", {"--exposure_log=/dev/full"}, {}});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::unique_ptr<client::AssignClient>> client = client::AssignClient::Create(
      {.target = (*server)->grpc_target(), .timeout = absl::Seconds(5)});
  ASSERT_TRUE(client.ok()) << client.status();
  constexpr int kCalls = 300;
  int exposures = 0;
  for (int i = 0; i < kCalls; ++i) {
    absl::StatusOr<pb::AssignResponse> a = (*client)->Assign(absl::StrCat("user-", i), "default");
    ASSERT_TRUE(a.ok()) << a.status();
    exposures += a->in_experiment() ? 1 : 0;
  }
  ASSERT_GT(exposures, 0);
  // The writer thread drains asynchronously: wait until every exposure is accounted for.
  double dropped = -1;
  double written = -1;
  for (int i = 0; i < 300; ++i) {
    const absl::StatusOr<std::string> metrics = HttpGet((*server)->metrics_port(), "/metrics");
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    dropped = MetricValue(*metrics, "assignd_exposure_log_dropped_total", {}).value_or(-1);
    written = MetricValue(*metrics, "assignd_exposure_log_written_total", {}).value_or(-1);
    if (dropped + written >= exposures) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(dropped + written, exposures);
  EXPECT_GT(dropped, 0);
  EXPECT_EQ(written, 0);  // nothing reached the full disk
  EXPECT_THAT((*server)->Log(), HasSubstr("exposure log /dev/full: write failed"));
  EXPECT_TRUE((*client)->Assign("user-1", "default").ok());
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

}  // namespace
}  // namespace assignd::testing
