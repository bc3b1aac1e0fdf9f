#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/config/blend_overrides.h"
#include "server/core/experiment.h"
#include "server/core/snapshot.h"

// YAML experiments file -> validated core::Config. Nothing throws out of this layer: every problem
// is an InvalidArgument whose message lists one "path:line:column: what" per line (1-based), so
// `assignd --check` and the reload log can show all of them at once.
namespace assignd::config {

// Parses and validates `yaml_text`; `path` only names the file in messages. `overrides`
// (from BLEND_WEIGHTS_OVERRIDES) are applied after validation of the file and must name existing
// experiment/variant pairs. The resulting Config's version is a content hash of the text and the
// overrides, so identical inputs give identical versions on every replica.
absl::StatusOr<core::Config> ParseConfig(std::string_view yaml_text, std::string_view path,
                                         const BlendOverrides& overrides = {});

// Reads `path` and calls ParseConfig. Unreadable files are NotFound/PermissionDenied/etc. with
// the path and errno text.
absl::StatusOr<core::Config> LoadConfigFile(const std::string& path,
                                            const BlendOverrides& overrides = {});

// LoadConfigFile then core::Snapshot::Create.
absl::StatusOr<std::shared_ptr<const core::Snapshot>> LoadSnapshot(
    const std::string& path, const BlendOverrides& overrides = {});

}  // namespace assignd::config
