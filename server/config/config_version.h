#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/config/blend_overrides.h"

namespace assignd::config {

inline constexpr uint64_t kFnv64Offset = 0xcbf29ce484222325u;

// 64-bit FNV-1a of `bytes`, continuing from `state`.
uint64_t Fnv1a64(std::string_view bytes, uint64_t state = kFnv64Offset);

// Config.version: 16 lowercase hex digits of Fnv1a64 over the file text, a 0 byte, and
// CanonicalBlendOverrides(overrides). A pure function of the inputs, so every replica loading the
// same file with the same environment reports the same version.
std::string ConfigVersion(std::string_view yaml_text, const BlendOverrides& overrides);

}  // namespace assignd::config
