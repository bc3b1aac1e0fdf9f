#include "server/config/config_loader.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/config/apply_blend_overrides.h"
#include "server/config/config_document.h"
#include "server/config/config_version.h"
#include "server/config/error_list.h"
#include "server/config/experiment_set_rules.h"
#include "server/config/read_file.h"
#include "server/config/release_free_memory.h"

namespace assignd::config {

absl::StatusOr<core::Config> ParseConfig(std::string_view yaml_text, std::string_view path,
                                         const BlendOverrides& overrides) {
  ErrorList errors(path);
  ConfigDocument document = ReadConfigDocument(yaml_text, errors);
  std::vector<ExperimentEntry>& entries = document.experiments;
  CheckExperimentSet(entries, errors);
  core::Config config;
  config.experiments.reserve(entries.size());
  for (ExperimentEntry& entry : entries) config.experiments.push_back(std::move(entry.experiment));
  ApplyBlendOverrides(overrides, config.experiments, errors);
  if (!errors.empty()) return errors.ToStatus();
  config.segments = std::move(document.segments);
  config.version = ConfigVersion(yaml_text, overrides);
  config.source_path = std::string(path);
  return config;
}

absl::StatusOr<core::Config> LoadConfigFile(const std::string& path,
                                            const BlendOverrides& overrides) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseConfig(*text, path, overrides);
}

absl::StatusOr<std::shared_ptr<const core::Snapshot>> LoadSnapshot(
    const std::string& path, const BlendOverrides& overrides) {
  absl::StatusOr<core::Config> config = LoadConfigFile(path, overrides);
  if (!config.ok()) return config.status();
  absl::StatusOr<std::shared_ptr<const core::Snapshot>> snapshot =
      core::Snapshot::Create(*std::move(config));
  ReleaseFreeMemory();
  if (!snapshot.ok()) {
    // Unreachable for a validated config; say where it came from if it happens anyway.
    return absl::Status(snapshot.status().code(),
                        absl::StrCat(path, ": ", snapshot.status().message()));
  }
  return snapshot;
}

}  // namespace assignd::config
