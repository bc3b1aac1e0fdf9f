#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/service/serving_state.h"

namespace assignd::app {

// Gives memory back off the request path, on one background thread:
// - Retired serving states are destroyed there. A state's last owner is often a request thread
//   (its snapshot cache keeps the previous state until its next request): deleting a
//   10,000-experiment config there cost that request milliseconds.
// - The heap is trimmed there after a state was destroyed, and shortly after each /metrics
//   scrape: glibc keeps freed pages mapped, and after a few reloads or scrapes of a large config
//   that was tens of MiB.
class MemoryReclaimer {
 public:
  // The process-wide instance. It is never destroyed: request threads may drop their last state
  // at any time up to their exit.
  static MemoryReclaimer& Get();

  MemoryReclaimer(const MemoryReclaimer&) = delete;
  MemoryReclaimer& operator=(const MemoryReclaimer&) = delete;

  // `state` shared; its last owner hands it to this reclaimer instead of deleting it.
  std::shared_ptr<const service::ServingState> Manage(std::unique_ptr<service::ServingState> state);

  // Trims the heap `delay` from now (once, however often this is called meanwhile), by when the
  // work that asked for it should have freed its garbage.
  void TrimAfter(absl::Duration delay) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  MemoryReclaimer();
  void Retire(const service::ServingState* state) ABSL_LOCKS_EXCLUDED(mu_);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  [[noreturn]] void Run() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex mu_;
  std::vector<const service::ServingState*> retired_ ABSL_GUARDED_BY(mu_);
  absl::Time trim_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();  // none asked for
};

}  // namespace assignd::app
