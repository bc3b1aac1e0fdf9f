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

bool SameRanges(const std::vector<BucketRange>& a, const std::vector<BucketRange>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].start != b[i].start || a[i].end != b[i].end) return false;
  }
  return true;
}

// Every variant's new range contains its old one and the new ranges do not overlap, so every
// enrolled hash value stays in its variant: a ramp raise. Exact without enumerating the values.
bool RangesOnlyGrow(const std::vector<BucketRange>& before, const std::vector<BucketRange>& after) {
  if (before.size() != after.size()) return false;
  for (size_t i = 0; i < after.size(); ++i) {
    const bool old_empty = before[i].end <= before[i].start;
    if (!old_empty && (after[i].start > before[i].start || after[i].end < before[i].end)) {
      return false;
    }
    if (i + 1 < after.size() && after[i].end > after[i + 1].start) return false;
  }
  return true;
}

bool SameVariantNames(const std::vector<std::string>& names, const std::vector<Variant>& variants) {
  if (names.size() != variants.size()) return false;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != variants[i].name) return false;
  }
  return true;
}

std::string Percent(double share) { return absl::StrFormat("%.2f%%", 100.0 * share); }

}  // namespace

RouteShape ShapeOf(const NamespaceRoute& route) {
  RouteShape shape;
  shape.experiment = route.experiment->key;
  shape.seed = route.seed;
  shape.ranges = route.ranges;
  for (const Variant& v : route.experiment->variants) shape.variant_names.push_back(v.name);
  return shape;
}

RouteReassignment CompareRoutes(const RouteShape& before, const NamespaceRoute& after) {
  RouteReassignment result;
  result.experiment = after.experiment->key;
  result.ns = after.ns;
  result.seed_changed = before.seed != after.seed;
  result.allowed = after.experiment->allow_reassignment;
  result.kill_switch = after.experiment->kill_switch;

  const std::vector<Variant>& new_variants = after.experiment->variants;
  if (!result.seed_changed && SameVariantNames(before.variant_names, new_variants) &&
      (SameRanges(before.ranges, after.ranges) || RangesOnlyGrow(before.ranges, after.ranges))) {
    // Every enrolled hash value lands in the same-named variant as before: nobody moves.
    int enrolled = 0;
    for (const BucketRange& range : before.ranges) enrolled += CountHashValues(range);
    result.enrolled_before = static_cast<double>(enrolled) / kHashValues;
    return result;
  }

  // Old variant index -> index of the same-named variant in the new config, or -1.
  std::vector<int> renamed(before.variant_names.size(), -1);
  for (size_t i = 0; i < before.variant_names.size(); ++i) {
    for (size_t j = 0; j < new_variants.size(); ++j) {
      if (before.variant_names[i] == new_variants[j].name) renamed[i] = static_cast<int>(j);
    }
  }

  std::vector<int> old_count(before.variant_names.size(), 0);
  std::vector<int> new_count(new_variants.size(), 0);
  int enrolled = 0;
  int moved = 0;
  for (int k = 0; k < kHashValues; ++k) {
    const double n = HashValue(k);
    const int old_variant = ChooseVariation(n, before.ranges);
    const int new_variant = ChooseVariation(n, after.ranges);
    if (new_variant >= 0) ++new_count[static_cast<size_t>(new_variant)];
    if (old_variant < 0) continue;
    ++enrolled;
    ++old_count[static_cast<size_t>(old_variant)];
    if (new_variant < 0 || new_variant != renamed[static_cast<size_t>(old_variant)]) ++moved;
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
  for (size_t i = 0; i < old_count.size(); ++i) {
    if (renamed[i] < 0 || old_count[i] == 0) continue;
    stays += static_cast<double>(old_count[i]) / enrolled *
             (static_cast<double>(new_count[static_cast<size_t>(renamed[i])]) / kHashValues);
  }
  result.moved_share = std::clamp(1.0 - stays, 0.0, 1.0);
  return result;
}

std::vector<RouteReassignment> ReassignmentGuard::Compare(const Snapshot& next) const {
  std::vector<RouteReassignment> result;
  for (const NamespaceRoute* route : next.routes()) {
    const auto it = served_.find(route->ns);
    if (it == served_.end() || it->second.experiment != route->experiment->key) continue;
    result.push_back(CompareRoutes(it->second, *route));
  }
  return result;
}

void ReassignmentGuard::Published(const Snapshot& published) {
  absl::flat_hash_map<std::string, RouteShape> served;
  served.reserve(published.routes().size());
  for (const NamespaceRoute* route : published.routes()) {
    const auto it = served_.find(route->ns);
    if (route->experiment->kill_switch && it != served_.end() &&
        it->second.experiment == route->experiment->key) {
      // Killed: users will get back what they last had, not this config's (unused) ranges.
      served.emplace(route->ns, std::move(it->second));
    } else {
      served.emplace(route->ns, ShapeOf(*route));
    }
  }
  served_ = std::move(served);
}

std::vector<RouteReassignment> CompareSnapshots(const Snapshot& current, const Snapshot& next) {
  ReassignmentGuard guard;
  guard.Published(current);
  return guard.Compare(next);
}

std::string DescribeReassignment(const RouteReassignment& route) {
  std::string text = absl::StrCat("experiment ", route.experiment, " (namespace ", route.ns,
                                  "): ", Percent(route.moved_share),
                                  " of enrolled users would change variant or leave the ramp");
  if (route.seed_changed) absl::StrAppend(&text, " (seed changed: everyone is re-randomised)");
  if (route.kill_switch && route.moves_users()) {
    absl::StrAppend(&text, " (kill switch on: checked again when it is switched off)");
  }
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
