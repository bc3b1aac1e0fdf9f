#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/assign_client.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"

namespace assignd::testing {

// A gtest fixture owning one real assignd (started on demand with a config the test writes) and a
// client connected to it. The integration, reload and observability suites derive from it.
class ServerFixture : public ::testing::Test {
 protected:
  // Writes `yaml` to dir_/experiments.yaml and starts assignd on it.
  void StartServer(const std::string& yaml, std::vector<std::string> extra_flags = {},
                   std::map<std::string, std::string> env = {});
  // Starts assignd on an existing config file (e.g. a ConfigMap-style symlink).
  void StartServerAt(const std::string& config_path, std::vector<std::string> extra_flags = {},
                     std::map<std::string, std::string> env = {});

  // The body of GET /metrics (a failed scrape fails the test and returns "").
  std::string Metrics();

  std::string dir_ = MakeTempDir();
  std::string config_path_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<client::AssignClient> client_;
};

}  // namespace assignd::testing
