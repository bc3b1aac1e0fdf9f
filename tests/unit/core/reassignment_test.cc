// The reassignment guard (server/core/reassignment.h): its exact share over the hash space is
// checked against what AssignUser really does to 100k users before and after a change.

#include "server/core/reassignment.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/core/assign.h"
#include "server/core/experiment.h"
#include "server/core/snapshot.h"

namespace assignd::core {
namespace {

constexpr int kUsers = 100000;

std::string UserId(int i) { return absl::StrCat("user-", i); }

struct VariantSpec {
  std::string name;
  double weight;
};

Experiment MakeExperiment(double ramp_percent, std::vector<VariantSpec> variants,
                          std::string key = "exp") {
  Experiment e;
  e.key = std::move(key);
  e.namespaces = {"ns"};
  e.ramp_percent = ramp_percent;
  for (const VariantSpec& v : variants) e.variants.push_back({v.name, v.weight, {}});
  return e;
}

std::shared_ptr<const Snapshot> MakeSnapshotOf(std::vector<Experiment> experiments) {
  Config config;
  config.experiments = std::move(experiments);
  config.version = "test";
  absl::StatusOr<std::shared_ptr<const Snapshot>> snapshot = Snapshot::Create(std::move(config));
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  return snapshot.ok() ? *snapshot : nullptr;
}

std::shared_ptr<const Snapshot> MakeSnapshot(Experiment experiment) {
  return MakeSnapshotOf({std::move(experiment)});
}

// What really happens to 100k users between two snapshots' "ns" routes.
struct Sampled {
  int enrolled_before = 0;
  int moved = 0;  // enrolled before, and now in another variant (by name) or out of the ramp
  double share() const {
    return enrolled_before == 0 ? 0 : static_cast<double>(moved) / enrolled_before;
  }
};

Sampled Sample(const Snapshot& before, const Snapshot& after) {
  const NamespaceRoute& old_route = *before.Find("ns");
  const NamespaceRoute& new_route = *after.Find("ns");
  Sampled s;
  for (int i = 0; i < kUsers; ++i) {
    const std::string id = UserId(i);
    const Assignment a = AssignUser(old_route, id);
    if (!a.in_experiment()) continue;
    ++s.enrolled_before;
    const Assignment b = AssignUser(new_route, id);
    if (!b.in_experiment() || b.variant().name != a.variant().name) ++s.moved;
  }
  return s;
}

RouteReassignment Compare(const Snapshot& before, const Snapshot& after) {
  const std::vector<RouteReassignment> routes = CompareSnapshots(before, after);
  EXPECT_EQ(routes.size(), 1u);
  return routes.empty() ? RouteReassignment{} : routes.front();
}

// |sampled - expected| in standard deviations of a binomial share over the sampled users.
double Sigmas(const Sampled& s, double p) {
  if (p <= 0 || p >= 1) return s.share() == p ? 0 : 1e9;
  return std::abs(s.share() - p) / std::sqrt(p * (1 - p) / s.enrolled_before);
}

TEST(ReassignmentTest, RaisingTheRampMovesNobody) {
  const std::vector<VariantSpec> variants = {{"baseline", 50}, {"challenger_a", 50}};
  std::vector<std::shared_ptr<const Snapshot>> ramps;
  for (double ramp : {1.0, 5.0, 50.0, 100.0})
    ramps.push_back(MakeSnapshot(MakeExperiment(ramp, variants)));
  for (size_t step = 0; step + 1 < ramps.size(); ++step) {
    const RouteReassignment r = Compare(*ramps[step], *ramps[step + 1]);
    EXPECT_EQ(r.moved_share, 0.0) << "step " << step;
    EXPECT_FALSE(r.seed_changed);
    EXPECT_FALSE(r.moves_users());
    EXPECT_FALSE(r.refused());
    const Sampled s = Sample(*ramps[step], *ramps[step + 1]);
    EXPECT_EQ(s.moved, 0) << "step " << step;
    EXPECT_GT(s.enrolled_before, 0);
  }
  // Enrolled shares are exact counts of hash values: 1% of 10,000 values, then 5%, 50%.
  EXPECT_EQ(Compare(*ramps[0], *ramps[1]).enrolled_before, 0.01);
  EXPECT_EQ(Compare(*ramps[1], *ramps[2]).enrolled_before, 0.05);
  EXPECT_EQ(Compare(*ramps[2], *ramps[3]).enrolled_before, 0.5);

  // Every user enrolled at 1% is still enrolled, in the same variant, at 5%, 50% and 100%.
  int enrolled_at_one_percent = 0;
  for (int i = 0; i < kUsers; ++i) {
    const std::string id = UserId(i);
    const Assignment first = AssignUser(*ramps[0]->Find("ns"), id);
    if (!first.in_experiment()) continue;
    ++enrolled_at_one_percent;
    for (size_t step = 1; step < ramps.size(); ++step) {
      const Assignment later = AssignUser(*ramps[step]->Find("ns"), id);
      ASSERT_TRUE(later.in_experiment()) << id << " step " << step;
      ASSERT_EQ(later.variant_index, first.variant_index) << id << " step " << step;
    }
  }
  EXPECT_NEAR(enrolled_at_one_percent, kUsers / 100, 5 * std::sqrt(kUsers * 0.01 * 0.99));
}

// A ramp raise together with a weight change can still move nobody when every variant's range
// only grows: 50/50 at 50% ([0, .25) and [.5, .75)) -> 40/60 at 100% ([0, .4) and [.4, 1)). The
// guard's shortcut for growing ranges must agree with what users really get.
TEST(ReassignmentTest, RangesThatOnlyGrowMoveNobodyEvenWithNewWeights) {
  const auto before = MakeSnapshot(MakeExperiment(50, {{"baseline", 50}, {"challenger_a", 50}}));
  const auto after = MakeSnapshot(MakeExperiment(100, {{"baseline", 40}, {"challenger_a", 60}}));
  const RouteReassignment r = Compare(*before, *after);
  EXPECT_EQ(r.moved_share, 0.0);
  EXPECT_EQ(r.enrolled_before, 0.5);
  EXPECT_EQ(Sample(*before, *after).moved, 0);
  // The other way round, ranges shrink: users move, and the sampled share agrees.
  const RouteReassignment back = Compare(*after, *before);
  EXPECT_GT(back.moved_share, 0.4);
  EXPECT_LT(Sigmas(Sample(*after, *before), back.moved_share), 4);
}

TEST(ReassignmentTest, WeightChangeShareIsExactAndMatchesSampledUsers) {
  const auto before = MakeSnapshot(MakeExperiment(100, {{"baseline", 50}, {"challenger_a", 50}}));
  const auto after = MakeSnapshot(MakeExperiment(100, {{"baseline", 40}, {"challenger_a", 60}}));
  const RouteReassignment r = Compare(*before, *after);
  // Hash values in [0.4, 0.5) move from baseline to challenger_a: 1,000 of 10,000.
  EXPECT_DOUBLE_EQ(r.moved_share, 0.10);
  EXPECT_TRUE(r.moves_users());
  EXPECT_TRUE(r.refused());
  const Sampled s = Sample(*before, *after);
  EXPECT_EQ(s.enrolled_before, kUsers);
  EXPECT_LT(Sigmas(s, r.moved_share), 4.0) << s.moved << " of " << s.enrolled_before;

  // At ramp 50 the ranges are [0,.25)+[.5,.75) -> [0,.2)+[.4,.7): 500 values switch, 500 leave.
  const auto half_before =
      MakeSnapshot(MakeExperiment(50, {{"baseline", 50}, {"challenger_a", 50}}));
  const auto half_after =
      MakeSnapshot(MakeExperiment(50, {{"baseline", 40}, {"challenger_a", 60}}));
  const RouteReassignment half = Compare(*half_before, *half_after);
  EXPECT_DOUBLE_EQ(half.moved_share, 0.20);
  EXPECT_LT(Sigmas(Sample(*half_before, *half_after), half.moved_share), 4.0);
}

TEST(ReassignmentTest, LoweringTheRampDropsEnrolledUsers) {
  const auto before = MakeSnapshot(MakeExperiment(50, {{"a", 50}, {"b", 50}}));
  const auto after = MakeSnapshot(MakeExperiment(10, {{"a", 50}, {"b", 50}}));
  const RouteReassignment r = Compare(*before, *after);
  EXPECT_DOUBLE_EQ(r.moved_share, 0.8);  // 1,000 of the 5,000 enrolled values stay
  EXPECT_TRUE(r.refused());
  EXPECT_LT(Sigmas(Sample(*before, *after), 0.8), 4.0);
}

TEST(ReassignmentTest, SeedChangeReRandomisesAndIsAlwaysAMove) {
  Experiment old_experiment = MakeExperiment(100, {{"a", 50}, {"b", 50}});
  Experiment new_experiment = old_experiment;
  new_experiment.seed_template = "{namespace}:{key}:v2";
  const auto before = MakeSnapshot(old_experiment);
  const auto after = MakeSnapshot(new_experiment);
  const RouteReassignment r = Compare(*before, *after);
  EXPECT_TRUE(r.seed_changed);
  EXPECT_TRUE(r.refused());
  // Independent re-draw into 50/50: a user stays with probability 0.5*0.5 + 0.5*0.5.
  EXPECT_DOUBLE_EQ(r.moved_share, 0.5);
  EXPECT_LT(Sigmas(Sample(*before, *after), r.moved_share), 4.0);

  // Ramp 20 -> 20 under a new seed: p_new(v) = 0.1 each, so 90% of enrolled users move.
  old_experiment.ramp_percent = 20;
  new_experiment.ramp_percent = 20;
  const auto before20 = MakeSnapshot(old_experiment);
  const auto after20 = MakeSnapshot(new_experiment);
  const RouteReassignment r20 = Compare(*before20, *after20);
  EXPECT_NEAR(r20.moved_share, 0.9, 1e-12);
  EXPECT_LT(Sigmas(Sample(*before20, *after20), r20.moved_share), 4.0);

  // Even a seed change whose expected share is 0 (everyone enrolled in the one 100% variant
  // before and after) counts as a move: the assignment is re-randomised.
  const auto solo_before = MakeSnapshot(MakeExperiment(100, {{"a", 100}, {"b", 0}}));
  Experiment solo = MakeExperiment(100, {{"a", 100}, {"b", 0}});
  solo.seed_template = "other";
  const RouteReassignment rs = Compare(*solo_before, *MakeSnapshot(solo));
  EXPECT_EQ(rs.moved_share, 0.0);
  EXPECT_TRUE(rs.moves_users());
}

TEST(ReassignmentTest, VariantOrderSwapMovesUsersByName) {
  const auto before = MakeSnapshot(MakeExperiment(100, {{"a", 50}, {"b", 50}}));
  const auto swapped = MakeSnapshot(MakeExperiment(100, {{"b", 50}, {"a", 50}}));
  const RouteReassignment r = Compare(*before, *swapped);
  EXPECT_DOUBLE_EQ(r.moved_share, 1.0);
  EXPECT_EQ(Sample(*before, *swapped).share(), 1.0);

  // 30/70 -> b first: a's [0,.3) all move to b; b's [.7,1) move to a; b's [.3,.7) stay.
  const auto uneven = MakeSnapshot(MakeExperiment(100, {{"a", 30}, {"b", 70}}));
  const auto uneven_swapped = MakeSnapshot(MakeExperiment(100, {{"b", 70}, {"a", 30}}));
  const RouteReassignment u = Compare(*uneven, *uneven_swapped);
  EXPECT_DOUBLE_EQ(u.moved_share, 0.6);
  EXPECT_LT(Sigmas(Sample(*uneven, *uneven_swapped), 0.6), 4.0);
}

TEST(ReassignmentTest, KillSwitchIsNeverAMoveAndSwitchingItOffRestoresEveryone) {
  Experiment live = MakeExperiment(50, {{"baseline", 50}, {"challenger_a", 50}});
  Experiment killed = live;
  killed.kill_switch = true;
  const auto on = MakeSnapshot(live);
  const auto off = MakeSnapshot(killed);
  const auto back = MakeSnapshot(live);
  EXPECT_FALSE(Compare(*on, *off).moves_users());
  EXPECT_FALSE(Compare(*off, *back).moves_users());
  for (int i = 0; i < kUsers; i += 7) {
    const std::string id = UserId(i);
    const Assignment before = AssignUser(*on->Find("ns"), id);
    const Assignment during = AssignUser(*off->Find("ns"), id);
    const Assignment after = AssignUser(*back->Find("ns"), id);
    ASSERT_EQ(during.reason, Reason::kKillSwitch);
    ASSERT_EQ(during.variant_index, 0);  // the fallback
    ASSERT_EQ(after.reason, before.reason) << id;
    ASSERT_EQ(after.variant_index, before.variant_index) << id;
  }
}

TEST(ReassignmentTest, KillSwitchIsNeverHeldBackButAChangeUnderItIsJudgedWhenItGoesOff) {
  Experiment live = MakeExperiment(50, {{"baseline", 50}, {"challenger_a", 50}});
  Experiment killed_reweighted = MakeExperiment(50, {{"baseline", 40}, {"challenger_a", 60}});
  killed_reweighted.kill_switch = true;
  Experiment live_reweighted = killed_reweighted;
  live_reweighted.kill_switch = false;
  const auto original = MakeSnapshot(live);

  ReassignmentGuard guard;
  guard.Published(*original);
  // The emergency flip is accepted even though the weights changed in the same save...
  const auto killed = MakeSnapshot(killed_reweighted);
  std::vector<RouteReassignment> r = guard.Compare(*killed);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].moves_users());
  EXPECT_DOUBLE_EQ(r[0].moved_share, 0.2);
  EXPECT_FALSE(r[0].refused());
  EXPECT_TRUE(CheckReassignment(r).ok());
  guard.Published(*killed);
  // ...but switching it off with the new weights is judged against what users had before the
  // kill, so the guard cannot be side-stepped through the kill switch.
  r = guard.Compare(*MakeSnapshot(live_reweighted));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].refused());
  EXPECT_DOUBLE_EQ(r[0].moved_share, 0.2);
  // Switching it off with the original weights moves nobody.
  r = guard.Compare(*MakeSnapshot(live));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].moves_users());
  // Once a live config with allow_reassignment is published, it is the new reference.
  live_reweighted.allow_reassignment = true;
  const auto accepted = MakeSnapshot(live_reweighted);
  EXPECT_FALSE(guard.Compare(*accepted)[0].refused());
  guard.Published(*accepted);
  Experiment again = live_reweighted;
  again.allow_reassignment = false;
  EXPECT_FALSE(guard.Compare(*MakeSnapshot(again))[0].moves_users());
}

TEST(ReassignmentTest, BlendOverridesAndFallbackChangesMoveNobody) {
  Experiment before = MakeExperiment(30, {{"a", 20}, {"b", 30}, {"c", 50}});
  Experiment after = before;
  after.variants[1].blend = {0.9, 0.05, 0.05};
  after.overrides = {{"qa-1", 2}};
  after.fallback_index = 2;
  const RouteReassignment r = Compare(*MakeSnapshot(before), *MakeSnapshot(after));
  EXPECT_EQ(r.moved_share, 0.0);
  EXPECT_FALSE(r.moves_users());
  // 3,001 hash values, not 3,000: 0.3 * 0.2 rounds up to just above 0.06, so 0.06 itself is in
  // the first range (as in GrowthBook's JS). The count is of the real doubles.
  EXPECT_EQ(r.enrolled_before, 0.3001);
}

TEST(ReassignmentTest, RenamedVariantCountsAsAMove) {
  const auto before = MakeSnapshot(MakeExperiment(100, {{"a", 50}, {"b", 50}}));
  const auto after = MakeSnapshot(MakeExperiment(100, {{"a", 50}, {"b2", 50}}));
  EXPECT_DOUBLE_EQ(Compare(*before, *after).moved_share, 0.5);
}

TEST(ReassignmentTest, AllowReassignmentAcceptsAndMessageNamesTheShare) {
  const auto before = MakeSnapshot(MakeExperiment(100, {{"baseline", 50}, {"challenger_a", 50}}));
  Experiment reweighted = MakeExperiment(100, {{"baseline", 40}, {"challenger_a", 60}});
  const std::vector<RouteReassignment> refused =
      CompareSnapshots(*before, *MakeSnapshot(reweighted));
  const absl::Status status = CheckReassignment(refused);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("experiment exp (namespace ns): 10.00% of enrolled users"),
            std::string::npos)
      << status;
  EXPECT_NE(status.message().find("allow_reassignment: true"), std::string::npos) << status;

  reweighted.allow_reassignment = true;
  const std::vector<RouteReassignment> allowed =
      CompareSnapshots(*before, *MakeSnapshot(reweighted));
  ASSERT_EQ(allowed.size(), 1u);
  EXPECT_TRUE(allowed[0].moves_users());
  EXPECT_FALSE(allowed[0].refused());
  EXPECT_TRUE(CheckReassignment(allowed).ok());
}

TEST(ReassignmentTest, NewRemovedAndReplacedExperimentsAreNotCompared) {
  const auto before = MakeSnapshot(MakeExperiment(50, {{"a", 50}, {"b", 50}}, "exp"));
  // The namespace is now served by another experiment key, and a new experiment appears.
  Experiment replacement = MakeExperiment(50, {{"x", 10}, {"y", 90}}, "exp2");
  Experiment added = MakeExperiment(50, {{"a", 50}, {"b", 50}}, "exp3");
  added.namespaces = {"other"};
  const auto after = MakeSnapshotOf({replacement, added});
  EXPECT_TRUE(CompareSnapshots(*before, *after).empty());
  EXPECT_TRUE(CompareSnapshots(*after, *before).empty());
}

TEST(ReassignmentTest, EveryRangeBoundaryIsCountedExactly) {
  // Odd weights and ramps whose range ends fall between hash values: the fast path's analytic
  // count and the enumeration must agree with a brute-force count of hash values.
  for (double ramp : {0.0, 0.01, 1.0, 33.3, 99.99, 100.0}) {
    const auto s = MakeSnapshot(MakeExperiment(ramp, {{"a", 33.3}, {"b", 33.3}, {"c", 33.4}}));
    const NamespaceRoute& route = *s->Find("ns");
    int brute = 0;
    for (int k = 0; k < 10000; ++k) brute += ChooseVariation(k / 10000.0, route.ranges) >= 0;
    EXPECT_EQ(CompareRoutes(ShapeOf(route), route).enrolled_before, brute / 10000.0) << ramp;
    Experiment grown = MakeExperiment(100, {{"a", 33.3}, {"b", 33.3}, {"c", 33.4}});
    const RouteReassignment to_full =
        CompareRoutes(ShapeOf(route), *MakeSnapshot(grown)->Find("ns"));
    EXPECT_EQ(to_full.enrolled_before, brute / 10000.0) << ramp;
    EXPECT_EQ(to_full.moved_share, 0.0) << ramp;
  }
}

}  // namespace
}  // namespace assignd::core
