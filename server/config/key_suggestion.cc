#include "server/config/key_suggestion.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "server/core/absl_string_view.h"

namespace assignd::config {

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  // Three rolling rows: the swap rule looks two rows back.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string_view> ClosestKey(std::string_view unknown,
                                           std::span<const std::string_view> known) {
  const std::string lowered = absl::AsciiStrToLower(AsAbsl(unknown));
  std::optional<std::string_view> best;
  int best_distance = 0;
  for (const std::string_view candidate : known) {
    const int limit = std::clamp(static_cast<int>(candidate.size()) / 3, 1, 3);
    const int distance = EditDistance(lowered, absl::AsciiStrToLower(AsAbsl(candidate)));
    if (distance <= limit && (!best || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace assignd::config
