// Soak: the real assignd under steady load for a while, with the config rewritten and reloaded
// (SIGHUP) every second. Prints RPC counts, failures, and the server's RSS at the start and end of
// the load; exits 1 on any failed RPC. Not part of ctest (it takes a minute): run by hand,
//   build/bin/soak [--seconds=60] [--threads=4]
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/assign_client.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_configs.h"

namespace {

using assignd::testing::ServerProcess;

long RssKib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(status, line);) {
    if (absl::StartsWith(line, "VmRSS:")) {
      long kib = -1;
      return std::sscanf(line.c_str(), "VmRSS: %ld", &kib) == 1 ? kib : -1;
    }
  }
  return -1;
}

int FlagValue(int argc, char** argv, const std::string& name, int fallback) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    int value = 0;
    if (absl::StartsWith(arg, name + "=") &&
        absl::SimpleAtoi(arg.substr(name.size() + 1), &value)) {
      return value;
    }
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = FlagValue(argc, argv, "--seconds", 60);
  const int threads = FlagValue(argc, argv, "--threads", 4);
  const std::string dir = assignd::testing::MakeTempDir();
  const std::string path = dir + "/experiments.yaml";
  assignd::testing::WriteFile(path, assignd::testing::TwoExperimentConfig(50));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({path, {"--poll_interval=1h"}, {}});
  if (!server.ok()) {
    std::fprintf(stderr, "soak: %s\n", std::string(server.status().message()).c_str());
    return 2;
  }
  std::atomic<bool> stop{false};
  std::atomic<long> ok{0}, failed{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&, t] {
      auto client = assignd::client::AssignClient::Create(
          {.target = (*server)->grpc_target(), .timeout = absl::Seconds(5)});
      if (!client.ok()) {
        ++failed;
        return;
      }
      std::vector<std::string> batch;
      for (int i = 0; i < 100; ++i) batch.push_back(absl::StrCat("batch-", t, "-", i));
      for (long i = 0; !stop.load(); ++i) {
        const bool good = (i % 10 == 9)
                              ? (*client)->BatchAssign("pdp", batch).ok()
                              : (*client)->Assign(absl::StrCat("u", t, "-", i), "default").ok();
        good ? ++ok : ++failed;
      }
    });
  }
  absl::SleepFor(absl::Seconds(2));  // warm-up: thread caches, connections, allocator
  const long rss_start = RssKib((*server)->pid());
  const absl::Time start = absl::Now();
  int reloads = 0;
  while (absl::Now() - start < absl::Seconds(seconds)) {
    absl::SleepFor(absl::Seconds(1));
    assignd::testing::WriteFile(
        path, assignd::testing::TwoExperimentConfig(reloads % 2 == 0 ? 60 : 50, reloads % 5 == 4));
    (*server)->Signal(SIGHUP);
    ++reloads;
  }
  const long rss_end = RssKib((*server)->pid());
  stop = true;
  for (std::thread& c : callers) c.join();
  const std::string log = (*server)->Log();
  size_t loaded = 0;
  for (size_t p = 0; (p = log.find("config loaded (SIGHUP)", p)) != std::string::npos; ++p)
    ++loaded;
  std::printf(
      "soak: %d s, %d caller threads, %ld RPCs ok (%.0f/s), %ld failed; %d config rewrites + "
      "SIGHUP, %zu reloads logged; server RSS %ld KiB at start, %ld KiB at end (%+ld KiB)\n",
      seconds, threads, ok.load(), static_cast<double>(ok.load()) / seconds, failed.load(), reloads,
      loaded, rss_start, rss_end, rss_end - rss_start);
  (*server)->Stop();
  return failed.load() == 0 ? 0 : 1;
}
