#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/core/stable_hash.h"

// A HyperLogLog distinct-count sketch that request threads update concurrently without locks or
// allocation: one hash, one relaxed load, and a CAS only when a register grows (rare once warm).
// Estimates use Ertl's "improved raw estimator" (arXiv:1702.01284, algorithm 6), which is
// unbiased from 0 to far beyond any realistic user count without HLL++'s empirical tables.
namespace assignd::metrics {

class HyperLogLog {
 public:
  static constexpr int kPrecision = 14;                          // p: index bits
  static constexpr size_t kRegisters = size_t{1} << kPrecision;  // m = 16384 (16 KiB)
  static constexpr int kMaxRank = 64 - kPrecision + 1;           // q + 1
  // Relative standard error of Estimate(): 1.04 / sqrt(m) = 0.81%.
  static constexpr double kRelativeStandardError = 1.04 / 128.0;

  HyperLogLog() = default;
  HyperLogLog(const HyperLogLog&) = delete;
  HyperLogLog& operator=(const HyperLogLog&) = delete;

  // Adds an item (a user id) by its core::StableHash64.
  void Add(std::string_view item) { AddHash(core::StableHash64(item)); }

  // Adds an item by its 64-bit hash (which must be well mixed in all bits).
  void AddHash(uint64_t hash) {
    const size_t index = static_cast<size_t>(hash >> (64 - kPrecision));
    const uint64_t rest = hash << kPrecision;  // the low q bits, left-aligned
    const auto rank = static_cast<uint8_t>(rest == 0 ? kMaxRank : __builtin_clzll(rest) + 1);
    std::atomic<uint8_t>& reg = registers_[index];
    uint8_t current = reg.load(std::memory_order_relaxed);
    while (rank > current && !reg.compare_exchange_weak(current, rank, std::memory_order_relaxed)) {
    }
  }

  // Estimated number of distinct items added so far. Safe to call while others Add (it reads a
  // register at a time, so it sees some consistent-enough mix of before and after).
  double Estimate() const;

 private:
  std::array<std::atomic<uint8_t>, kRegisters> registers_{};
};

}  // namespace assignd::metrics
