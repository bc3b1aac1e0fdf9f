#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/core/snapshot.h"

// The reassignment guard: before a new config is published, how many of the users already
// enrolled in an experiment would change variant or drop out of it?
//
// GrowthBook hash v2 values are exactly k/10000 for k in 0..9999, so a route's assignment of every
// possible user is fixed by which of those 10,000 values fall in which variant's range. Comparing
// the old and new ranges value by value gives the exact moved share of the hash space (no
// sampling); over real users it is the expected share, as hash values are uniform.
namespace assignd::core {

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
  // Whether the new config sets allow_reassignment on this experiment.
  bool allowed = false;

  // A changed seed re-randomises everyone, so it counts as moving users whatever the share says.
  bool moves_users() const { return seed_changed || moved_share > 0; }
  bool refused() const { return moves_users() && !allowed; }
};

// Compares `old_route` and `new_route` (the same namespace, the same experiment key). Ignores
// the kill switch (it moves nobody's variant; switching it off returns everyone to theirs) and QA
// overrides (forced users are not enrolled). Exact: enumerates the 10,000 hash values unless the
// seed, variant names and ranges are all unchanged (then nobody moves).
RouteReassignment CompareRoutes(const NamespaceRoute& old_route, const NamespaceRoute& new_route);

// CompareRoutes for every namespace that `current` and `next` both serve with the same
// experiment key, in `next`'s route order. Experiments or namespaces that are new, removed or
// deactivated are not compared: nobody was enrolled in a new one, and removing one ends it.
std::vector<RouteReassignment> CompareSnapshots(const Snapshot& current, const Snapshot& next);

// OK unless some route moves enrolled users without allow_reassignment; then FailedPrecondition
// naming each such experiment and namespace with its moved share.
absl::Status CheckReassignment(const std::vector<RouteReassignment>& routes);

// "42.00% of enrolled users" style text for one route, for logs and errors.
std::string DescribeReassignment(const RouteReassignment& route);

}  // namespace assignd::core
