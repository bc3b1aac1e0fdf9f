// libFuzzer target: the BLEND_WEIGHTS_OVERRIDES parser on arbitrary bytes. Property: whatever it
// accepts has a canonical text that parses again to the same canonical text (the canonical text
// is hashed into the config version, so it must be stable).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/config/blend_overrides.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<assignd::config::BlendOverrides> parsed =
      assignd::config::ParseBlendOverrides(text);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) std::abort();
    return 0;
  }
  const std::string canonical = assignd::config::CanonicalBlendOverrides(*parsed);
  absl::StatusOr<assignd::config::BlendOverrides> reparsed =
      assignd::config::ParseBlendOverrides(canonical);
  if (!reparsed.ok() || reparsed->size() != parsed->size()) std::abort();
  if (assignd::config::CanonicalBlendOverrides(*reparsed) != canonical) std::abort();
  return 0;
}
