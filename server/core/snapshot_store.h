#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace assignd::core {

// Publishes immutable values of T to many reader threads. Readers call Get() on the request path:
// one acquire load of a generation counter and a thread-local pointer compare; the mutex is taken
// only by a thread's first Get after a Store (to copy the new shared_ptr into its cache). So a
// request takes no lock in steady state, and a request in flight keeps the value it started with
// alive through its thread's cache even if a newer one is stored meanwhile.
//
// Why not std::atomic<std::shared_ptr>: GCC 12's implementation is not lock-free (it spins on a
// lock bit on every load).
template <typename T>
class SnapshotStore {
 public:
  SnapshotStore() : id_(next_id_.fetch_add(1, std::memory_order_relaxed)) {}
  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;

  // Publishes `value`; readers see it on their next Get.
  void Store(std::shared_ptr<const T> value) {
    std::shared_ptr<const T> old;
    {
      absl::MutexLock lock(&mu_);
      old = std::exchange(current_, std::move(value));
      generation_.fetch_add(1, std::memory_order_release);
    }
    // `old` is released outside the lock; thread caches may still hold it until their next Get.
  }

  // The current value (may be null before the first Store). Takes the mutex: for admin paths.
  std::shared_ptr<const T> Load() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }

  // The current value for this thread, valid until this thread's next Get on any store.
  // May be null before the first Store.
  const T* Get() const {
    thread_local Cache cache;
    const uint64_t generation = generation_.load(std::memory_order_acquire);
    if (cache.store_id != id_ || cache.generation != generation) {
      absl::MutexLock lock(&mu_);
      cache.value = current_;
      cache.store_id = id_;
      cache.generation = generation_.load(std::memory_order_relaxed);
    }
    return cache.value.get();
  }

 private:
  struct Cache {
    uint64_t store_id = 0;
    uint64_t generation = 0;
    std::shared_ptr<const T> value;
  };

  static inline std::atomic<uint64_t> next_id_{1};
  const uint64_t id_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const T> current_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> generation_{0};
};

}  // namespace assignd::core
