#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "server/core/absl_string_view.h"
#include "server/core/bucket_ranges.h"
#include "server/core/experiment.h"

namespace assignd::core {

// Everything one namespace's requests need, precomputed at load: the request path only hashes
// the user id on top of seed_state and scans `ranges`.
struct NamespaceRoute {
  std::string ns;
  const Experiment* experiment = nullptr;  // owned by the Snapshot
  int experiment_index = 0;
  int route_index = 0;  // dense index, for per-route side tables (metric handles)
  std::string seed;
  uint32_t seed_state = 0;  // FNV-1a state after hashing the seed's UTF-16 units
  std::vector<BucketRange> ranges;
};

// An immutable, validated config ready to serve. Shared between threads as
// std::shared_ptr<const Snapshot>; never modified after Create.
class Snapshot {
 public:
  // Builds routes for every active experiment's namespaces. Fails (InvalidArgument) on an
  // inconsistent config: the config loader reports the same problems with file positions first.
  static absl::StatusOr<std::shared_ptr<const Snapshot>> Create(Config config);

  // The route serving `ns`, or nullptr.
  const NamespaceRoute* Find(std::string_view ns) const {
    const auto it = routes_.find(AsAbsl(ns));
    return it == routes_.end() ? nullptr : &it->second;
  }

  const Config& config() const { return config_; }
  const std::string& version() const { return config_.version; }
  int route_count() const { return static_cast<int>(routes_by_index_.size()); }
  // Routes by route_index, sorted by namespace.
  const std::vector<const NamespaceRoute*>& routes() const { return routes_by_index_; }

 private:
  Snapshot() = default;
  Config config_;
  absl::flat_hash_map<std::string, NamespaceRoute> routes_;
  std::vector<const NamespaceRoute*> routes_by_index_;
};

}  // namespace assignd::core
