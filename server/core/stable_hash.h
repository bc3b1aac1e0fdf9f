#pragma once

#include <cstdint>
#include <string_view>

namespace assignd::core {

// 64-bit MurmurHash64A of `data`, finished with MurmurHash3's fmix64, with a fixed seed: the same
// input hashes the same in every process, run and replica (unlike absl::Hash, which is salted per
// process), so sketches, sampling decisions and their tests are reproducible. Well mixed in all
// bits; not a cryptographic hash. Independent of the GrowthBook bucketing hash, so it does not
// correlate with variants.
uint64_t StableHash64(std::string_view data, uint64_t seed = 0x5bd1e9955bd1e995ULL);

}  // namespace assignd::core
