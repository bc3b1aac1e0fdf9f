#include "tests/integration/server_fixture.h"

#include <utility>

namespace assignd::testing {

void ServerFixture::StartServer(const std::string& yaml, std::vector<std::string> extra_flags,
                                std::map<std::string, std::string> env) {
  const std::string path = dir_ + "/experiments.yaml";
  WriteFile(path, yaml);
  StartServerAt(path, std::move(extra_flags), std::move(env));
}

void ServerFixture::StartServerAt(const std::string& config_path,
                                  std::vector<std::string> extra_flags,
                                  std::map<std::string, std::string> env) {
  config_path_ = config_path;
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({config_path_, std::move(extra_flags), std::move(env)});
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  absl::StatusOr<std::unique_ptr<client::AssignClient>> c =
      client::AssignClient::Create({.target = server_->grpc_target(), .timeout = absl::Seconds(5)});
  ASSERT_TRUE(c.ok()) << c.status();
  client_ = *std::move(c);
}

std::string ServerFixture::Metrics() {
  absl::StatusOr<std::string> body = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_TRUE(body.ok()) << body.status();
  return body.value_or("");
}

}  // namespace assignd::testing
