// Hot-reload concurrency without gRPC, so it can run under ThreadSanitizer (Debian's gRPC is not
// TSan-built): a writer parses configs and publishes snapshots through core::SnapshotStore while
// readers assign users from whatever snapshot they see, as the service's request path does.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/config/config_loader.h"
#include "server/core/assign.h"
#include "server/core/snapshot.h"
#include "server/core/snapshot_store.h"

namespace assignd::config {
namespace {

std::string ConfigText(int ramp, bool kill_switch) {
  return absl::StrCat(R"(experiments:
  - key: exp_a
    namespaces: [default]
    ramp_percent: )",
                      ramp, "\n    kill_switch: ", kill_switch ? "true" : "false", R"(
    fallback_variant: control
    variants:
      - {name: control, weight: 50, blend: {alpha: 0.6, beta: 0.3, gamma: 0.1}}
      - {name: treatment, weight: 50, blend: {alpha: 0.5, beta: 0.35, gamma: 0.15}}
)");
}

std::shared_ptr<const core::Snapshot> Load(const std::string& text) {
  absl::StatusOr<core::Config> config = ParseConfig(text, "reload.yaml");
  EXPECT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      core::Snapshot::Create(*std::move(config));
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  return *std::move(snapshot);
}

TEST(ReloadConcurrency, ReadersAlwaysSeeOneWholeSnapshotWhileTheWriterPublishes) {
  constexpr int kUsers = 64;
  const std::vector<std::string> texts = {ConfigText(10, false), ConfigText(90, false),
                                          ConfigText(90, true)};
  // The answers each version gives, computed single-threaded: reader answers must match them.
  std::map<std::string, std::vector<int>> expected;  // version -> variant index by user
  for (const std::string& text : texts) {
    const std::shared_ptr<const core::Snapshot> s = Load(text);
    std::vector<int>& answers = expected[s->version()];
    for (int u = 0; u < kUsers; ++u) {
      answers.push_back(
          core::AssignUser(*s->Find("default"), absl::StrCat("user-", u)).variant_index);
    }
  }
  ASSERT_EQ(expected.size(), 3u);

  core::SnapshotStore<core::Snapshot> store;
  store.Store(Load(texts[0]));
  std::atomic<bool> done{false};
  std::atomic<int> mismatches{0};
  std::atomic<long> answers{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      for (long i = 0; !done.load(std::memory_order_relaxed) || i < 2000; ++i) {
        const core::Snapshot* s = store.Get();
        const int u = static_cast<int>((i + r) % kUsers);
        const core::Assignment a = core::AssignUser(*s->Find("default"), absl::StrCat("user-", u));
        const auto it = expected.find(s->version());
        if (it == expected.end() || it->second[static_cast<size_t>(u)] != a.variant_index) {
          ++mismatches;
        }
        answers.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (int i = 1; i <= 300; ++i) store.Store(Load(texts[static_cast<size_t>(i) % texts.size()]));
  done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GE(answers.load(), 8000);
  EXPECT_EQ(store.Load()->version(), Load(texts[0]).get()->version());  // 300 % 3 == 0
}

}  // namespace
}  // namespace assignd::config
