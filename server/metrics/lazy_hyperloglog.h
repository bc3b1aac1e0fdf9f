#pragma once

#include <atomic>
#include <memory>
#include <string_view>

#include "server/metrics/hyperloglog.h"

namespace assignd::metrics {

// A HyperLogLog whose 16 KiB of registers are allocated by the first Add. Every route of a config
// gets one sketch per variant at each load; allocated eagerly, a 10,000-experiment config zeroed
// 320 MiB per load and kept it resident, although most routes of such a config see no traffic.
// The one allocation happens on the request path, once per route and variant per config load.
class LazyHyperLogLog {
 public:
  LazyHyperLogLog() = default;
  LazyHyperLogLog(const LazyHyperLogLog&) = delete;
  LazyHyperLogLog& operator=(const LazyHyperLogLog&) = delete;
  ~LazyHyperLogLog() { delete sketch_.load(std::memory_order_acquire); }

  void Add(std::string_view item) { Sketch().Add(item); }

  // 0 until the first Add.
  double Estimate() const {
    const HyperLogLog* sketch = sketch_.load(std::memory_order_acquire);
    return sketch == nullptr ? 0 : sketch->Estimate();
  }

  bool allocated() const { return sketch_.load(std::memory_order_acquire) != nullptr; }

 private:
  HyperLogLog& Sketch() {
    HyperLogLog* current = sketch_.load(std::memory_order_acquire);
    if (current != nullptr) [[likely]] {
      return *current;
    }
    auto fresh = std::make_unique<HyperLogLog>();
    // Two first requests may race: one sketch wins, the other is freed unused.
    if (sketch_.compare_exchange_strong(current, fresh.get(), std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
      return *fresh.release();
    }
    return *current;
  }

  std::atomic<HyperLogLog*> sketch_{nullptr};
};

}  // namespace assignd::metrics
