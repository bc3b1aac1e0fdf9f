#include "server/config/config_version.h"

#include "absl/strings/str_cat.h"

namespace assignd::config {

uint64_t Fnv1a64(std::string_view bytes, uint64_t state) {
  constexpr uint64_t kPrime = 0x100000001b3u;
  for (const char c : bytes) {
    state ^= static_cast<unsigned char>(c);
    state *= kPrime;
  }
  return state;
}

std::string ConfigVersion(std::string_view yaml_text, const BlendOverrides& overrides) {
  uint64_t state = Fnv1a64(yaml_text);
  // The separator keeps text "a" + overrides "b" distinct from text "ab" + no overrides.
  state = Fnv1a64(std::string_view("\0", 1), state);
  state = Fnv1a64(CanonicalBlendOverrides(overrides), state);
  return absl::StrCat(absl::Hex(state, absl::kZeroPad16));
}

}  // namespace assignd::config
