#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace assignd::exposure_log {

// A bounded multi-producer queue of preallocated slots (Dmitry Vyukov's bounded MPMC array
// queue). A producer claims a slot with one CAS and fills it in place, so nothing is allocated per
// item as long as filling T does not allocate; when the queue is full, TryPush fails at once. No
// producer ever waits for another or for the consumer.
template <typename T>
class BoundedQueue {
 public:
  // `capacity` is rounded up to a power of two (at least 2). `init(T&)` prepares every slot, e.g.
  // reserves string capacity (a copy of a prototype would not keep it: std::string's copy
  // assignment allocates for the content only).
  template <typename Init>
  BoundedQueue(size_t capacity, Init&& init)
      : mask_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity) - 1),
        cells_(std::make_unique<Cell[]>(mask_ + 1)) {
    for (size_t i = 0; i <= mask_; ++i) {
      cells_[i].sequence.store(i, std::memory_order_relaxed);
      init(cells_[i].data);
    }
  }
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  size_t capacity() const { return mask_ + 1; }

  // Calls fill(T&) on a free slot and publishes it; returns false, without calling fill, if the
  // queue is full.
  template <typename Fill>
  bool TryPush(Fill&& fill) {
    size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    Cell* cell;
    while (true) {
      cell = &cells_[pos & mask_];
      const size_t sequence = cell->sequence.load(std::memory_order_acquire);
      const auto diff = static_cast<intptr_t>(sequence) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
      } else if (diff < 0) {
        return false;  // the consumer has not freed this slot yet: full
      } else {
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
    fill(cell->data);
    cell->sequence.store(pos + 1, std::memory_order_release);
    return true;
  }

  // Calls drain(T&) on the oldest published slot and frees it; returns false if there is none.
  template <typename Drain>
  bool TryPop(Drain&& drain) {
    size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    Cell* cell;
    while (true) {
      cell = &cells_[pos & mask_];
      const size_t sequence = cell->sequence.load(std::memory_order_acquire);
      const auto diff = static_cast<intptr_t>(sequence) - static_cast<intptr_t>(pos + 1);
      if (diff == 0) {
        if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
      } else if (diff < 0) {
        return false;  // empty (or the next slot is still being filled)
      } else {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
      }
    }
    drain(cell->data);
    cell->sequence.store(pos + mask_ + 1, std::memory_order_release);
    return true;
  }

 private:
  struct Cell {
    std::atomic<size_t> sequence{0};
    T data;
  };

  const size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  // On separate cache lines: producers and the consumer would otherwise invalidate each other.
  alignas(64) std::atomic<size_t> enqueue_pos_{0};
  alignas(64) std::atomic<size_t> dequeue_pos_{0};
};

}  // namespace assignd::exposure_log
