// libFuzzer target: the YAML experiments loader (config::ParseConfig) on arbitrary bytes.
// Properties beyond "no crash, no sanitizer report": a config the loader accepts builds a
// Snapshot (the loader catches everything core would refuse), and loading is deterministic (same
// bytes, same version), which is what lets replicas agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/config/config_loader.h"
#include "server/core/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<assignd::core::Config> config = assignd::config::ParseConfig(text, "fuzz.yaml");
  if (!config.ok()) {
    if (config.status().message().empty()) std::abort();  // every refusal must say why
    return 0;
  }
  const std::string version = config->version;
  absl::StatusOr<std::shared_ptr<const assignd::core::Snapshot>> snapshot =
      assignd::core::Snapshot::Create(*std::move(config));
  if (!snapshot.ok()) std::abort();
  absl::StatusOr<assignd::core::Config> again = assignd::config::ParseConfig(text, "fuzz.yaml");
  if (!again.ok() || again->version != version) std::abort();
  return 0;
}
