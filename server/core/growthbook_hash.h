#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

// GrowthBook-compatible hashing (JS SDK semantics, spec 0.8.0). Bucketing must be byte-for-byte
// equal to the SDK's so the warehouse and any GrowthBook SDK recompute the same assignments.
// Text is hashed as UTF-16 code units, as JavaScript strings are.
namespace assignd::core {

inline constexpr uint32_t kFnvOffset = 0x811C9DC5u;
inline constexpr uint32_t kFnvPrime = 0x01000193u;

// Continues a 32-bit FNV-1a over the UTF-16 code units of `utf8`. Because FNV is a stream hash,
// Fnv1a32Utf16(Fnv1a32Utf16(kFnvOffset, a), b) == Fnv1a32Utf16(kFnvOffset, a + b): a request only
// hashes the user id on top of the seed's precomputed state. Returns nullopt on invalid UTF-8.
std::optional<uint32_t> Fnv1a32Utf16(uint32_t state, std::string_view utf8);

// True iff `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Hash version 2, from the FNV state after the seed: fnv(decimal(fnv(seed + value))) % 10000 / 1e4.
// Returns nullopt on invalid UTF-8 in `value`.
std::optional<double> HashV2FromSeedState(uint32_t seed_state, std::string_view value);

// GrowthBook's hash(seed, value, version): version 2 as above, version 1 is
// fnv(value + seed) % 1000 / 1000; any other version (or invalid UTF-8) gives nullopt.
std::optional<double> GrowthBookHash(std::string_view seed, std::string_view value, int version);

}  // namespace assignd::core
