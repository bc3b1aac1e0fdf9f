#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "server/core/snapshot.h"

namespace assignd::core {

enum class Reason {
  kAssigned = 1,
  kNotInRamp = 2,
  kKillSwitch = 3,
  kForcedOverride = 4,
};

struct Assignment {
  const NamespaceRoute* route = nullptr;
  int variant_index = 0;
  Reason reason = Reason::kNotInRamp;
  // GrowthBook hash n in [0,1); negative when no hash was computed (kill switch, override).
  double bucket = -1;

  bool in_experiment() const { return reason == Reason::kAssigned; }
  const Experiment& experiment() const { return *route->experiment; }
  const Variant& variant() const { return route->experiment->variants[variant_index]; }
};

// Limits on request input, checked by ValidateUserId.
inline constexpr size_t kDefaultMaxUserIdBytes = 256;
inline constexpr size_t kMaxNamespaceBytes = 64;

// OK iff `user_id` is 1..max_bytes of valid UTF-8; otherwise InvalidArgument saying why.
absl::Status ValidateUserId(std::string_view user_id, size_t max_bytes = kDefaultMaxUserIdBytes);
// OK iff `ns` matches [A-Za-z0-9_.-]{1,64}; otherwise InvalidArgument.
absl::Status ValidateNamespace(std::string_view ns);

// Decides for one user of `route`, in this order: kill switch -> fallback; QA override -> forced
// variant; GrowthBook hash v2 of seed+user_id -> variant range, or fallback outside the ramp.
// `user_id` must have passed ValidateUserId. Allocates nothing.
Assignment AssignUser(const NamespaceRoute& route, std::string_view user_id);

}  // namespace assignd::core
