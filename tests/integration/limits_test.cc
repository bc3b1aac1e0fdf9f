// Request limits against the real binary: every refusal is a clear gRPC status, never a crash,
// and the server keeps serving afterwards.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/assign_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_configs.h"

namespace assignd::testing {
namespace {

using ::testing::HasSubstr;
using Health = grpc::health::v1::HealthCheckResponse;

class LimitsTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> flags) {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/experiments.yaml", TwoExperimentConfig(50));
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start({dir_ + "/experiments.yaml", std::move(flags), {}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(
        {.target = server_->grpc_target(), .timeout = absl::Seconds(10)});
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }
  // Still up and answering after whatever the test sent.
  void ExpectStillServing() {
    EXPECT_EQ(client_->CheckHealth().value_or(Health::UNKNOWN), Health::SERVING);
    EXPECT_TRUE(client_->Assign("user-1", "default").ok());
  }

  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<client::AssignClient> client_;
};

TEST_F(LimitsTest, OversizedMessageIsResourceExhausted) {
  StartServer({"--max_message_bytes=65536"});
  // 1,000 ids of 100 bytes: ~100 KiB on the wire, over the 64 KiB limit.
  const std::vector<std::string> users(1000, std::string(100, 'u'));
  const absl::Status big = client_->BatchAssign("default", users).status();
  EXPECT_EQ(big.code(), absl::StatusCode::kResourceExhausted) << big;
  EXPECT_THAT(big.message(), HasSubstr("larger than max"));
  // A single Assign whose user_id alone is over the limit, too.
  const absl::Status huge_id = client_->Assign(std::string(70000, 'x'), "default").status();
  EXPECT_EQ(huge_id.code(), absl::StatusCode::kResourceExhausted) << huge_id;
  // Just under the limit is fine.
  EXPECT_TRUE(
      client_->BatchAssign("default", std::vector<std::string>(500, std::string(100, 'u'))).ok());
  ExpectStillServing();
}

TEST_F(LimitsTest, LongUserIdIsInvalidArgumentNamingTheLimit) {
  StartServer({"--max_user_id_bytes=16"});
  const absl::Status one = client_->Assign(std::string(17, 'x'), "default").status();
  EXPECT_EQ(one.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(one.message(), HasSubstr("user_id is 17 bytes; the limit is 16"));
  EXPECT_TRUE(client_->Assign(std::string(16, 'x'), "default").ok());
  const std::vector<std::string> users = {"a", "b", std::string(40, 'c')};
  const absl::Status batch = client_->BatchAssign("default", users).status();
  EXPECT_EQ(batch.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(batch.message(), HasSubstr("user_ids[2]: user_id is 40 bytes"));
  // Under the default 4 MiB message limit, a 1 MiB id reaches the validator and is refused there.
  const absl::Status mib = client_->Assign(std::string(1 << 20, 'x'), "default").status();
  EXPECT_EQ(mib.code(), absl::StatusCode::kInvalidArgument);
  ExpectStillServing();
}

TEST_F(LimitsTest, TooManyBatchUsersIsInvalidArgumentNamingTheLimit) {
  StartServer({"--max_batch_users=100"});
  const absl::Status over =
      client_->BatchAssign("default", std::vector<std::string>(101, "u")).status();
  EXPECT_EQ(over.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(over.message(), HasSubstr("batch has 101 user_ids; the limit is 100"));
  EXPECT_TRUE(client_->BatchAssign("default", std::vector<std::string>(100, "u")).ok());
  ExpectStillServing();
}

TEST_F(LimitsTest, ConcurrentStreamsAreBoundedAndExcessCallsWait) {
  StartServer({"--max_concurrent_streams=2"});
  // The server advertises the bound in its HTTP/2 SETTINGS frame.
  const CommandResult settings =
      RunCommand(absl::StrCat("nghttp -nv -t 5 http://127.0.0.1:", server_->grpc_port(), "/"));
  EXPECT_THAT(settings.output, HasSubstr("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):2"))
      << settings.output;
  // 32 callers on one connection: the client queues what the bound does not admit; none fails.
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 32; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (!client_->Assign(absl::StrCat("user-", t, "-", i), "default").ok()) ++failures;
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(failures.load(), 0);
  ExpectStillServing();
}

TEST(LimitsFlags, OutOfRangeLimitsStopStartUp) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/experiments.yaml", TwoExperimentConfig(1));
  for (const std::string flag : {"--max_message_bytes=10", "--max_concurrent_streams=0",
                                 "--max_user_id_bytes=0", "--max_batch_users=0"}) {
    absl::StatusOr<std::unique_ptr<ServerProcess>> s =
        ServerProcess::Start({dir + "/experiments.yaml", {flag}, {}});
    ASSERT_FALSE(s.ok()) << flag;
    EXPECT_THAT(s.status().message(), HasSubstr(flag.substr(0, flag.find('=')))) << flag;
  }
}

}  // namespace
}  // namespace assignd::testing
