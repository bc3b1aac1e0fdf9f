// libFuzzer target: the request path as the service runs it, minus gRPC: ValidateNamespace and
// ValidateUserId on arbitrary bytes, then AssignUser on a fixed snapshot. Properties: a valid
// request gets a variant of the experiment, a bucket in [0,1) when hashed, and the same answer
// twice (stickiness).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "server/config/config_loader.h"
#include "server/core/assign.h"
#include "server/core/snapshot.h"

namespace {

constexpr char kConfig[] = R"(experiments:
  - key: blend_weights_v2
    namespaces: [default, home]
    ramp_percent: 37.5
    fallback_variant: baseline
    variants:
      - {name: baseline,     weight: 50, blend: {alpha: 0.60, beta: 0.30, gamma: 0.10}}
      - {name: challenger_a, weight: 50, blend: {alpha: 0.50, beta: 0.35, gamma: 0.15}}
    overrides: {qa-user-1: challenger_a}
  - key: pdp_weights
    namespaces: [pdp]
    ramp_percent: 100
    kill_switch: true
    fallback_variant: control
    variants:
      - {name: control, weight: 30, blend: {alpha: 0.7, beta: 0.2, gamma: 0.1}}
      - {name: treat,   weight: 70, blend: {alpha: 0.4, beta: 0.4, gamma: 0.2}}
)";

const assignd::core::Snapshot& FixedSnapshot() {
  static const std::shared_ptr<const assignd::core::Snapshot> snapshot = [] {
    absl::StatusOr<assignd::core::Config> config =
        assignd::config::ParseConfig(kConfig, "fuzz_request.yaml");
    if (!config.ok()) std::abort();
    absl::StatusOr<std::shared_ptr<const assignd::core::Snapshot>> s =
        assignd::core::Snapshot::Create(*std::move(config));
    if (!s.ok()) std::abort();
    return *s;
  }();
  return *snapshot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string ns = input.ConsumeRandomLengthString(80);
  const std::string user_id = input.ConsumeRemainingBytesAsString();
  if (!assignd::core::ValidateNamespace(ns).ok()) return 0;
  if (!assignd::core::ValidateUserId(user_id).ok()) return 0;
  const assignd::core::NamespaceRoute* route = FixedSnapshot().Find(ns);
  if (route == nullptr) return 0;
  const assignd::core::Assignment a = assignd::core::AssignUser(*route, user_id);
  const assignd::core::Assignment b = assignd::core::AssignUser(*route, user_id);
  if (a.variant_index < 0 ||
      static_cast<size_t>(a.variant_index) >= route->experiment->variants.size()) {
    std::abort();
  }
  if (a.reason == assignd::core::Reason::kAssigned && !(a.bucket >= 0 && a.bucket < 1)) {
    std::abort();
  }
  if (a.variant_index != b.variant_index || a.reason != b.reason || a.bucket != b.bucket) {
    std::abort();
  }
  return 0;
}
