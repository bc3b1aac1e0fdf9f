// LoadConfigFile / LoadSnapshot: file errors, the sample config shipped in config/, and fixtures.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/config_loader.h"
#include "server/core/assign.h"

namespace assignd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::string SourcePath(const char* relative) {
  return absl::StrCat(ASSIGND_SOURCE_DIR, "/", relative);
}

// A fresh directory under the test temp dir, removed with its content at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "/config_file_test.XXXXXX";
    const char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::system(absl::StrCat("rm -rf '", path_, "'").c_str()); }
  std::string Write(const char* name, const std::string& content) const {
    const std::string file = absl::StrCat(path_, "/", name);
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(LoadConfigFileTest, SampleConfigParses) {
  const std::string path = SourcePath("config/experiments.yaml");
  const absl::StatusOr<core::Config> config = LoadConfigFile(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source_path, path);
  EXPECT_THAT(config->version, MatchesRegex("[0-9a-f]{16}"));
  ASSERT_EQ(config->experiments.size(), 1u);
  const core::Experiment& e = config->experiments[0];
  EXPECT_EQ(e.key, "blend_weights_v2");
  EXPECT_EQ(e.namespaces, std::vector<std::string>{"default"});
  EXPECT_EQ(e.ramp_percent, 1);
  EXPECT_FALSE(e.kill_switch);
  EXPECT_TRUE(e.active);
  EXPECT_EQ(e.seed_template, core::Experiment::kDefaultSeedTemplate);
  EXPECT_EQ(e.fallback_index, 0);
  ASSERT_EQ(e.variants.size(), 2u);
  EXPECT_EQ(e.variants[0].name, "baseline");
  EXPECT_EQ(e.variants[0].weight_percent, 50);
  EXPECT_EQ(e.variants[0].blend, (core::BlendWeights{0.60, 0.30, 0.10}));
  EXPECT_EQ(e.variants[1].name, "challenger_a");
  EXPECT_EQ(e.variants[1].weight_percent, 50);
  EXPECT_EQ(e.variants[1].blend, (core::BlendWeights{0.50, 0.35, 0.15}));
  EXPECT_THAT(e.overrides, UnorderedElementsAre(Pair("qa-user-1", 1)));
}

TEST(LoadSnapshotTest, SampleConfigServesDefaultNamespace) {
  const absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      LoadSnapshot(SourcePath("config/experiments.yaml"));
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->route_count(), 1);
  const core::NamespaceRoute* route = (*snapshot)->Find("default");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->seed, "default:blend_weights_v2");
  EXPECT_EQ(route->experiment->key, "blend_weights_v2");
  const core::Assignment forced = core::AssignUser(*route, "qa-user-1");
  EXPECT_EQ(forced.reason, core::Reason::kForcedOverride);
  EXPECT_EQ(forced.variant().name, "challenger_a");
}

TEST(LoadSnapshotTest, SampleConfigAlsoBuildsThroughSnapshotCreate) {
  absl::StatusOr<core::Config> config = LoadConfigFile(SourcePath("config/experiments.yaml"));
  ASSERT_TRUE(config.ok()) << config.status();
  const std::string version = config->version;
  const absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      core::Snapshot::Create(*std::move(config));
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->version(), version);
}

TEST(LoadSnapshotTest, FullFixtureRoutesOnlyActiveExperiments) {
  const BlendOverrides overrides = *ParseBlendOverrides("blend_weights_v2/baseline:alpha=0.7");
  const absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      LoadSnapshot(SourcePath("tests/data/config/valid_full.yaml"), overrides);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  const core::Config& config = (*snapshot)->config();
  ASSERT_EQ(config.experiments.size(), 2u);
  const core::Experiment& v2 = config.experiments[0];
  EXPECT_EQ(v2.ramp_percent, 0.5);
  EXPECT_EQ(v2.fallback_index, 1);
  EXPECT_TRUE(v2.allow_reassignment);
  EXPECT_EQ(v2.variants[0].weight_percent, 25);
  EXPECT_EQ(v2.variants[0].blend, (core::BlendWeights{0.7, 0.30, 0.10}));
  EXPECT_EQ(v2.variants[1].blend, (core::BlendWeights{0.5, 0.35, 0.15}));
  EXPECT_THAT(v2.overrides, UnorderedElementsAre(Pair("qa-user-1", 1), Pair("qa-user-2", 0)));
  const core::Experiment& v3 = config.experiments[1];
  EXPECT_FALSE(v3.active);
  EXPECT_TRUE(v3.kill_switch);
  EXPECT_EQ(v3.fallback_index, 1);

  EXPECT_EQ((*snapshot)->route_count(), 2);
  for (const char* ns : {"default", "mobile"}) {
    const core::NamespaceRoute* route = (*snapshot)->Find(ns);
    ASSERT_NE(route, nullptr) << ns;
    EXPECT_EQ(route->experiment->key, "blend_weights_v2");
    EXPECT_EQ(route->seed, "fixed-seed:blend_weights_v2");
  }
}

TEST(LoadConfigFileTest, FixtureWithManyErrorsReportsAllOfThem) {
  const std::string path = SourcePath("tests/data/config/many_errors.yaml");
  const absl::StatusOr<core::Config> config = LoadConfigFile(path);
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<std::string> lines =
      absl::StrSplit(std::string(config.status().message()), '\n');
  const auto at = [&](const char* rest) { return absl::StrCat(path, ":", rest); };
  EXPECT_THAT(
      lines,
      ElementsAre(at("2:5: missing required key 'ramp_percent'"),
                  at("4:5: unknown key 'ramp_precent' (did you mean 'ramp_percent'?)"),
                  at("5:18: kill_switch must be true or false, got 'maybe'"),
                  at("7:5: variant weights must sum to 100, got 110"),
                  at("9:57: alpha must not be negative, got '-0.5'"),
                  at("10:28: override for user 'qa-user-1' names unknown variant 'challenger_b' "
                     "(variants: 'baseline', 'challenger_a')"),
                  at("12:18: active experiments 'blend_weights_v2' (line 3) and "
                     "'blend_weights_v3' both serve namespace 'default'")));
}

TEST(LoadConfigFileTest, SyntaxErrorFixture) {
  const std::string path = SourcePath("tests/data/config/syntax_error.yaml");
  const absl::StatusOr<core::Config> config = LoadConfigFile(path);
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(config.status().message()),
            absl::StrCat(path,
                         ":4:17: did not find expected ',' or ']' (while parsing a flow sequence "
                         "that starts at line 3, column 17)"));
}

TEST(LoadConfigFileTest, MissingFileIsNotFound) {
  const TempDir dir;
  const std::string path = dir.path() + "/absent.yaml";
  const absl::StatusOr<core::Config> config = LoadConfigFile(path);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(config.status().message()),
            absl::StrCat("cannot open config file ", path, ": No such file or directory"));
}

TEST(LoadConfigFileTest, DirectoryIsInvalidArgument) {
  const TempDir dir;
  const absl::StatusOr<core::Config> config = LoadConfigFile(dir.path());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(config.status().message()),
            absl::StrCat("config file ", dir.path(), " is a directory"));
}

TEST(LoadConfigFileTest, FifoIsRefusedWithoutBlocking) {
  const TempDir dir;
  const std::string path = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const absl::StatusOr<core::Config> config = LoadConfigFile(path);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(config.status().message()),
            absl::StrCat("config file ", path, " is not a regular file"));
}

TEST(LoadConfigFileTest, PathThroughAFileIsFailedPrecondition) {
  const TempDir dir;
  const std::string file = dir.Write("plain", "x");
  const absl::StatusOr<core::Config> config = LoadConfigFile(file + "/experiments.yaml");
  // ENOTDIR maps to FailedPrecondition in absl::ErrnoToStatusCode.
  EXPECT_EQ(config.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("Not a directory"));
}

TEST(LoadConfigFileTest, UnreadableFileIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files regardless of their mode";
  const TempDir dir;
  const std::string path = dir.Write("secret.yaml", "experiments: []\n");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  const absl::StatusOr<core::Config> config = LoadConfigFile(path);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(config.status().message()),
            absl::StrCat("cannot open config file ", path, ": Permission denied"));
}

TEST(LoadConfigFileTest, VersionDependsOnFileBytes) {
  const TempDir dir;
  const std::string a = dir.Write("a.yaml", "experiments: []\n");
  const std::string b = dir.Write("b.yaml", "experiments: []\n");
  const std::string c = dir.Write("c.yaml", "experiments: []  # changed\n");
  const absl::StatusOr<core::Config> ca = LoadConfigFile(a);
  const absl::StatusOr<core::Config> cb = LoadConfigFile(b);
  const absl::StatusOr<core::Config> cc = LoadConfigFile(c);
  ASSERT_TRUE(ca.ok() && cb.ok() && cc.ok());
  EXPECT_EQ(ca->version, cb->version);
  EXPECT_NE(ca->version, cc->version);
}

TEST(LoadSnapshotTest, ErrorsPassThrough) {
  const TempDir dir;
  const absl::StatusOr<std::shared_ptr<const core::Snapshot>> missing =
      LoadSnapshot(dir.path() + "/absent.yaml");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  const std::string bad = dir.Write("bad.yaml", "experiments: 3\n");
  const absl::StatusOr<std::shared_ptr<const core::Snapshot>> invalid = LoadSnapshot(bad);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(invalid.status().message()),
            absl::StrCat(bad, ":1:14: experiments must be a list, got '3'"));
}

TEST(LoadSnapshotTest, EmptyExperimentListServesNothing) {
  const TempDir dir;
  const absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      LoadSnapshot(dir.Write("empty.yaml", "experiments: []\n"));
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->route_count(), 0);
  EXPECT_EQ((*snapshot)->Find("default"), nullptr);
}

}  // namespace
}  // namespace assignd::config
