#include "server/core/reassignment.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace assignd::core {
namespace {

// Hash v2 yields (h % 10000) / 10000.0: exactly these 10,000 doubles.
constexpr int kHashValues = 10000;
double HashValue(int k) { return static_cast<double>(k) / 10000.0; }

// Smallest k in 0..kHashValues with HashValue(k) >= x (kHashValues if none). The division is
// checked against the real doubles, so range ends compare exactly as ChooseVariation does.
int FirstHashValueAtOrAbove(double x) {
  int k = std::clamp(static_cast<int>(std::ceil(x * kHashValues)) - 1, 0, kHashValues);
  while (k < kHashValues && HashValue(k) < x) ++k;
  while (k > 0 && HashValue(k - 1) >= x) --k;
  return k;
}

// How many hash values fall in [start, end).
int CountHashValues(const BucketRange& range) {
  return std::max(0, FirstHashValueAtOrAbove(range.end) - FirstHashValueAtOrAbove(range.start));
}

const std::vector<Variant>& VariantsOf(const NamespaceRoute& route) {
  return route.experiment->variants;
}

bool SameVariantNames(const NamespaceRoute& a, const NamespaceRoute& b) {
  const std::vector<Variant>& va = VariantsOf(a);
  const std::vector<Variant>& vb = VariantsOf(b);
  if (va.size() != vb.size()) return false;
  for (size_t i = 0; i < va.size(); ++i) {
    if (va[i].name != vb[i].name) return false;
  }
  return true;
}

bool SameRanges(const NamespaceRoute& a, const NamespaceRoute& b) {
  if (a.ranges.size() != b.ranges.size()) return false;
  for (size_t i = 0; i < a.ranges.size(); ++i) {
    if (a.ranges[i].start != b.ranges[i].start || a.ranges[i].end != b.ranges[i].end) return false;
  }
  return true;
}

std::string Percent(double share) { return absl::StrFormat("%.2f%%", 100.0 * share); }

}  // namespace

RouteReassignment CompareRoutes(const NamespaceRoute& old_route, const NamespaceRoute& new_route) {
  RouteReassignment result;
  result.experiment = new_route.experiment->key;
  result.ns = new_route.ns;
  result.seed_changed = old_route.seed != new_route.seed;
  result.allowed = new_route.experiment->allow_reassignment;

  if (!result.seed_changed && SameVariantNames(old_route, new_route) &&
      SameRanges(old_route, new_route)) {
    // Every hash value lands in the same-named variant as before: nobody moves.
    int enrolled = 0;
    for (const BucketRange& range : old_route.ranges) enrolled += CountHashValues(range);
    result.enrolled_before = static_cast<double>(enrolled) / kHashValues;
    return result;
  }

  // Old variant index -> index of the same-named variant in the new config, or -1.
  const std::vector<Variant>& old_variants = VariantsOf(old_route);
  const std::vector<Variant>& new_variants = VariantsOf(new_route);
  std::vector<int> renamed(old_variants.size(), -1);
  for (size_t i = 0; i < old_variants.size(); ++i) {
    for (size_t j = 0; j < new_variants.size(); ++j) {
      if (old_variants[i].name == new_variants[j].name) renamed[i] = static_cast<int>(j);
    }
  }

  std::vector<int> old_count(old_variants.size(), 0);
  std::vector<int> new_count(new_variants.size(), 0);
  int enrolled = 0;
  int moved = 0;
  for (int k = 0; k < kHashValues; ++k) {
    const double n = HashValue(k);
    const int before = ChooseVariation(n, old_route.ranges);
    const int after = ChooseVariation(n, new_route.ranges);
    if (after >= 0) ++new_count[static_cast<size_t>(after)];
    if (before < 0) continue;
    ++enrolled;
    ++old_count[static_cast<size_t>(before)];
    if (after < 0 || after != renamed[static_cast<size_t>(before)]) ++moved;
  }
  result.enrolled_before = static_cast<double>(enrolled) / kHashValues;
  if (enrolled == 0) return result;  // nobody to move

  if (!result.seed_changed) {
    result.moved_share = static_cast<double>(moved) / enrolled;
    return result;
  }
  // New seed: a user's new hash value is independent of the old one, so a user enrolled in v
  // stays only if the new hash lands in v's new range, with probability p_new(v).
  double stays = 0;
  for (size_t i = 0; i < old_variants.size(); ++i) {
    if (renamed[i] < 0 || old_count[i] == 0) continue;
    stays += static_cast<double>(old_count[i]) / enrolled *
             (static_cast<double>(new_count[static_cast<size_t>(renamed[i])]) / kHashValues);
  }
  result.moved_share = std::clamp(1.0 - stays, 0.0, 1.0);
  return result;
}

std::vector<RouteReassignment> CompareSnapshots(const Snapshot& current, const Snapshot& next) {
  std::vector<RouteReassignment> result;
  for (const NamespaceRoute* new_route : next.routes()) {
    const NamespaceRoute* old_route = current.Find(new_route->ns);
    if (old_route == nullptr || old_route->experiment->key != new_route->experiment->key) continue;
    result.push_back(CompareRoutes(*old_route, *new_route));
  }
  return result;
}

std::string DescribeReassignment(const RouteReassignment& route) {
  std::string text = absl::StrCat("experiment ", route.experiment, " (namespace ", route.ns,
                                  "): ", Percent(route.moved_share),
                                  " of enrolled users would change variant or leave the ramp");
  if (route.seed_changed) absl::StrAppend(&text, " (seed changed: everyone is re-randomised)");
  return text;
}

absl::Status CheckReassignment(const std::vector<RouteReassignment>& routes) {
  std::vector<std::string> refused;
  for (const RouteReassignment& route : routes) {
    if (route.refused()) refused.push_back(DescribeReassignment(route));
  }
  if (refused.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "reassignment guard: ", absl::StrJoin(refused, "; "),
      ". Refused: set allow_reassignment: true on the experiment in the new file to accept."));
}

}  // namespace assignd::core
