#include "server/core/assign.h"

#include "absl/strings/str_cat.h"
#include "server/core/absl_string_view.h"
#include "server/core/growthbook_hash.h"

namespace assignd::core {

absl::Status ValidateUserId(std::string_view user_id, size_t max_bytes) {
  if (user_id.empty()) return absl::InvalidArgumentError("user_id is empty");
  if (user_id.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("user_id is ", user_id.size(), " bytes; the limit is ", max_bytes));
  }
  if (!IsValidUtf8(user_id)) return absl::InvalidArgumentError("user_id is not valid UTF-8");
  return absl::OkStatus();
}

absl::Status ValidateNamespace(std::string_view ns) {
  if (ns.empty()) return absl::InvalidArgumentError("namespace is empty");
  if (ns.size() > kMaxNamespaceBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("namespace is ", ns.size(), " bytes; the limit is ", kMaxNamespaceBytes));
  }
  for (const char c : ns) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          "namespace may contain only letters, digits, '_', '.' and '-'");
    }
  }
  return absl::OkStatus();
}

Assignment AssignUser(const NamespaceRoute& route, std::string_view user_id) {
  const Experiment& experiment = *route.experiment;
  Assignment result;
  result.route = &route;
  result.variant_index = experiment.fallback_index;
  if (experiment.kill_switch) {
    result.reason = Reason::kKillSwitch;
    return result;
  }
  if (!experiment.overrides.empty()) {
    const auto it = experiment.overrides.find(AsAbsl(user_id));
    if (it != experiment.overrides.end()) {
      result.variant_index = it->second;
      result.reason = Reason::kForcedOverride;
      return result;
    }
  }
  const std::optional<double> n = HashV2FromSeedState(route.seed_state, user_id);
  if (!n) {  // unreachable for validated ids; stay safe rather than guess
    result.reason = Reason::kNotInRamp;
    return result;
  }
  result.bucket = *n;
  const int chosen = ChooseVariation(*n, route.ranges);
  if (chosen < 0) {
    result.reason = Reason::kNotInRamp;
    return result;
  }
  result.variant_index = chosen;
  result.reason = Reason::kAssigned;
  return result;
}

}  // namespace assignd::core
