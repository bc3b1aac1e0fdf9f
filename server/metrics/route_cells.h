#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace assignd::metrics {

// The counters of one route (namespace x experiment): exposures by variant, the three fallback
// reasons, and exposures by variant and segment slot, as plain atomic cells. They are labelled
// only when scraped (RouteSeriesCollector): prometheus-cpp keeps a label map and a heap-allocated
// counter per series, ~500 bytes each, and a 10,000-experiment config has 50,000 such series.
// Cells are shared by consecutive configs that keep the route with the same variants and
// segments, so counts carry across reloads and requests still finishing on the old config count
// into the same cells.
class RouteCells {
 public:
  enum Fallback : size_t { kNotInRamp = 0, kKillSwitch = 1, kForcedOverride = 2 };
  static constexpr size_t kFallbackCount = 3;

  RouteCells(size_t variant_count, size_t segment_slot_count)
      : variants_(variant_count),
        slots_(segment_slot_count),
        cells_(std::make_unique<std::atomic<uint64_t>[]>(variants_ + kFallbackCount +
                                                         variants_ * slots_)) {}

  void AddExposure(size_t variant) { Add(variant); }
  void AddFallback(Fallback reason) { Add(variants_ + reason); }
  void AddSegmentExposure(size_t variant, size_t slot) {
    Add(variants_ + kFallbackCount + variant * slots_ + slot);
  }

  uint64_t exposures(size_t variant) const { return Get(variant); }
  uint64_t fallbacks(Fallback reason) const { return Get(variants_ + reason); }
  uint64_t segment_exposures(size_t variant, size_t slot) const {
    return Get(variants_ + kFallbackCount + variant * slots_ + slot);
  }

 private:
  void Add(size_t cell) { cells_[cell].fetch_add(1, std::memory_order_relaxed); }
  uint64_t Get(size_t cell) const { return cells_[cell].load(std::memory_order_relaxed); }

  size_t variants_;
  size_t slots_;
  std::unique_ptr<std::atomic<uint64_t>[]> cells_;
};

}  // namespace assignd::metrics
