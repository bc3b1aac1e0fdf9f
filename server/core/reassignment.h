#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "server/core/bucket_ranges.h"
#include "server/core/snapshot.h"

// The reassignment guard: before a new config is published, how many of the users already
// enrolled in an experiment would change variant or drop out of it?
//
// GrowthBook hash v2 values are exactly k/10000 for k in 0..9999, so a route's assignment of every
// possible user is fixed by which of those 10,000 values fall in which variant's range. Comparing
// the old and new ranges value by value gives the exact moved share of the hash space (no
// sampling); over real users it is the expected share, as hash values are uniform.
namespace assignd::core {

// What decides a route's assignments, as far as the guard cares: which variant (by name) each
// hash value gets.
struct RouteShape {
  std::string experiment;
  std::string seed;
  std::vector<BucketRange> ranges;
  std::vector<std::string> variant_names;
};
RouteShape ShapeOf(const NamespaceRoute& route);

// What a reload does to one namespace served by the same experiment key before and after.
struct RouteReassignment {
  std::string experiment;
  std::string ns;
  // Share of the hash space enrolled (in some variant range) before the reload.
  double enrolled_before = 0;
  // Share of those enrolled users who would change variant (by name) or leave the ramp, in [0,1].
  // With a changed seed the new hash is independent of the old one, so this is the expected share:
  // 1 - sum over variants v of p_old(v)/enrolled_before * p_new(v), with p(v) the share of the
  // hash space in v's range.
  double moved_share = 0;
  bool seed_changed = false;
  // The new config sets allow_reassignment on this experiment.
  bool allowed = false;
  // The new config has the kill switch on: nobody gets a hashed variant now, so the move is not
  // enforced yet; it is judged again when the switch goes off.
  bool kill_switch = false;

  // A changed seed re-randomises everyone, so it counts as moving users whatever the share says.
  bool moves_users() const { return seed_changed || moved_share > 0; }
  bool refused() const { return moves_users() && !allowed && !kill_switch; }
};

// Compares what users got under `before` with what `after` gives them. The kill switch does not
// enter the share (it moves nobody's variant; switching it off returns everyone to theirs), nor
// do QA overrides (forced users are not enrolled). Exact: enumerates the 10,000 hash values
// unless the seed, variant names and ranges are all unchanged (then nobody moves).
RouteReassignment CompareRoutes(const RouteShape& before, const NamespaceRoute& after);

// Remembers, per namespace, the assignment users last really got: the shape of the last
// published route whose kill switch was off. So the kill switch is never held back (flipping it
// on is accepted whatever else changed in that experiment), yet a change made while it is on is
// judged against the variants users had before, when it is switched off again.
class ReassignmentGuard {
 public:
  // Compares every namespace that `next` serves with the same experiment key as the remembered
  // one, in `next`'s route order. New experiments or namespaces are not compared (nobody was
  // enrolled), nor are removed or deactivated ones (removing an experiment ends it).
  std::vector<RouteReassignment> Compare(const Snapshot& next) const;

  // Records that `published` is now served.
  void Published(const Snapshot& published);

 private:
  absl::flat_hash_map<std::string, RouteShape> served_;  // by namespace
};

// The guard's verdict on `next` if `current` had been published with its kill switches as given.
std::vector<RouteReassignment> CompareSnapshots(const Snapshot& current, const Snapshot& next);

// OK unless some route is refused(); then FailedPrecondition naming each such experiment and
// namespace with its moved share.
absl::Status CheckReassignment(const std::vector<RouteReassignment>& routes);

// "experiment X (namespace N): 42.00% of enrolled users would ..." for logs and errors.
std::string DescribeReassignment(const RouteReassignment& route);

}  // namespace assignd::core
