// Behaviour of the engine through Snapshot + AssignUser: stickiness, independence of namespaces,
// ramps, kill switch, overrides, split, input validation and Snapshot::Create's checks.

#include "server/core/assign.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/core/experiment.h"
#include "server/core/snapshot.h"

namespace assignd::core {
namespace {

constexpr int kUsers = 100000;

std::string UserId(int i) { return absl::StrCat("user-", i); }

Experiment MakeExperiment(std::string key, std::vector<std::string> namespaces, double ramp_percent,
                          std::vector<double> weight_percents) {
  Experiment e;
  e.key = std::move(key);
  e.namespaces = std::move(namespaces);
  e.ramp_percent = ramp_percent;
  for (size_t i = 0; i < weight_percents.size(); ++i) {
    e.variants.push_back({absl::StrCat("v", i), weight_percents[i], {}});
  }
  return e;
}

std::shared_ptr<const Snapshot> MakeSnapshot(std::vector<Experiment> experiments) {
  Config config;
  config.experiments = std::move(experiments);
  config.version = "test";
  absl::StatusOr<std::shared_ptr<const Snapshot>> snapshot = Snapshot::Create(std::move(config));
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  return snapshot.ok() ? *snapshot : nullptr;
}

// |observed - expected| share, in standard deviations of a binomial share over n users.
double Sigmas(int hits, int n, double p) {
  return std::abs(static_cast<double>(hits) / n - p) / std::sqrt(p * (1 - p) / n);
}

TEST(AssignTest, SameAnswerTwiceAndAcrossEqualSnapshots) {
  const auto make = [] {
    Experiment e = MakeExperiment("exp", {"ns"}, 30, {20, 30, 50});
    e.overrides = {{"qa-1", 2}};
    return MakeSnapshot({e});
  };
  const std::shared_ptr<const Snapshot> a = make();
  const std::shared_ptr<const Snapshot> b = make();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const NamespaceRoute* ra = a->Find("ns");
  const NamespaceRoute* rb = b->Find("ns");
  ASSERT_NE(ra, nullptr);
  ASSERT_NE(rb, nullptr);
  int assigned = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string id = i == 0 ? "qa-1" : UserId(i);
    const Assignment first = AssignUser(*ra, id);
    const Assignment again = AssignUser(*ra, id);
    const Assignment other = AssignUser(*rb, id);
    for (const Assignment& x : {again, other}) {
      ASSERT_EQ(x.reason, first.reason) << id;
      ASSERT_EQ(x.variant_index, first.variant_index) << id;
      ASSERT_EQ(x.bucket, first.bucket) << id;
    }
    EXPECT_EQ(first.route, ra);
    EXPECT_EQ(&first.experiment(), ra->experiment);
    EXPECT_EQ(&first.variant(), &ra->experiment->variants[first.variant_index]);
    assigned += first.in_experiment();
  }
  EXPECT_GT(assigned, 5000);  // ramp 30%: the loop really compared enrolled users
}

TEST(AssignTest, DefaultSeedIsNamespaceColonKey) {
  Experiment e = MakeExperiment("blend_weights_v2", {"default", "other"}, 100, {50, 50});
  const std::shared_ptr<const Snapshot> s = MakeSnapshot({e});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Find("default")->seed, "default:blend_weights_v2");
  EXPECT_EQ(s->Find("other")->seed, "other:blend_weights_v2");
  // The bucket is GrowthBook's hash v2 of that seed + id (0.5618 is the SDK's n of user-2 with
  // seed "blend_weights_v2": a custom template without the namespace reproduces it).
  e.seed_template = "{key}";
  const std::shared_ptr<const Snapshot> t = MakeSnapshot({e});
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->Find("default")->seed, "blend_weights_v2");
  EXPECT_EQ(AssignUser(*t->Find("default"), "user-2").bucket, 0.5618);
  EXPECT_EQ(AssignUser(*t->Find("default"), "user-2").variant_index, 1);
}

TEST(AssignTest, NamespacesAreIndependent) {
  // One experiment on namespaces a and b: seeds "a:exp" and "b:exp" must shuffle users
  // independently, so the same user agrees between them about half the time.
  const std::shared_ptr<const Snapshot> s =
      MakeSnapshot({MakeExperiment("exp", {"a", "b"}, 100, {50, 50})});
  ASSERT_NE(s, nullptr);
  const NamespaceRoute* a = s->Find("a");
  const NamespaceRoute* b = s->Find("b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  int agree = 0;
  int a_in_1 = 0;
  int b_in_1 = 0;
  int both_in_1 = 0;
  int same_bucket = 0;
  for (int i = 0; i < kUsers; ++i) {
    const std::string id = UserId(i);
    const Assignment x = AssignUser(*a, id);
    const Assignment y = AssignUser(*b, id);
    ASSERT_EQ(x.reason, Reason::kAssigned);
    ASSERT_EQ(y.reason, Reason::kAssigned);
    agree += x.variant_index == y.variant_index;
    a_in_1 += x.variant_index == 1;
    b_in_1 += y.variant_index == 1;
    both_in_1 += x.variant_index == 1 && y.variant_index == 1;
    same_bucket += x.bucket == y.bucket;
  }
  EXPECT_LT(Sigmas(agree, kUsers, 0.5), 4.0) << "agreement " << agree << " of " << kUsers;
  EXPECT_LT(Sigmas(a_in_1, kUsers, 0.5), 4.0);
  EXPECT_LT(Sigmas(b_in_1, kUsers, 0.5), 4.0);
  EXPECT_LT(Sigmas(both_in_1, kUsers, 0.25), 4.0);
  EXPECT_LT(Sigmas(same_bucket, kUsers, 1e-4), 4.0);  // 10,000 buckets: chance level
}

TEST(AssignTest, RampShareAndRaisingTheRampNeverMovesAnEnrolledUser) {
  std::vector<int> variant(kUsers, -1);  // last seen variant per user, -1 = not enrolled
  for (const double ramp : {1.0, 5.0, 50.0, 100.0}) {
    SCOPED_TRACE(absl::StrCat("ramp ", ramp));
    const std::shared_ptr<const Snapshot> s =
        MakeSnapshot({MakeExperiment("exp", {"ns"}, ramp, {50, 50})});
    ASSERT_NE(s, nullptr);
    const NamespaceRoute* route = s->Find("ns");
    ASSERT_NE(route, nullptr);
    int enrolled = 0;
    int moved = 0;
    int dropped = 0;
    for (int i = 0; i < kUsers; ++i) {
      const Assignment a = AssignUser(*route, UserId(i));
      ASSERT_GE(a.bucket, 0.0);
      ASSERT_LT(a.bucket, 1.0);
      if (a.reason == Reason::kAssigned) {
        ++enrolled;
        moved += variant[i] >= 0 && variant[i] != a.variant_index;
        variant[i] = a.variant_index;
      } else {
        ASSERT_EQ(a.reason, Reason::kNotInRamp);
        ASSERT_EQ(a.variant_index, 0);  // the fallback
        dropped += variant[i] >= 0;
      }
    }
    EXPECT_EQ(moved, 0);
    EXPECT_EQ(dropped, 0);
    if (ramp == 100.0) {
      EXPECT_EQ(enrolled, kUsers);
    } else {
      EXPECT_LT(Sigmas(enrolled, kUsers, ramp / 100), 4.0) << enrolled << " enrolled";
    }
  }
}

TEST(AssignTest, KillSwitchGivesEveryoneTheFallback) {
  Experiment e = MakeExperiment("exp", {"ns"}, 100, {50, 50});
  e.kill_switch = true;
  e.fallback_index = 1;
  e.overrides = {{"qa-1", 0}};  // the kill switch beats overrides
  const std::shared_ptr<const Snapshot> s = MakeSnapshot({e});
  ASSERT_NE(s, nullptr);
  const NamespaceRoute* route = s->Find("ns");
  ASSERT_NE(route, nullptr);
  for (int i = 0; i < 10000; ++i) {
    const std::string id = i == 0 ? "qa-1" : UserId(i);
    const Assignment a = AssignUser(*route, id);
    ASSERT_EQ(a.reason, Reason::kKillSwitch) << id;
    ASSERT_EQ(a.variant_index, 1) << id;
    ASSERT_LT(a.bucket, 0.0) << id;
    ASSERT_FALSE(a.in_experiment());
    ASSERT_EQ(a.variant().name, "v1");
  }
}

TEST(AssignTest, OverridesForceTheirVariantAndLeaveOthersAlone) {
  Experiment plain = MakeExperiment("exp", {"ns"}, 10, {50, 50});
  Experiment forced = plain;
  forced.overrides = {{"qa-1", 1}, {"user-7", 0}, {"us\xC3\xA9r-\xF0\x9F\x98\x80", 1}};
  const std::shared_ptr<const Snapshot> p = MakeSnapshot({plain});
  const std::shared_ptr<const Snapshot> f = MakeSnapshot({forced});
  ASSERT_NE(p, nullptr);
  ASSERT_NE(f, nullptr);
  for (const auto& [id, index] : forced.overrides) {
    const Assignment a = AssignUser(*f->Find("ns"), id);
    EXPECT_EQ(a.reason, Reason::kForcedOverride) << id;
    EXPECT_EQ(a.variant_index, index) << id;
    EXPECT_LT(a.bucket, 0.0) << id;
    EXPECT_FALSE(a.in_experiment()) << id;  // forced users are not exposures
  }
  // Overrides match the id exactly.
  EXPECT_NE(AssignUser(*f->Find("ns"), "QA-1").reason, Reason::kForcedOverride);
  EXPECT_NE(AssignUser(*f->Find("ns"), "qa-1 ").reason, Reason::kForcedOverride);
  for (int i = 0; i < 20000; ++i) {
    const std::string id = UserId(i);
    if (forced.overrides.contains(id)) continue;
    const Assignment x = AssignUser(*p->Find("ns"), id);
    const Assignment y = AssignUser(*f->Find("ns"), id);
    ASSERT_EQ(x.reason, y.reason) << id;
    ASSERT_EQ(x.variant_index, y.variant_index) << id;
    ASSERT_EQ(x.bucket, y.bucket) << id;
  }
}

TEST(AssignTest, SplitFollowsTheWeights) {
  const std::vector<double> weights = {20, 30, 50};
  const std::shared_ptr<const Snapshot> s =
      MakeSnapshot({MakeExperiment("exp", {"ns"}, 100, weights)});
  ASSERT_NE(s, nullptr);
  const NamespaceRoute* route = s->Find("ns");
  ASSERT_NE(route, nullptr);
  std::vector<int> counts(weights.size(), 0);
  for (int i = 0; i < kUsers; ++i) {
    const Assignment a = AssignUser(*route, UserId(i));
    ASSERT_EQ(a.reason, Reason::kAssigned);
    ++counts[a.variant_index];
  }
  double chi_square = 0;
  for (size_t v = 0; v < weights.size(); ++v) {
    const double p = weights[v] / 100;
    EXPECT_LT(Sigmas(counts[v], kUsers, p), 4.0) << "variant " << v << ": " << counts[v];
    const double expected = p * kUsers;
    chi_square += (counts[v] - expected) * (counts[v] - expected) / expected;
  }
  EXPECT_LT(chi_square, 18.4);  // 2 degrees of freedom: P(chi2 > 18.4) = 1e-4
}

TEST(AssignTest, SplitAtPartialRampKeepsTheWeightsAmongEnrolled) {
  const std::shared_ptr<const Snapshot> s =
      MakeSnapshot({MakeExperiment("exp", {"ns"}, 50, {10, 90})});
  ASSERT_NE(s, nullptr);
  int enrolled = 0;
  int in_0 = 0;
  for (int i = 0; i < kUsers; ++i) {
    const Assignment a = AssignUser(*s->Find("ns"), UserId(i));
    if (!a.in_experiment()) continue;
    ++enrolled;
    in_0 += a.variant_index == 0;
  }
  EXPECT_LT(Sigmas(enrolled, kUsers, 0.5), 4.0);
  EXPECT_LT(Sigmas(in_0, enrolled, 0.1), 4.0);
}

TEST(ValidateTest, UserId) {
  EXPECT_TRUE(ValidateUserId("user-1").ok());
  EXPECT_TRUE(ValidateUserId("us\xC3\xA9r-\xF0\x9F\x98\x80").ok());
  EXPECT_TRUE(ValidateUserId(std::string(kDefaultMaxUserIdBytes, 'x')).ok());
  EXPECT_TRUE(ValidateUserId("a b/c:d").ok());  // any valid UTF-8 text is a fine id
  const auto invalid = [](const absl::Status& status) {
    return status.code() == absl::StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(invalid(ValidateUserId("")));
  EXPECT_TRUE(invalid(ValidateUserId(std::string(kDefaultMaxUserIdBytes + 1, 'x'))));
  EXPECT_TRUE(ValidateUserId("12345", 5).ok());
  EXPECT_TRUE(invalid(ValidateUserId("123456", 5)));
  // The limit counts bytes: 2 emoji are 8 bytes.
  EXPECT_TRUE(invalid(ValidateUserId("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 7)));
  for (const char* bad : {"\xFF", "user-\xC3", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
    const absl::Status status = ValidateUserId(bad);
    EXPECT_TRUE(invalid(status)) << testing::PrintToString(std::string(bad));
    EXPECT_NE(status.message().find("UTF-8"), std::string_view::npos) << status;
  }
  EXPECT_NE(ValidateUserId("").message().find("empty"), std::string_view::npos);
}

TEST(ValidateTest, Namespace) {
  EXPECT_TRUE(ValidateNamespace("default").ok());
  EXPECT_TRUE(ValidateNamespace("A-z_0.9").ok());
  EXPECT_TRUE(ValidateNamespace(std::string(kMaxNamespaceBytes, 'n')).ok());
  const auto invalid = [](const absl::Status& status) {
    return status.code() == absl::StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(invalid(ValidateNamespace("")));
  EXPECT_TRUE(invalid(ValidateNamespace(std::string(kMaxNamespaceBytes + 1, 'n'))));
  for (const char* bad : {"a b", "a/b", "ns:x", "caf\xC3\xA9", "tab\t", "x\xFF", "{namespace}"}) {
    EXPECT_TRUE(invalid(ValidateNamespace(bad))) << testing::PrintToString(std::string(bad));
  }
  EXPECT_TRUE(invalid(ValidateNamespace(std::string("a\0b", 3))));
}

TEST(SnapshotTest, RejectsTwoActiveExperimentsOnOneNamespace) {
  Config config;
  config.experiments = {MakeExperiment("one", {"shared", "x"}, 100, {50, 50}),
                        MakeExperiment("two", {"y", "shared"}, 100, {50, 50})};
  const absl::StatusOr<std::shared_ptr<const Snapshot>> s = Snapshot::Create(config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("shared"), std::string_view::npos) << s.status();
}

TEST(SnapshotTest, IgnoresInactiveExperiments) {
  Experiment old = MakeExperiment("old", {"shared", "retired"}, 100, {50, 50});
  old.active = false;
  const std::shared_ptr<const Snapshot> s =
      MakeSnapshot({old, MakeExperiment("new", {"shared"}, 100, {50, 50})});
  ASSERT_NE(s, nullptr);
  const NamespaceRoute* shared = s->Find("shared");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->experiment->key, "new");
  EXPECT_EQ(shared->experiment_index, 1);
  EXPECT_EQ(s->Find("retired"), nullptr);
  EXPECT_EQ(s->route_count(), 1);
  EXPECT_EQ(s->config().experiments.size(), 2u);  // kept, for the admin view
}

TEST(SnapshotTest, UnknownNamespaceHasNoRoute) {
  const std::shared_ptr<const Snapshot> s =
      MakeSnapshot({MakeExperiment("exp", {"known"}, 100, {50, 50})});
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->Find("known"), nullptr);
  EXPECT_EQ(s->Find("unknown"), nullptr);
  EXPECT_EQ(s->Find(""), nullptr);
  EXPECT_EQ(s->Find("Known"), nullptr);
  const std::shared_ptr<const Snapshot> empty = MakeSnapshot({});
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->Find("known"), nullptr);
  EXPECT_EQ(empty->route_count(), 0);
}

TEST(SnapshotTest, RoutesAreSortedByNamespaceWithDenseIndexes) {
  const std::shared_ptr<const Snapshot> s =
      MakeSnapshot({MakeExperiment("e1", {"zeta", "alpha"}, 100, {50, 50}),
                    MakeExperiment("e2", {"mid"}, 100, {50, 50})});
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->route_count(), 3);
  const std::vector<std::string> expected = {"alpha", "mid", "zeta"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(s->routes()[i]->ns, expected[i]);
    EXPECT_EQ(s->routes()[i]->route_index, i);
    EXPECT_EQ(s->Find(expected[i]), s->routes()[i]);
  }
  EXPECT_EQ(s->Find("mid")->experiment->key, "e2");
}

TEST(SnapshotTest, RejectsMalformedExperiments) {
  Experiment none = MakeExperiment("none", {"ns"}, 100, {});
  EXPECT_EQ(Snapshot::Create(Config{{none}, "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  Experiment bad_fallback = MakeExperiment("bad", {"ns"}, 100, {50, 50});
  bad_fallback.fallback_index = 2;
  EXPECT_EQ(Snapshot::Create(Config{{bad_fallback}, "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad_fallback.fallback_index = -1;
  EXPECT_EQ(Snapshot::Create(Config{{bad_fallback}, "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  Experiment bad_seed = MakeExperiment("seed", {"ns"}, 100, {50, 50});
  bad_seed.seed_template = "\xFF{key}";
  EXPECT_EQ(Snapshot::Create(Config{{bad_seed}, "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace assignd::core
