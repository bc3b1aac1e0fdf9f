// assign_load's interleaved mode (the paired half-load comparison of bench/run.sh) against two
// real assignd servers: call by call, each server gets exactly its share, and what the load
// generator counts is what each server counted.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client/load_generator.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"

namespace assignd::testing {
namespace {

double OkAssigns(const ServerProcess& server) {
  const absl::StatusOr<std::string> metrics = HttpGet(server.metrics_port(), "/metrics");
  EXPECT_TRUE(metrics.ok()) << metrics.status();
  return MetricValue(metrics.value_or(""), "assignd_requests_total",
                     {{"method", "Assign"}, {"code", "OK"}})
      .value_or(-1);
}

TEST(InterleavedLoadTest, CallByCallEachServerGetsItsShareAndCountsMatch) {
  const std::string config = std::string(ASSIGND_SOURCE_DIR) + "/config/experiments.yaml";
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (int i = 0; i < 2; ++i) {
    ServerFlags flags;
    flags.config_path = config;
    absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(flags);
    ASSERT_TRUE(server.ok()) << server.status();
    servers.push_back(*std::move(server));
  }
  client::LoadOptions options;
  options.target = servers[0]->grpc_target();
  options.interleaved_targets = {servers[1]->grpc_target()};
  options.switch_every = absl::ZeroDuration();  // call by call
  options.rate = 2000;
  options.requests = 1000;
  options.warmup = absl::ZeroDuration();
  options.channels = 2;
  options.concurrency = 16;
  const absl::StatusOr<std::vector<client::LoadResult>> results =
      client::RunInterleavedLoad(options);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 2u);
  for (size_t s = 0; s < 2; ++s) {
    const client::LoadResult& result = (*results)[s];
    EXPECT_EQ(result.errors, 0u) << s;
    // Tickets are taken in schedule order and alternate: 500 each, exactly.
    EXPECT_EQ(result.ok, 500u) << s;
    EXPECT_EQ(OkAssigns(*servers[s]), static_cast<double>(result.calls_total)) << s;
    EXPECT_GT(result.latency.ValueAtQuantile(0.99), 0u) << s;
  }
}

TEST(InterleavedLoadTest, RunLoadTakesOneTarget) {
  client::LoadOptions options;
  options.interleaved_targets = {"127.0.0.1:1"};
  options.rate = 100;
  EXPECT_EQ(client::RunLoad(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.switch_every = absl::Milliseconds(-1);
  EXPECT_EQ(client::RunInterleavedLoad(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace assignd::testing
