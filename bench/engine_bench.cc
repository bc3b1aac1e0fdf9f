// Engine benchmarks: one Assign decision with 1..10,000 experiments loaded, and loading a
// 10,000-experiment config. Every benchmark reports heap allocations per iteration ("allocs").
//   build/bin/engine_bench --benchmark_min_time=0.2
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/alloc_counter.h"
#include "bench/bench_config.h"
#include "benchmark/benchmark.h"
#include "server/config/config_loader.h"
#include "server/core/assign.h"
#include "server/core/snapshot.h"
#include "server/metrics/server_metrics.h"
#include "server/service/serving_state.h"

namespace assignd::bench {
namespace {

constexpr int kLargeConfig = 10000;

std::string TempDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

// Parsed once per size and kept: building 10,000 experiments is not what a decision costs.
const core::Snapshot& SnapshotWith(int experiments) {
  static auto* cache = new std::map<int, std::shared_ptr<const core::Snapshot>>();
  auto& slot = (*cache)[experiments];
  if (slot == nullptr) {
    absl::StatusOr<core::Config> config =
        config::ParseConfig(MakeExperimentsYaml(experiments, 50), "bench.yaml");
    if (!config.ok()) std::abort();
    absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
        core::Snapshot::Create(*std::move(config));
    if (!snapshot.ok()) std::abort();
    slot = *std::move(snapshot);
  }
  return *slot;
}

// Short ids like a recommendation service's ("user-123456"), varied so the hash and the branch
// into a variant are not the same every iteration.
const std::vector<std::string>& UserIds() {
  static const auto* ids = [] {
    auto* v = new std::vector<std::string>();
    std::mt19937_64 rng(42);
    for (int i = 0; i < 1024; ++i) v->push_back(absl::StrCat("user-", rng() % 1000000));
    return v;
  }();
  return *ids;
}

void ReportAllocations(benchmark::State& state, uint64_t before) {
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(AllocationCount() - before),
                                                benchmark::Counter::kAvgIterations);
}

// One decision as the service makes it after validation: route lookup by namespace, hash of the
// user id on the seed's state, bucket range pick. Always the same namespace (the middle one).
void BM_Decide(benchmark::State& state) {
  const int experiments = static_cast<int>(state.range(0));
  const core::Snapshot& snapshot = SnapshotWith(experiments);
  const std::string ns = BenchNamespace(experiments / 2);
  const std::vector<std::string>& ids = UserIds();
  size_t i = 0;
  const uint64_t before = AllocationCount();
  for (auto _ : state) {
    const core::NamespaceRoute* route = snapshot.Find(ns);
    const core::Assignment a = core::AssignUser(*route, ids[i++ & 1023]);
    benchmark::DoNotOptimize(a);
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_Decide)->Arg(1)->Arg(100)->Arg(kLargeConfig);

// The whole engine part of Assign: namespace and user id validation (UTF-8 scan) as well.
void BM_DecideValidated(benchmark::State& state) {
  const int experiments = static_cast<int>(state.range(0));
  const core::Snapshot& snapshot = SnapshotWith(experiments);
  const std::string ns = BenchNamespace(experiments / 2);
  const std::vector<std::string>& ids = UserIds();
  size_t i = 0;
  const uint64_t before = AllocationCount();
  for (auto _ : state) {
    const std::string& id = ids[i++ & 1023];
    if (!core::ValidateNamespace(ns).ok() || !core::ValidateUserId(id).ok()) std::abort();
    const core::NamespaceRoute* route = snapshot.Find(ns);
    const core::Assignment a = core::AssignUser(*route, id);
    benchmark::DoNotOptimize(a);
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_DecideValidated)->Arg(1)->Arg(100)->Arg(kLargeConfig);

// Like BM_Decide but every call on a different namespace, drawn at random: the route table no
// longer sits in L1, which is what a server with many busy surfaces sees.
void BM_DecideRandomNamespace(benchmark::State& state) {
  const int experiments = static_cast<int>(state.range(0));
  const core::Snapshot& snapshot = SnapshotWith(experiments);
  std::vector<std::string> namespaces;
  std::mt19937 rng(7);
  for (int k = 0; k < 1024; ++k)
    namespaces.push_back(BenchNamespace(static_cast<int>(rng() % experiments)));
  const std::vector<std::string>& ids = UserIds();
  size_t i = 0;
  const uint64_t before = AllocationCount();
  for (auto _ : state) {
    const core::NamespaceRoute* route = snapshot.Find(namespaces[(i * 7) & 1023]);
    const core::Assignment a = core::AssignUser(*route, ids[i & 1023]);
    ++i;
    benchmark::DoNotOptimize(a);
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_DecideRandomNamespace)->Arg(1)->Arg(100)->Arg(kLargeConfig);

// What the request metrics cost one Assign: the exposure (or fallback) counter, the request
// counter and the latency histogram (prometheus-cpp's Histogram::Observe takes a mutex), plus
// the two clock reads. Threads:2 is both of gRPC's callback threads hitting the same metrics.
void BM_RequestMetrics(benchmark::State& state) {
  static metrics::ServerMetrics* metrics =
      new metrics::ServerMetrics(std::make_shared<prometheus::Registry>());
  static const metrics::RouteCounterTable* table = [] {
    absl::StatusOr<core::Config> config =
        config::ParseConfig(MakeExperimentsYaml(1, 50), "bench.yaml");
    if (!config.ok()) std::abort();
    auto snapshot = core::Snapshot::Create(*std::move(config));
    if (!snapshot.ok()) std::abort();
    static std::shared_ptr<const core::Snapshot> keep = *snapshot;
    return new metrics::RouteCounterTable(metrics->ResolveRoutes(keep));
  }();
  const core::Snapshot& snapshot = SnapshotWith(1);
  const core::NamespaceRoute* route = snapshot.Find("default");
  const std::vector<std::string>& ids = UserIds();
  size_t i = 0;
  const uint64_t before = AllocationCount();
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const core::Assignment a = core::AssignUser(*route, ids[i++ & 1023]);
    (*table)[0].Count(a);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    metrics->RecordRequest(metrics::Method::kAssign, 0, elapsed.count());
  }
  if (state.thread_index() == 0) ReportAllocations(state, before);
}
BENCHMARK(BM_RequestMetrics)->Threads(1)->Threads(2)->UseRealTime();

// The same decision without the metrics, for the difference.
void BM_RequestNoMetrics(benchmark::State& state) {
  const core::Snapshot& snapshot = SnapshotWith(1);
  const core::NamespaceRoute* route = snapshot.Find("default");
  const std::vector<std::string>& ids = UserIds();
  size_t i = 0;
  for (auto _ : state) {
    const core::Assignment a = core::AssignUser(*route, ids[i++ & 1023]);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_RequestNoMetrics)->Threads(1)->Threads(2)->UseRealTime();

const std::string& LargeYaml() {
  static const auto* yaml = new std::string(MakeExperimentsYaml(kLargeConfig, 50));
  return *yaml;
}

// YAML text -> validated core::Config (every rule, file:line:column bookkeeping).
void BM_ParseConfig10k(benchmark::State& state) {
  const std::string& yaml = LargeYaml();
  const uint64_t before = AllocationCount();
  for (auto _ : state) {
    absl::StatusOr<core::Config> config = config::ParseConfig(yaml, "bench.yaml");
    if (!config.ok()) std::abort();
    benchmark::DoNotOptimize(config);
  }
  ReportAllocations(state, before);
  state.counters["bytes"] = static_cast<double>(yaml.size());
}
BENCHMARK(BM_ParseConfig10k)->Unit(benchmark::kMillisecond);

// core::Config -> Snapshot (routes, seed states, bucket ranges).
void BM_SnapshotCreate10k(benchmark::State& state) {
  absl::StatusOr<core::Config> config = config::ParseConfig(LargeYaml(), "bench.yaml");
  if (!config.ok()) std::abort();
  for (auto _ : state) {
    state.PauseTiming();
    core::Config copy = *config;
    state.ResumeTiming();
    absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
        core::Snapshot::Create(std::move(copy));
    if (!snapshot.ok()) std::abort();
    benchmark::DoNotOptimize(snapshot);
  }
}
BENCHMARK(BM_SnapshotCreate10k)->Unit(benchmark::kMillisecond);

// Two different 10,000-experiment files on disk, removed at exit.
const std::string* TwoLargeFiles() {
  static const auto* paths = [] {
    const std::string dir = TempDir();
    auto* p =
        new std::string[2]{dir + "/engine_bench_10k_a.yaml", dir + "/engine_bench_10k_b.yaml"};
    std::ofstream(p[0]) << LargeYaml();
    std::ofstream(p[1]) << MakeExperimentsYaml(kLargeConfig, 40);
    std::atexit([] {
      std::remove(TwoLargeFiles()[0].c_str());
      std::remove(TwoLargeFiles()[1].c_str());
    });
    return p;
  }();
  return paths;
}

// The reload's first half: read, parse, validate, compact and build the snapshot.
void BM_LoadSnapshot10k(benchmark::State& state) {
  const std::string* paths = TwoLargeFiles();
  int which = 0;
  for (auto _ : state) {
    absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
        config::LoadSnapshot(paths[which ^= 1]);
    if (!snapshot.ok()) std::abort();
    benchmark::DoNotOptimize(snapshot);
  }
}
BENCHMARK(BM_LoadSnapshot10k)->Unit(benchmark::kMillisecond);

// The reload's second half: metric handles for every route of a new snapshot (alternating two,
// as reloads do), with the families already holding both configs' series.
void BM_ResolveRoutes10k(benchmark::State& state) {
  const std::string* paths = TwoLargeFiles();
  const std::shared_ptr<const core::Snapshot> snapshots[2] = {*config::LoadSnapshot(paths[0]),
                                                              *config::LoadSnapshot(paths[1])};
  metrics::ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  metrics.ResolveRoutes(snapshots[0]);  // as the server's start-up load did
  int which = 0;
  const uint64_t before = AllocationCount();
  for (auto _ : state) {
    metrics::RouteCounterTable table = metrics.ResolveRoutes(snapshots[which ^= 1]);
    benchmark::DoNotOptimize(table);
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_ResolveRoutes10k)->Unit(benchmark::kMillisecond);

// What ConfigReloader::Reload does: read, parse and validate the file, build the snapshot
// (config::LoadSnapshot), resolve its metric handles and publish it to readers. Alternates
// between two different 10k files so every iteration is a real swap.
void BM_ParseValidateSwap10k(benchmark::State& state) {
  const std::string* paths = TwoLargeFiles();
  metrics::ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  service::ServingStateStore store;
  int which = 0;
  for (auto _ : state) {
    absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
        config::LoadSnapshot(paths[which ^= 1]);
    if (!snapshot.ok()) std::abort();
    auto serving = std::make_shared<service::ServingState>();
    serving->snapshot = *std::move(snapshot);
    serving->counters = metrics.ResolveRoutes(serving->snapshot);
    store.Store(std::move(serving));
  }
}
BENCHMARK(BM_ParseValidateSwap10k)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace assignd::bench

BENCHMARK_MAIN();
